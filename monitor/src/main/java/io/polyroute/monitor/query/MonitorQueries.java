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

import io.polyroute.monitor.MonitorSettings;
import io.polyroute.monitor.MonitorStores;
import io.polyroute.monitor.Resolution;
import io.polyroute.monitor.WindowedAggregate;
import io.polyroute.monitor.aggregate.LatencySketch;
import io.polyroute.monitor.aggregate.LoadMatrix;
import io.polyroute.monitor.aggregate.ShadowStats;
import io.polyroute.monitor.aggregate.SourceStats;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;

/**
 * Every figure the monitor shows, computed from its state stores on request.
 *
 * <p>Time series end at the last complete window before the <em>cutoff</em>: the wall clock
 * minus the display delay, rounded down to the second. Spans such as "the last minute" end at
 * the cutoff as well and are summed at one-second precision.
 */
public final class MonitorQueries {

    /** Span over which the headline throughput is averaged. */
    private static final int THROUGHPUT_SECONDS = 10;

    private final StoreAccess stores;
    private final WindowReader reader;
    private final PlanQueries plans;
    private final LoadQueries load;
    private final Clock clock;
    private final MonitorSettings options;
    private final Supplier<String> state;
    private final DriftQueries drift;

    /**
     * @param stores the state stores
     * @param clock the wall clock that spans end at
     * @param options display delay, anomaly rule
     * @param state the application's state, e.g. {@code RUNNING}, for the summary
     */
    public MonitorQueries(StoreAccess stores, Clock clock, MonitorSettings options, Supplier<String> state) {
        this.stores = stores;
        this.reader = new WindowReader(stores);
        this.plans = new PlanQueries(stores);
        this.load = new LoadQueries(reader, plans);
        this.clock = clock;
        this.options = options;
        this.state = state;
        this.drift = new DriftQueries(stores, clock, options);
    }

    /** The routing figures: alerts, routing profiles, one prediction's routing. */
    public DriftQueries drift() {
        return drift;
    }

    /** The end of every span and series: now minus the display delay, in whole seconds. */
    public long cutoff() {
        return Resolution.SECOND.windowStart(
                clock.millis() - options.displayDelay().toMillis());
    }

    /**
     * The application's state, and whether the figures can be queried now: the application runs
     * (not starting or rebalancing) and every state store answers a read.
     */
    public Views.Health health() {
        String current = state.get();
        boolean ready = "RUNNING".equals(current);
        try {
            Instant now = Instant.ofEpochMilli(clock.millis());
            List<WindowedAggregate<String, ?>> windowed = new ArrayList<>(MonitorStores.windowed());
            if (options.shadowEnabled()) {
                windowed.add(MonitorStores.SHADOW);
            }
            for (int i = 0; ready && i < windowed.size(); i++) {
                WindowedAggregate<String, ?> aggregate = windowed.get(i);
                for (Resolution resolution : Resolution.values()) {
                    ReadOnlyWindowStore<String, ?> store = stores.windowStore(aggregate.storeName(resolution));
                    try (KeyValueIterator<Windowed<String>, ?> it = store.fetchAll(now, now)) {
                        it.hasNext();
                    }
                }
            }
            ready = ready && stores.keyValueStore(MonitorStores.PLANS).approximateNumEntries() >= 0;
        } catch (InvalidStateStoreException e) {
            ready = false;
        }
        return new Views.Health(current, ready);
    }

    /** Predictions per window over the last {@code minutes}. */
    public Views.Throughput throughput(Resolution resolution, int minutes) {
        TimeRange range = TimeRange.lastMinutes(resolution, cutoff(), minutes);
        SortedMap<Long, Long> counts = reader.series(MonitorStores.THROUGHPUT, range, MonitorStores.ALL);
        double seconds = resolution.sizeMs() / 1000.0;
        List<Views.ThroughputPoint> points = new ArrayList<>(range.windowCount());
        for (int i = 0; i < range.windowCount(); i++) {
            long start = range.windowStart(i);
            long count = counts.getOrDefault(start, 0L);
            points.add(new Views.ThroughputPoint(start, count, count / seconds));
        }
        return new Views.Throughput(resolution.label(), range.firstStart(), range.end(), points);
    }

    /** Latency quantiles per window over the last {@code minutes}, and over the whole span. */
    public Views.LatencySeries latency(Resolution resolution, int minutes) {
        TimeRange range = TimeRange.lastMinutes(resolution, cutoff(), minutes);
        SortedMap<Long, LatencySketch> sketches = reader.series(MonitorStores.LATENCY, range, MonitorStores.ALL);
        LatencySketch overall = LatencySketch.empty();
        List<Views.LatencyPoint> points = new ArrayList<>(range.windowCount());
        for (int i = 0; i < range.windowCount(); i++) {
            long start = range.windowStart(i);
            LatencySketch sketch = sketches.getOrDefault(start, LatencySketch.empty());
            overall.add(sketch);
            points.add(new Views.LatencyPoint(
                    start,
                    sketch.count(),
                    Views.finite(sketch.quantileMillis(0.5)),
                    Views.finite(sketch.quantileMillis(0.95)),
                    Views.finite(sketch.quantileMillis(0.99)),
                    Views.finite(sketch.maxMillis())));
        }
        return new Views.LatencySeries(resolution.label(), range.firstStart(), range.end(), points, latency(overall));
    }

    /** Load per slot per window over the last {@code minutes}, with the plan changes. */
    public Views.SlotSeries slots(Resolution resolution, int minutes) {
        return load.slots(TimeRange.lastMinutes(resolution, cutoff(), minutes));
    }

    /** Load per expert over the last {@code minutes}. */
    public Views.Experts experts(int minutes) {
        long until = cutoff();
        long since = until - minutes * 60_000L;
        return new Views.Experts(minutes, since, until, load.experts(since, until));
    }

    /** Expert × slot invocations over the last {@code minutes}. */
    public Views.Heatmap heatmap(int minutes) {
        long until = cutoff();
        return load.heatmap(minutes, until - minutes * 60_000L, until);
    }

    /** The latest {@code limit} plans, newest first. */
    public Views.Plans plans(int limit) {
        return new Views.Plans(
                plans.all().stream().limit(limit).map(PlanQueries::view).toList());
    }

    /**
     * Dead letters per reason in each complete window of the last {@code minutes}, and their
     * totals over exactly the last {@code minutes} up to the cutoff (so the totals include the
     * window still in progress).
     */
    public Views.DeadLetters deadLetters(Resolution resolution, int minutes) {
        long cutoff = cutoff();
        TimeRange range = TimeRange.lastMinutes(resolution, cutoff, minutes);
        SortedMap<Long, Map<String, Long>> byWindow = reader.seriesByKey(MonitorStores.DEAD_LETTERS, range);
        Map<String, Long> totals =
                reader.totals(MonitorStores.DEAD_LETTERS, cutoff - minutes * 60_000L, cutoff, k -> true);
        List<Views.DeadLetterPoint> points = new ArrayList<>(range.windowCount());
        for (int i = 0; i < range.windowCount(); i++) {
            long start = range.windowStart(i);
            points.add(new Views.DeadLetterPoint(start, byWindow.getOrDefault(start, Map.of())));
        }
        return new Views.DeadLetters(
                resolution.label(),
                cutoff - minutes * 60_000L,
                cutoff,
                List.copyOf(new TreeSet<>(totals.keySet())),
                totals,
                points);
    }

    /**
     * Predictions per model version in each complete window of the last {@code minutes}, and their
     * totals and shares over exactly the last {@code minutes} up to the cutoff.
     */
    public Views.Versions versions(Resolution resolution, int minutes) {
        long cutoff = cutoff();
        TimeRange range = TimeRange.lastMinutes(resolution, cutoff, minutes);
        SortedMap<Long, Map<String, Long>> byWindow = reader.seriesByKey(MonitorStores.VERSIONS, range);
        Map<String, Long> totals = reader.totals(MonitorStores.VERSIONS, cutoff - minutes * 60_000L, cutoff, k -> true);
        long all = sum(totals);
        Map<String, Double> shares = new TreeMap<>();
        totals.forEach((v, n) -> shares.put(v, n / (double) all));
        List<Views.VersionPoint> points = new ArrayList<>(range.windowCount());
        for (int i = 0; i < range.windowCount(); i++) {
            long start = range.windowStart(i);
            points.add(new Views.VersionPoint(start, byWindow.getOrDefault(start, Map.of())));
        }
        return new Views.Versions(
                resolution.label(),
                cutoff - minutes * 60_000L,
                cutoff,
                List.copyOf(new TreeSet<>(totals.keySet())),
                totals,
                shares,
                points);
    }

    /**
     * Shadow agreement over the last {@code minutes}: per pair of versions over the whole span, and
     * per complete window; {@code enabled} false (and nothing else) when the monitor reads no
     * shadow topic.
     */
    public Views.Shadow shadow(Resolution resolution, int minutes) {
        long cutoff = cutoff();
        long since = cutoff - minutes * 60_000L;
        if (!options.shadowEnabled()) {
            return new Views.Shadow(
                    false,
                    options.shadowTopic(),
                    options.shadowTolerance(),
                    resolution.label(),
                    since,
                    cutoff,
                    List.of(),
                    List.of());
        }
        TimeRange range = TimeRange.lastMinutes(resolution, cutoff, minutes);
        SortedMap<Long, Map<String, ShadowStats>> byWindow = reader.seriesByKey(MonitorStores.SHADOW, range);
        Map<String, ShadowStats> totals = reader.totals(MonitorStores.SHADOW, since, cutoff, k -> true);
        List<Views.ShadowRow> rows = new ArrayList<>();
        totals.forEach((key, stats) -> {
            int at = key.indexOf(MonitorStores.SHADOW_SEPARATOR);
            rows.add(new Views.ShadowRow(
                    at < 0 ? key : key.substring(0, at),
                    at < 0 ? "" : key.substring(at + MonitorStores.SHADOW_SEPARATOR.length()),
                    figures(stats)));
        });
        List<Views.ShadowPoint> points = new ArrayList<>(range.windowCount());
        for (int i = 0; i < range.windowCount(); i++) {
            long start = range.windowStart(i);
            ShadowStats window = ShadowStats.empty();
            byWindow.getOrDefault(start, Map.of()).values().forEach(window::add);
            points.add(new Views.ShadowPoint(start, figures(window)));
        }
        return new Views.Shadow(
                true,
                options.shadowTopic(),
                options.shadowTolerance(),
                resolution.label(),
                since,
                cutoff,
                rows,
                points);
    }

    private static Views.ShadowFigures figures(ShadowStats s) {
        return new Views.ShadowFigures(
                s.pairs(),
                s.agreeing(),
                Views.finite(s.agreement()),
                Views.finite(s.sameRoutingShare()),
                Views.finite(s.meanDifference()),
                Views.finite(s.maxDifference()));
    }

    /** The {@code top} sources by anomaly rate (then by predictions) over the last {@code minutes}. */
    public Views.Sources sources(int top, int minutes) {
        long until = cutoff();
        long since = until - minutes * 60_000L;
        Map<String, SourceStats> stats = reader.totals(MonitorStores.SOURCES, since, until, k -> true);
        List<Views.SourceRow> rows = stats.entrySet().stream()
                .sorted(Comparator.<Map.Entry<String, SourceStats>>comparingDouble(
                                e -> -e.getValue().anomalyRate())
                        .thenComparing(e -> -e.getValue().count())
                        .thenComparing(Map.Entry::getKey))
                .limit(top)
                .map(e -> new Views.SourceRow(
                        e.getKey(),
                        e.getValue().count(),
                        Views.finite(e.getValue().outputMean()),
                        e.getValue().anomalies(),
                        Views.finite(e.getValue().anomalyRate())))
                .toList();
        return new Views.Sources(
                minutes, since, until, options.anomalyThreshold(), options.anomalyOutputIndex(), stats.size(), rows);
    }

    /** The headline figures of the last minute. */
    public Views.Summary summary() {
        long until = cutoff();
        long minuteAgo = until - 60_000L;
        long recent = reader.totals(
                        MonitorStores.THROUGHPUT, until - THROUGHPUT_SECONDS * 1000L, until, MonitorStores.ALL::equals)
                .getOrDefault(MonitorStores.ALL, 0L);
        long lastMinute = reader.totals(MonitorStores.THROUGHPUT, minuteAgo, until, MonitorStores.ALL::equals)
                .getOrDefault(MonitorStores.ALL, 0L);
        LatencySketch latency = reader.totals(MonitorStores.LATENCY, minuteAgo, until, MonitorStores.ALL::equals)
                .getOrDefault(MonitorStores.ALL, LatencySketch.empty());
        SourceStats sources = SourceStats.empty();
        Map<String, SourceStats> bySource = reader.totals(MonitorStores.SOURCES, minuteAgo, until, k -> true);
        bySource.values().forEach(sources::add);
        LoadMatrix routed = load.routed(minuteAgo, until);
        int slots = load.slotCount(routed.highestSlot());
        return new Views.Summary(
                until,
                state.get(),
                recent / (double) THROUGHPUT_SECONDS,
                lastMinute,
                latency(latency),
                Views.finite(routed.imbalance(slots)),
                slots,
                plans.latest().map(PlanQueries::view).orElse(null),
                sum(reader.totals(MonitorStores.DEAD_LETTERS, minuteAgo, until, k -> true)),
                sum(reader.totals(MonitorStores.DEAD_LETTERS, until - 3_600_000L, until, k -> true)),
                bySource.size(),
                Views.finite(sources.anomalyRate()));
    }

    private static Views.Latency latency(LatencySketch s) {
        return new Views.Latency(
                s.count(),
                Views.finite(s.quantileMillis(0.5)),
                Views.finite(s.quantileMillis(0.95)),
                Views.finite(s.quantileMillis(0.99)),
                Views.finite(s.maxMillis()),
                Views.finite(s.meanMillis()));
    }

    private static long sum(Map<String, Long> counts) {
        return counts.values().stream().mapToLong(Long::longValue).sum();
    }
}
