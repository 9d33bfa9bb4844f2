/*
 * Copyright 2026 the Polyroute authors.
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *     http://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */
package io.polyroute.monitor.drift;

import io.polyroute.monitor.MonitorSettings;
import io.polyroute.monitor.MonitorStores;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps the {@link RoutingProfile} of every source (records keyed by source id) and, every
 * evaluation interval of wall-clock time, scores each source and raises or clears its alerts:
 *
 * <ul>
 *   <li><b>drift</b> per stage: JS divergence of the current expert distribution from the
 *       reference reaches the threshold (both with at least {@code min-samples} records); clears
 *       below the clear threshold;
 *   <li><b>silence</b>: a source with at least {@code min-samples} records has none for
 *       {@code silence-after}; clears at its next record;
 *   <li><b>dead letters</b>: dead letters over all records of the current window reach the
 *       share threshold (with at least {@code min-samples} records); clears below half of it.
 * </ul>
 *
 * <p>Sources are judged on the stream's clock, not the wall clock: the newest record time this
 * task has processed, advanced by the wall-clock time since it last processed any record, and
 * never ahead of the wall clock. A monitor that has fallen behind its input (at start, after a
 * restart, on a loaded host) therefore sees a source as silent only when the records it has read
 * show the silence, while a stream whose records stop altogether still lets the clock, and the
 * silence, run on.
 *
 * <p>Each transition is forwarded once (an {@link Alert} as JSON, keyed by the source id) and kept
 * in {@link MonitorStores#ALERTS}; the open state lives in the profile, so an episode is raised
 * once and a restart (the stores restored from their changelogs, exactly-once processing)
 * neither repeats nor loses it.
 */
public final class DriftProcessor implements Processor<String, RoutingEvent, String, String> {

    /** A share change smaller than this is not listed as gained or lost. */
    static final double SHIFT = 0.05;

    static final String UNTRACKED = "untracked";

    private final MonitorSettings options;
    private final long bucketMs;
    private final Instant[] pinned;
    private ProcessorContext<String, String> context;
    private KeyValueStore<String, RoutingProfile> profiles;
    private KeyValueStore<String, Alert> alerts;
    private KeyValueStore<String, Long> counters;
    private long tracked;
    /** Newest record time processed by this task; {@code Long.MIN_VALUE} before the first. */
    private long streamTime = Long.MIN_VALUE;
    /** Wall-clock time this task last processed a record (or was initialised). */
    private long lastArrival;

    public DriftProcessor(MonitorSettings options) {
        this.options = options;
        this.bucketMs = Math.max(1, options.driftCurrentWindow().toMillis() / options.driftBuckets());
        this.pinned = options.driftReferenceInterval().orElse(null);
    }

    @Override
    public void init(ProcessorContext<String, String> context) {
        this.context = context;
        profiles = context.getStateStore(MonitorStores.PROFILES);
        alerts = context.getStateStore(MonitorStores.ALERTS);
        counters = context.getStateStore(MonitorStores.ALERT_COUNTERS);
        tracked = 0;
        try (KeyValueIterator<String, RoutingProfile> it = profiles.all()) {
            while (it.hasNext()) {
                streamTime = Math.max(streamTime, it.next().value.lastSeen());
                tracked++;
            }
        }
        lastArrival = context.currentSystemTimeMs();
        context.schedule(options.driftEvaluateInterval(), PunctuationType.WALL_CLOCK_TIME, this::evaluate);
    }

    @Override
    public void process(Record<String, RoutingEvent> record) {
        String source = record.key();
        RoutingEvent event = record.value();
        if (source == null || event == null) {
            return;
        }
        long time = record.timestamp();
        streamTime = Math.max(streamTime, time);
        lastArrival = context.currentSystemTimeMs();
        RoutingProfile profile = profiles.get(source);
        if (profile == null) {
            if (tracked >= options.driftMaxSources()) {
                increment(UNTRACKED);
                return;
            }
            tracked++;
            profile = RoutingProfile.empty(options.driftBuckets(), bucketMs, options.driftHistory());
        } else if (!profile.shaped(options.driftBuckets(), bucketMs, options.driftHistory())) {
            profile = RoutingProfile.empty(options.driftBuckets(), bucketMs, options.driftHistory());
        }
        profile.add(event, time, inReference(profile, time));
        profiles.put(source, profile);
    }

    private boolean inReference(RoutingProfile profile, long time) {
        if (pinned != null) {
            return time >= pinned[0].toEpochMilli() && time < pinned[1].toEpochMilli();
        }
        long first = Math.min(profile.firstSeen(), time);
        return time < first + options.driftReferenceWindow().toMillis();
    }

    private boolean referenceComplete(RoutingProfile profile, long now) {
        long end = pinned != null
                ? pinned[1].toEpochMilli()
                : profile.firstSeen() + options.driftReferenceWindow().toMillis();
        return now >= end;
    }

    /**
     * The time sources are judged at when the wall clock reads {@code wallNow}: the newest record
     * time processed plus the wall-clock time since the last record was processed, so a task that
     * reads continuously but behind its input runs on its records' time, and a task whose input
     * stopped runs on with the wall clock. It is never ahead of the wall clock (records stamped
     * by a clock that runs fast), and before any record it is the wall clock.
     */
    long streamClock(long wallNow) {
        if (streamTime == Long.MIN_VALUE) {
            return wallNow;
        }
        return Math.min(wallNow, streamTime + Math.max(0, wallNow - lastArrival));
    }

    /** Scores every source at wall-clock {@code wallNow}, on the stream's clock ({@link #streamClock}). */
    void evaluate(long wallNow) {
        long now = streamClock(wallNow);
        List<String> keys = new ArrayList<>();
        try (KeyValueIterator<String, RoutingProfile> it = profiles.all()) {
            while (it.hasNext()) {
                keys.add(it.next().key);
            }
        }
        boolean changed = false;
        for (String source : keys) {
            RoutingProfile profile = profiles.get(source);
            if (profile == null) {
                continue;
            }
            if (now - profile.lastSeen() >= options.driftForgetAfter().toMillis()) {
                changed |= forget(source, profile, now);
                continue;
            }
            changed |= evaluate(source, profile, now);
            profiles.put(source, profile);
        }
        if (changed) {
            trimAlerts();
        }
    }

    private boolean evaluate(String source, RoutingProfile p, long now) {
        boolean changed = false;
        int minSamples = options.driftMinSamples();
        long windowStart = p.windowStart(now);
        boolean complete = referenceComplete(p, now);
        double[] scores = new double[p.stages()];
        for (int s = 0; s < p.stages(); s++) {
            long current = p.currentRecords(s, now);
            boolean scored = complete && p.referenceRecords(s) >= minSamples && current >= minSamples;
            scores[s] = scored ? Divergence.jensenShannon(p.referenceCounts(s), p.currentCounts(s, now)) : Double.NaN;
            double score = scores[s];
            if (!p.driftOpen[s] && !Double.isNaN(score) && score >= options.driftThreshold()) {
                p.driftOpen[s] = true;
                p.driftSince[s] = now;
                raise(driftAlert(source, s, p, now, score, windowStart, current));
                changed = true;
            } else if (p.driftOpen[s] && !Double.isNaN(score) && score < options.driftClearThreshold()) {
                p.driftOpen[s] = false;
                clear(
                        Alert.Kind.DRIFT,
                        source,
                        s,
                        p.driftSince[s],
                        now,
                        score,
                        windowStart,
                        current,
                        String.format(
                                Locale.ROOT,
                                "%s: stage %d routing is back near its reference (JS divergence %.3f < %.3f).",
                                source,
                                s,
                                score,
                                options.driftClearThreshold()));
                changed = true;
            }
        }
        p.record(now, scores);

        long silenceMs = options.silenceAfter().toMillis();
        long quietFor = now - p.lastSeen();
        if (silenceMs > 0 && !p.silenceOpen() && p.records() >= minSamples && quietFor >= silenceMs) {
            p.silenceSince = now;
            raise(new Alert(
                    Alert.id(Alert.Kind.SILENCE, source, null, now),
                    Alert.Kind.SILENCE,
                    Alert.State.OPEN,
                    source,
                    null,
                    quietFor / 1000.0,
                    silenceMs / 1000.0,
                    List.of(),
                    List.of(),
                    p.lastSeen(),
                    now,
                    0,
                    now,
                    null,
                    String.format(
                            Locale.ROOT,
                            "%s: no records for %.0f s (since %s).",
                            source,
                            quietFor / 1000.0,
                            Instant.ofEpochMilli(p.lastSeen()))));
            changed = true;
        } else if (p.silenceOpen() && quietFor < Math.max(silenceMs, 1)) {
            long since = p.silenceSince;
            p.silenceSince = -1;
            clear(
                    Alert.Kind.SILENCE,
                    source,
                    null,
                    since,
                    now,
                    quietFor / 1000.0,
                    windowStart,
                    p.currentTotals(now)[0],
                    source + ": records again since " + Instant.ofEpochMilli(p.lastSeen()) + ".");
            changed = true;
        }

        long[] totals = p.currentTotals(now);
        long all = totals[0] + totals[1];
        double share = all == 0 ? 0.0 : (double) totals[1] / all;
        double limit = options.deadLetterShareThreshold();
        if (!p.deadLetterOpen() && all >= minSamples && share >= limit) {
            p.deadLetterSince = now;
            raise(new Alert(
                    Alert.id(Alert.Kind.DEAD_LETTERS, source, null, now),
                    Alert.Kind.DEAD_LETTERS,
                    Alert.State.OPEN,
                    source,
                    null,
                    share,
                    limit,
                    List.of(),
                    List.of(),
                    windowStart,
                    now,
                    all,
                    now,
                    null,
                    String.format(
                            Locale.ROOT,
                            "%s: %.1f%% of its records went to the dead-letter topic (%d of %d), threshold %.1f%%.",
                            source,
                            100 * share,
                            totals[1],
                            all,
                            100 * limit)));
            changed = true;
        } else if (p.deadLetterOpen() && all >= minSamples && share < limit / 2) {
            long since = p.deadLetterSince;
            p.deadLetterSince = -1;
            clear(
                    Alert.Kind.DEAD_LETTERS,
                    source,
                    null,
                    since,
                    now,
                    share,
                    windowStart,
                    all,
                    String.format(Locale.ROOT, "%s: dead-letter share down to %.1f%%.", source, 100 * share));
            changed = true;
        }
        return changed;
    }

    private Alert driftAlert(String source, int s, RoutingProfile p, long now, double score, long start, long n) {
        double[] ref = shares(p.referenceCounts(s));
        double[] cur = shares(p.currentCounts(s, now));
        List<Alert.ExpertShift> gained = new ArrayList<>();
        List<Alert.ExpertShift> lost = new ArrayList<>();
        for (int e = 0; e < ref.length; e++) {
            double d = cur[e] - ref[e];
            if (d >= SHIFT) {
                gained.add(new Alert.ExpertShift(e, ref[e], cur[e]));
            } else if (d <= -SHIFT) {
                lost.add(new Alert.ExpertShift(e, ref[e], cur[e]));
            }
        }
        gained.sort(Comparator.comparingDouble(x -> x.referenceShare() - x.currentShare()));
        lost.sort(Comparator.comparingDouble(x -> x.currentShare() - x.referenceShare()));
        return new Alert(
                Alert.id(Alert.Kind.DRIFT, source, s, now),
                Alert.Kind.DRIFT,
                Alert.State.OPEN,
                source,
                s,
                score,
                options.driftThreshold(),
                gained,
                lost,
                start,
                now,
                n,
                now,
                null,
                String.format(
                        Locale.ROOT,
                        "%s: stage %d routing drifted from its reference (JS divergence %.3f >= %.3f); gained %s, lost %s.",
                        source,
                        s,
                        score,
                        options.driftThreshold(),
                        gained.stream().map(x -> "expert " + x.expert()).toList(),
                        lost.stream().map(x -> "expert " + x.expert()).toList()));
    }

    static double[] shares(double[] counts) {
        double sum = 0;
        for (double c : counts) {
            sum += c;
        }
        double[] out = new double[counts.length];
        for (int i = 0; i < counts.length; i++) {
            out[i] = sum > 0 ? counts[i] / sum : 0.0;
        }
        return out;
    }

    private void raise(Alert alert) {
        alerts.put(alert.id(), alert);
        increment("raised." + alert.kind());
        context.forward(new Record<>(alert.sourceId(), alert.toJson(), alert.windowEnd()));
    }

    private void clear(
            Alert.Kind kind,
            String source,
            Integer stage,
            long raisedAt,
            long now,
            double score,
            long start,
            long samples,
            String why) {
        String id = Alert.id(kind, source, stage, raisedAt);
        Alert open = alerts.get(id);
        Double finite = Double.isFinite(score) ? score : null;
        Alert cleared = open != null
                ? open.cleared(now, finite, start, samples, why)
                : new Alert(
                        id,
                        kind,
                        Alert.State.CLEARED,
                        source,
                        stage,
                        finite,
                        0.0,
                        List.of(),
                        List.of(),
                        start,
                        now,
                        samples,
                        raisedAt,
                        now,
                        why);
        alerts.put(id, cleared);
        increment("cleared." + kind);
        context.forward(new Record<>(source, cleared.toJson(), now));
    }

    /** Drops a long-silent source, clearing its open alerts. */
    private boolean forget(String source, RoutingProfile p, long now) {
        String why = source + ": no records for " + options.driftForgetAfter() + "; its profile was dropped.";
        boolean changed = false;
        for (int s = 0; s < p.stages(); s++) {
            if (p.driftOpen[s]) {
                clear(Alert.Kind.DRIFT, source, s, p.driftSince[s], now, Double.NaN, now, 0, why);
                changed = true;
            }
        }
        if (p.silenceOpen()) {
            clear(Alert.Kind.SILENCE, source, null, p.silenceSince, now, Double.NaN, now, 0, why);
            changed = true;
        }
        if (p.deadLetterOpen()) {
            clear(Alert.Kind.DEAD_LETTERS, source, null, p.deadLetterSince, now, Double.NaN, now, 0, why);
            changed = true;
        }
        profiles.delete(source);
        tracked--;
        return changed;
    }

    /** Keeps every open alert and the newest {@code monitor.alerts.history} cleared ones. */
    private void trimAlerts() {
        List<KeyValue<String, Long>> cleared = new ArrayList<>();
        try (KeyValueIterator<String, Alert> it = alerts.all()) {
            while (it.hasNext()) {
                KeyValue<String, Alert> kv = it.next();
                if (kv.value.state() == Alert.State.CLEARED) {
                    cleared.add(KeyValue.pair(kv.key, kv.value.clearedAt() == null ? 0L : kv.value.clearedAt()));
                }
            }
        }
        int excess = cleared.size() - options.alertHistory();
        if (excess <= 0) {
            return;
        }
        cleared.sort(Comparator.comparingLong(kv -> kv.value));
        for (int i = 0; i < excess; i++) {
            alerts.delete(cleared.get(i).key);
        }
    }

    private void increment(String key) {
        Long n = counters.get(key);
        counters.put(key, n == null ? 1L : n + 1);
    }
}
