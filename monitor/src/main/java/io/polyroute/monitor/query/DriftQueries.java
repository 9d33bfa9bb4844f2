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
package io.polyroute.monitor.query;

import io.polyroute.avro.ExpertChoice;
import io.polyroute.avro.Prediction;
import io.polyroute.monitor.MonitorSettings;
import io.polyroute.monitor.MonitorStores;
import io.polyroute.monitor.drift.Alert;
import io.polyroute.monitor.drift.RoutingProfile;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

/**
 * The routing figures: alerts, per-source routing profiles, the drift ranking, one prediction's
 * routing record, and the counters and scores exported to Prometheus.
 */
public final class DriftQueries {

    private final StoreAccess stores;
    private final Clock clock;
    private final MonitorSettings options;

    public DriftQueries(StoreAccess stores, Clock clock, MonitorSettings options) {
        this.stores = stores;
        this.clock = clock;
        this.options = options;
    }

    /** Open alerts (newest first) and the {@code limit} most recently cleared ones. */
    public AlertList alerts(int limit) {
        List<Alert> open = new ArrayList<>();
        List<Alert> cleared = new ArrayList<>();
        if (options.driftEnabled()) {
            ReadOnlyKeyValueStore<String, Alert> store = stores.keyValueStore(MonitorStores.ALERTS);
            try (KeyValueIterator<String, Alert> it = store.all()) {
                it.forEachRemaining(kv -> (kv.value.state() == Alert.State.OPEN ? open : cleared).add(kv.value));
            }
        }
        open.sort(Comparator.comparingLong(Alert::raisedAt).reversed().thenComparing(Alert::id));
        cleared.sort(Comparator.comparingLong((Alert a) -> a.clearedAt() == null ? 0 : a.clearedAt())
                .reversed()
                .thenComparing(Alert::id));
        return new AlertList(
                clock.millis(), open.size(), open, cleared.subList(0, Math.min(limit, cleared.size())), counters());
    }

    /** Raised and cleared alerts per kind, and records of sources beyond the profile limit. */
    public Map<String, Long> counters() {
        Map<String, Long> out = new TreeMap<>();
        for (Alert.Kind kind : Alert.Kind.values()) {
            out.put("raised." + kind, 0L);
            out.put("cleared." + kind, 0L);
        }
        out.put("untracked", 0L);
        if (!options.driftEnabled()) {
            return out;
        }
        ReadOnlyKeyValueStore<String, Long> store = stores.keyValueStore(MonitorStores.ALERT_COUNTERS);
        try (KeyValueIterator<String, Long> it = store.all()) {
            it.forEachRemaining(kv -> out.merge(kv.key, kv.value, Long::sum));
        }
        return out;
    }

    /** The routing of {@code sourceId}: reference and current distribution per stage, and scores over time. */
    public Optional<SourceRouting> routing(String sourceId) {
        if (!options.driftEnabled()) {
            return Optional.empty();
        }
        ReadOnlyKeyValueStore<String, RoutingProfile> store = stores.keyValueStore(MonitorStores.PROFILES);
        RoutingProfile p = store.get(sourceId);
        if (p == null) {
            return Optional.empty();
        }
        long now = clock.millis();
        List<StageRouting> stages = new ArrayList<>();
        for (int s = 0; s < p.stages(); s++) {
            double[] refCounts = p.referenceCounts(s);
            double[] refWeights = p.referenceWeights(s);
            double[] curCounts = p.currentCounts(s, now);
            double[] curWeights = p.currentWeights(s, now);
            double refSum = sum(refCounts);
            double curSum = sum(curCounts);
            List<ExpertRouting> experts = new ArrayList<>();
            for (int e = 0; e < p.experts(); e++) {
                experts.add(new ExpertRouting(
                        e,
                        refSum > 0 ? refCounts[e] / refSum : 0.0,
                        curSum > 0 ? curCounts[e] / curSum : 0.0,
                        refCounts[e] > 0 ? Views.finite(refWeights[e] / refCounts[e]) : null,
                        curCounts[e] > 0 ? Views.finite(curWeights[e] / curCounts[e]) : null));
            }
            stages.add(new StageRouting(
                    s,
                    p.referenceRecords(s),
                    p.currentRecords(s, now),
                    Views.finite(p.lastScore(s)),
                    p.driftOpen(s),
                    experts));
        }
        List<ScorePoint> history = new ArrayList<>();
        for (int i = 0; i < p.historySize(); i++) {
            List<Double> scores = new ArrayList<>();
            for (int s = 0; s < p.stages(); s++) {
                scores.add(Views.finite(p.historyScore(i, s)));
            }
            history.add(new ScorePoint(p.historyTime(i), scores));
        }
        long[] totals = p.currentTotals(now);
        long refEnd = options.driftReferenceInterval()
                .map(i -> i[1].toEpochMilli())
                .orElse(p.firstSeen() + options.driftReferenceWindow().toMillis());
        long refStart =
                options.driftReferenceInterval().map(i -> i[0].toEpochMilli()).orElse(p.firstSeen());
        return Optional.of(new SourceRouting(
                sourceId,
                now,
                p.firstSeen(),
                p.lastSeen(),
                p.records(),
                refStart,
                refEnd,
                p.windowStart(now),
                now,
                totals[0],
                totals[1],
                options.driftThreshold(),
                options.driftClearThreshold(),
                p.silenceOpen(),
                p.deadLetterOpen(),
                stages,
                history));
    }

    /** The {@code top} sources by their latest drift score (highest stage), and how many are profiled. */
    public DriftRanking ranking(int top) {
        List<SourceScore> rows = new ArrayList<>();
        int total = 0;
        if (options.driftEnabled()) {
            ReadOnlyKeyValueStore<String, RoutingProfile> store = stores.keyValueStore(MonitorStores.PROFILES);
            try (KeyValueIterator<String, RoutingProfile> it = store.all()) {
                while (it.hasNext()) {
                    var kv = it.next();
                    total++;
                    RoutingProfile p = kv.value;
                    boolean open = false;
                    for (int s = 0; s < p.stages(); s++) {
                        open |= p.driftOpen(s);
                    }
                    List<Double> scores = new ArrayList<>();
                    for (int s = 0; s < p.stages(); s++) {
                        scores.add(Views.finite(p.lastScore(s)));
                    }
                    rows.add(new SourceScore(
                            kv.key, Views.finite(p.maxScore()), scores, open, p.records(), p.lastSeen()));
                }
            }
        }
        rows.sort(Comparator.comparingDouble((SourceScore r) -> r.score() == null ? -1 : r.score())
                .reversed()
                .thenComparing(SourceScore::sourceId));
        return new DriftRanking(
                options.driftThreshold(), total, List.copyOf(rows.subList(0, Math.min(top, rows.size()))));
    }

    /** The routing record of one recent prediction, if it is still in the store. */
    public Optional<PredictionRouting> prediction(String eventId) {
        if (options.recentPredictions().isZero()) {
            return Optional.empty();
        }
        ReadOnlyWindowStore<String, Prediction> store = stores.windowStore(MonitorStores.RECENT_PREDICTIONS);
        Prediction found = null;
        try (WindowStoreIterator<Prediction> it =
                store.fetch(eventId, java.time.Instant.EPOCH, java.time.Instant.ofEpochMilli(Long.MAX_VALUE / 2))) {
            while (it.hasNext()) {
                found = it.next().value;
            }
        }
        if (found == null) {
            return Optional.empty();
        }
        List<Choice> choices = new ArrayList<>();
        for (ExpertChoice c : found.getExperts()) {
            choices.add(new Choice(c.getStage(), c.getExpert(), c.getGroup(), c.getWeight(), c.getSlot()));
        }
        return Optional.of(new PredictionRouting(
                found.getEventId(),
                found.getSourceId(),
                found.getEventTime().toEpochMilli(),
                found.getProcessedTime().toEpochMilli(),
                found.getModel().getName(),
                found.getModel().getVersion(),
                Views.finite(found.getLatencyMs()),
                choices,
                found.getOutput().stream().map(Double::valueOf).toList(),
                List.copyOf(found.getFlags())));
    }

    private static double sum(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s;
    }

    /** Open and recently cleared alerts, with the counters. */
    public record AlertList(
            long time, int openCount, List<Alert> open, List<Alert> recent, Map<String, Long> counters) {}

    /** One expert of a stage: share of the stage's selections and mean gate weight, reference and current. */
    public record ExpertRouting(
            int expert,
            double referenceShare,
            double currentShare,
            Double referenceMeanWeight,
            Double currentMeanWeight) {}

    /** One stage of a source's routing. */
    public record StageRouting(
            int stage,
            long referenceRecords,
            long currentRecords,
            Double score,
            boolean driftOpen,
            List<ExpertRouting> experts) {}

    /** Scores of every stage at one evaluation. */
    public record ScorePoint(long t, List<Double> scores) {}

    /** A source's routing profile. */
    public record SourceRouting(
            String sourceId,
            long time,
            long firstSeen,
            long lastSeen,
            long records,
            long referenceStart,
            long referenceEnd,
            long currentStart,
            long currentEnd,
            long currentPredictions,
            long currentDeadLetters,
            double threshold,
            double clearThreshold,
            boolean silenceOpen,
            boolean deadLettersOpen,
            List<StageRouting> stages,
            List<ScorePoint> history) {}

    /** A source's latest score. */
    public record SourceScore(
            String sourceId, Double score, List<Double> stageScores, boolean driftOpen, long records, long lastSeen) {}

    /** Sources by drift score. */
    public record DriftRanking(double threshold, int sources, List<SourceScore> top) {}

    /** One selected expert of a prediction. */
    public record Choice(int stage, int expert, int group, double weight, int slot) {}

    /** The routing record of one prediction. */
    public record PredictionRouting(
            String eventId,
            String sourceId,
            long eventTime,
            long processedTime,
            String model,
            String version,
            Double latencyMs,
            List<Choice> experts,
            List<Double> output,
            List<String> flags) {}
}
