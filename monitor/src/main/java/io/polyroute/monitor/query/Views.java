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

import java.util.List;
import java.util.Map;

/**
 * The answers of the monitor's queries, as the HTTP API writes them in JSON. Times are epoch
 * milliseconds; figures that do not exist (a quantile of no latencies, the imbalance of no load)
 * are null rather than NaN, which JSON cannot express.
 */
public final class Views {

    private Views() {}

    /** A figure that may be missing: NaN and infinities become null. */
    static Double finite(double value) {
        return Double.isFinite(value) ? value : null;
    }

    /** Whether the figures can be queried: the application's state and whether every store answers. */
    public record Health(String state, boolean ready) {}

    /** Overview of the last minute, for the page's headline figures. */
    public record Summary(
            long time,
            String state,
            double throughputPerSecond,
            long predictionsLastMinute,
            Latency latencyLastMinute,
            Double imbalanceLastMinute,
            int slots,
            Plan plan,
            long deadLettersLastMinute,
            long deadLettersLastHour,
            int activeSources,
            Double anomalyRateLastMinute) {}

    /** Latency quantiles in milliseconds over some predictions. */
    public record Latency(long count, Double p50, Double p95, Double p99, Double max, Double mean) {}

    /** Predictions in one window. */
    public record ThroughputPoint(long t, long count, double perSecond) {}

    /** A series of windows. */
    public record Throughput(String window, long from, long to, List<ThroughputPoint> points) {}

    /** Latency quantiles of one window. */
    public record LatencyPoint(long t, long count, Double p50, Double p95, Double p99, Double max) {}

    /** Latency per window, and over the whole range (the merged sketches, not an average of quantiles). */
    public record LatencySeries(String window, long from, long to, List<LatencyPoint> points, Latency overall) {}

    /** Load per slot in one window, parallel to {@link SlotSeries#slots()}, and its imbalance. */
    public record SlotPoint(long t, List<Long> loads, Double imbalance) {}

    /** A placement plan change, for markers on time charts. */
    public record PlanMarker(long version, long time, String reason) {}

    /** Expert invocations per slot over time, with the plan changes of the range. */
    public record SlotSeries(
            String window, long from, long to, List<Integer> slots, List<SlotPoint> points, List<PlanMarker> plans) {}

    /**
     * Load of one expert over a span: invocations as the predictions record them, per slot; the
     * demand the gates reported; the mean service time the expert slots reported; the slots the
     * latest plan gives it.
     */
    public record ExpertLoad(
            int stage,
            int expert,
            String label,
            long records,
            Double share,
            Map<Integer, Long> slots,
            long demand,
            Double serviceMicrosPerRecord,
            List<Integer> replicas) {}

    /** Load per expert over the last minutes. */
    public record Experts(int minutes, long from, long to, List<ExpertLoad> experts) {}

    /** Expert × slot invocation counts: {@code cells[i][j]} for {@code experts[i]} on {@code slots[j]}. */
    public record Heatmap(
            int minutes,
            long from,
            long to,
            List<String> experts,
            List<Integer> slots,
            List<List<Long>> cells,
            long max) {}

    /** One replica set of an expert in a plan. */
    public record Replica(int stage, int expert, List<Integer> slots, List<Double> shares) {}

    /** One placement plan. */
    public record Plan(
            long version,
            long createdTime,
            String reason,
            boolean pinned,
            int slots,
            Double predictedImbalance,
            int sessionsMoved,
            List<Replica> replicas) {}

    /** The latest plans, newest first. */
    public record Plans(List<Plan> plans) {}

    /** Dead letters per reason in one window. */
    public record DeadLetterPoint(long t, Map<String, Long> counts) {}

    /** Dead letters per reason in each complete window, and in total over [from, to). */
    public record DeadLetters(
            String window,
            long from,
            long to,
            List<String> reasons,
            Map<String, Long> totals,
            List<DeadLetterPoint> points) {}

    /** Output statistics of one source over a span. */
    public record SourceRow(String sourceId, long count, Double outputMean, long anomalies, Double anomalyRate) {}

    /** The sources with the highest anomaly rate. */
    public record Sources(
            int minutes, long from, long to, double threshold, int outputIndex, int total, List<SourceRow> sources) {}

    /** Predictions per model version in one window. */
    public record VersionPoint(long t, Map<String, Long> counts) {}

    /**
     * The version mix: predictions per version ({@code name:version}) in each complete window, and
     * in total over [from, to) with each version's share of them.
     */
    public record Versions(
            String window,
            long from,
            long to,
            List<String> versions,
            Map<String, Long> totals,
            Map<String, Double> shares,
            List<VersionPoint> points) {}

    /** Agreement of one shadow version with the served one over some pairs. */
    public record ShadowFigures(
            long pairs,
            long agreeing,
            Double agreement,
            Double sameRouting,
            Double meanDifference,
            Double maxDifference) {}

    /** One pair of versions (served, shadow) over the whole span. */
    public record ShadowRow(String served, String shadow, ShadowFigures figures) {}

    /** All shadow pairs of one window. */
    public record ShadowPoint(long t, ShadowFigures figures) {}

    /**
     * Shadow agreement: whether the monitor reads a shadow topic, which, the tolerance, each pair of
     * versions over [from, to) and every complete window (all pairs of versions together).
     */
    public record Shadow(
            boolean enabled,
            String topic,
            double tolerance,
            String window,
            long from,
            long to,
            List<ShadowRow> versions,
            List<ShadowPoint> points) {}
}
