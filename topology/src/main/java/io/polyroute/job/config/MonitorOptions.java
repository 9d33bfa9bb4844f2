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
package io.polyroute.job.config;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.ReadableConfig;

/**
 * Options of the monitor: the Kafka Streams application that aggregates the job's output topics
 * and the HTTP server that shows the figures. They are declared here, beside the job's own
 * {@code *Options} classes, so one job file and the same {@code --set key=value} overrides
 * configure both, and a job file with monitor keys is accepted wherever the job runs. The monitor
 * module reads them through its {@code MonitorSettings}.
 */
public final class MonitorOptions {

    /** The largest window the monitor aggregates over; the retention must hold it. */
    public static final Duration LARGEST_WINDOW = Duration.ofMinutes(1);

    public static final ConfigOption<String> APPLICATION_ID = ConfigOptions.key("monitor.application-id")
            .stringType()
            .defaultValue("polyroute-monitor")
            .withDescription("Kafka Streams application id of the monitor; it names the consumer group and "
                    + "prefixes the changelog topics of the monitor's state stores.");

    public static final ConfigOption<String> HTTP_HOST = ConfigOptions.key("monitor.http.host")
            .stringType()
            .defaultValue("localhost")
            .withDescription("Address the monitor's HTTP server binds to; use 0.0.0.0 to serve other "
                    + "machines, e.g. in a container.");

    public static final ConfigOption<Integer> HTTP_PORT = ConfigOptions.key("monitor.http.port")
            .intType()
            .defaultValue(8080)
            .withDescription("Port of the monitor's HTTP server; 0 picks a free port.");

    public static final ConfigOption<Duration> REFRESH_INTERVAL = ConfigOptions.key("monitor.http.refresh-interval")
            .durationType()
            .defaultValue(Duration.ofSeconds(1))
            .withDescription("How often the dashboard page asks the server for new figures.");

    public static final ConfigOption<Duration> DISPLAY_DELAY = ConfigOptions.key("monitor.display-delay")
            .durationType()
            .defaultValue(Duration.ofSeconds(2))
            .withDescription("How far behind the wall clock time series end, so that windows still filling "
                    + "up (predictions become visible when a job checkpoint completes) do not show as a dip.");

    public static final ConfigOption<Duration> RETENTION = ConfigOptions.key("monitor.retention")
            .durationType()
            .defaultValue(Duration.ofHours(1))
            .withDescription("How long the 1 s and 1 min windows of every aggregate are kept.");

    public static final ConfigOption<Integer> PLAN_HISTORY = ConfigOptions.key("monitor.plan-history")
            .intType()
            .defaultValue(100)
            .withDescription("Number of most recent placement plans the monitor keeps.");

    public static final ConfigOption<Double> ANOMALY_THRESHOLD = ConfigOptions.key("monitor.anomaly.threshold")
            .doubleType()
            .defaultValue(0.5)
            .withDescription("A prediction is an anomaly when its watched output component is above this " + "value.");

    public static final ConfigOption<Double> SHADOW_TOLERANCE = ConfigOptions.key("monitor.shadow.tolerance")
            .doubleType()
            .defaultValue(1e-3)
            .withDescription("Two outputs of a shadow pair agree when their largest absolute difference is at most "
                    + "this value; the dashboard shows the share of pairs that agree. The monitor reads the shadow "
                    + "topic (rollout.shadow-topic) when it exists at the monitor's start.");

    public static final ConfigOption<Integer> ANOMALY_OUTPUT_INDEX = ConfigOptions.key("monitor.anomaly.output-index")
            .intType()
            .defaultValue(0)
            .withDescription("Index of the output component that the per-source mean and the anomaly rule "
                    + "read; predictions with a shorter output are left out of the per-source figures.");

    public static final ConfigOption<StartFrom> START_FROM = ConfigOptions.key("monitor.start-from")
            .enumType(StartFrom.class)
            .defaultValue(StartFrom.EARLIEST)
            .withDescription("Where a monitor without committed offsets starts reading: earliest (every "
                    + "record the topics hold), latest, or retention (the first record of the last retention "
                    + "period; on a topic that is still empty at start this may skip the first records).");

    public static final ConfigOption<Boolean> PERSISTENT_STATE = ConfigOptions.key("monitor.state.persistent")
            .booleanType()
            .defaultValue(false)
            .withDescription("Keep the windows in RocksDB on disk rather than in memory; worth it with "
                    + "many thousands of sources. Either way the changelog topics restore them.");

    public static final ConfigOption<String> STATE_DIR = ConfigOptions.key("monitor.state.dir")
            .stringType()
            .noDefaultValue()
            .withDescription("Directory of the monitor's local state; Kafka Streams' default when not set.");

    public static final ConfigOption<Integer> THREADS = ConfigOptions.key("monitor.threads")
            .intType()
            .defaultValue(1)
            .withDescription("Kafka Streams threads of the monitor.");

    public static final ConfigOption<Boolean> DRIFT_ENABLED = ConfigOptions.key("monitor.drift.enabled")
            .booleanType()
            .defaultValue(true)
            .withDescription("Keep a routing profile per source and raise drift, silence and dead-letter "
                    + "share alerts on monitor.alerts.topic (which must then exist, or topics.auto-create be on).");

    public static final ConfigOption<Duration> DRIFT_REFERENCE_WINDOW = ConfigOptions.key(
                    "monitor.drift.reference-window")
            .durationType()
            .defaultValue(Duration.ofHours(1))
            .withDescription("The reference routing of a source is that of its records during this long from "
                    + "the first record seen (by processed time); ignored when "
                    + "monitor.drift.reference-interval pins an interval.");

    public static final ConfigOption<String> DRIFT_REFERENCE_INTERVAL = ConfigOptions.key(
                    "monitor.drift.reference-interval")
            .stringType()
            .noDefaultValue()
            .withDescription("A pinned reference interval for every source, as two ISO-8601 instants "
                    + "START/END, e.g. 2026-01-01T00:00:00Z/2026-01-01T01:00:00Z; records processed in it form "
                    + "the reference.");

    public static final ConfigOption<Duration> DRIFT_CURRENT_WINDOW = ConfigOptions.key("monitor.drift.current-window")
            .durationType()
            .defaultValue(Duration.ofMinutes(5))
            .withDescription(
                    "Length of the sliding window of current routing that is compared with the " + "reference.");

    public static final ConfigOption<Integer> DRIFT_BUCKETS = ConfigOptions.key("monitor.drift.buckets")
            .intType()
            .defaultValue(10)
            .withDescription("The current window slides in this many steps (buckets of current-window / buckets); "
                    + "more buckets slide more smoothly and cost more state per source.");

    public static final ConfigOption<Double> DRIFT_THRESHOLD = ConfigOptions.key("monitor.drift.threshold")
            .doubleType()
            .defaultValue(0.25)
            .withDescription("A source drifts when the Jensen-Shannon divergence (base 2, between 0 and 1) of "
                    + "its current expert distribution from its reference reaches this value at some stage.");

    public static final ConfigOption<Double> DRIFT_CLEAR_THRESHOLD = ConfigOptions.key("monitor.drift.clear-threshold")
            .doubleType()
            .defaultValue(0.1)
            .withDescription("An open drift alert clears when the divergence falls below this value "
                    + "(hysteresis: below monitor.drift.threshold).");

    public static final ConfigOption<Integer> DRIFT_MIN_SAMPLES = ConfigOptions.key("monitor.drift.min-samples")
            .intType()
            .defaultValue(100)
            .withDescription("Records a source needs in its reference and in its current window before it is "
                    + "scored (and before its dead-letter share is judged), so quiet sources do not alarm.");

    public static final ConfigOption<Duration> DRIFT_EVALUATE_INTERVAL = ConfigOptions.key(
                    "monitor.drift.evaluate-interval")
            .durationType()
            .defaultValue(Duration.ofSeconds(10))
            .withDescription("How often (wall clock) every source is scored and its alerts raised or cleared.");

    public static final ConfigOption<Integer> DRIFT_HISTORY = ConfigOptions.key("monitor.drift.history")
            .intType()
            .defaultValue(60)
            .withDescription("Scores kept per source for the score-over-time chart, one per evaluation.");

    public static final ConfigOption<Integer> DRIFT_MAX_SOURCES = ConfigOptions.key("monitor.drift.max-sources")
            .intType()
            .defaultValue(50_000)
            .withDescription("Most sources profiled per stream task; records of further new sources are "
                    + "counted as untracked until forgotten sources make room. Bounds the state.");

    public static final ConfigOption<Duration> DRIFT_FORGET_AFTER = ConfigOptions.key("monitor.drift.forget-after")
            .durationType()
            .defaultValue(Duration.ofHours(24))
            .withDescription("A source without records for this long is dropped with its reference; if it "
                    + "comes back it starts a new reference.");

    public static final ConfigOption<String> ALERTS_TOPIC = ConfigOptions.key("monitor.alerts.topic")
            .stringType()
            .defaultValue("polyroute.alerts")
            .withDescription("Topic the monitor writes its alerts to (JSON, keyed by source id), exactly once.");

    public static final ConfigOption<Duration> ALERTS_SILENCE_AFTER = ConfigOptions.key("monitor.alerts.silence-after")
            .durationType()
            .defaultValue(Duration.ofMinutes(5))
            .withDescription("A source that had records (at least monitor.drift.min-samples) and then none for "
                    + "this long raises a silence alert; 0 turns silence alerts off.");

    public static final ConfigOption<Double> ALERTS_DLQ_SHARE = ConfigOptions.key("monitor.alerts.dlq-share")
            .doubleType()
            .defaultValue(0.05)
            .withDescription("A source whose share of dead letters in its current window (dead letters over "
                    + "dead letters plus predictions) reaches this raises an alert; it clears below half of it.");

    public static final ConfigOption<Integer> ALERTS_HISTORY = ConfigOptions.key("monitor.alerts.history")
            .intType()
            .defaultValue(500)
            .withDescription("Cleared alerts kept for the API and the page (open alerts are always kept).");

    public static final ConfigOption<Duration> RECENT_PREDICTIONS = ConfigOptions.key("monitor.predictions.retention")
            .durationType()
            .defaultValue(Duration.ofMinutes(1))
            .withDescription("How long the routing record of each prediction is kept for /api/predictions/{id}; "
                    + "0 keeps none. The store holds rate x retention records.");

    public static final ConfigOption<Integer> METRICS_TOP_SOURCES = ConfigOptions.key("monitor.metrics.top-sources")
            .intType()
            .defaultValue(100)
            .withDescription("Sources with the highest drift scores exported per stage on /metrics; bounds the "
                    + "number of Prometheus series.");

    private MonitorOptions() {}

    /** The options and checks of this component, for the option registry. */
    public static OptionGroup group() {
        return new OptionGroup(
                "monitor",
                List.of(
                        APPLICATION_ID,
                        HTTP_HOST,
                        HTTP_PORT,
                        REFRESH_INTERVAL,
                        DISPLAY_DELAY,
                        RETENTION,
                        PLAN_HISTORY,
                        ANOMALY_THRESHOLD,
                        ANOMALY_OUTPUT_INDEX,
                        SHADOW_TOLERANCE,
                        START_FROM,
                        PERSISTENT_STATE,
                        STATE_DIR,
                        THREADS,
                        DRIFT_ENABLED,
                        DRIFT_REFERENCE_WINDOW,
                        DRIFT_REFERENCE_INTERVAL,
                        DRIFT_CURRENT_WINDOW,
                        DRIFT_BUCKETS,
                        DRIFT_THRESHOLD,
                        DRIFT_CLEAR_THRESHOLD,
                        DRIFT_MIN_SAMPLES,
                        DRIFT_EVALUATE_INTERVAL,
                        DRIFT_HISTORY,
                        DRIFT_MAX_SOURCES,
                        DRIFT_FORGET_AFTER,
                        ALERTS_TOPIC,
                        ALERTS_SILENCE_AFTER,
                        ALERTS_DLQ_SHARE,
                        ALERTS_HISTORY,
                        RECENT_PREDICTIONS,
                        METRICS_TOP_SOURCES),
                List.of(
                        OptionCheck.notBlank(APPLICATION_ID),
                        OptionCheck.notBlank(HTTP_HOST),
                        OptionCheck.atLeast(HTTP_PORT, 0),
                        MonitorOptions::checkPortRange,
                        OptionCheck.positive(REFRESH_INTERVAL),
                        OptionCheck.notNegative(DISPLAY_DELAY),
                        MonitorOptions::checkRetention,
                        OptionCheck.atLeast(PLAN_HISTORY, 1),
                        MonitorOptions::checkThreshold,
                        OptionCheck.atLeast(ANOMALY_OUTPUT_INDEX, 0),
                        MonitorOptions::checkShadowTolerance,
                        OptionCheck.notBlank(STATE_DIR),
                        OptionCheck.atLeast(THREADS, 1),
                        OptionCheck.positive(DRIFT_REFERENCE_WINDOW),
                        MonitorOptions::checkReferenceInterval,
                        OptionCheck.positive(DRIFT_CURRENT_WINDOW),
                        OptionCheck.atLeast(DRIFT_BUCKETS, 1),
                        MonitorOptions::checkBuckets,
                        MonitorOptions::checkDriftThresholds,
                        OptionCheck.atLeast(DRIFT_MIN_SAMPLES, 1),
                        OptionCheck.positive(DRIFT_EVALUATE_INTERVAL),
                        OptionCheck.atLeast(DRIFT_HISTORY, 1),
                        OptionCheck.atLeast(DRIFT_MAX_SOURCES, 1),
                        OptionCheck.positive(DRIFT_FORGET_AFTER),
                        OptionCheck.topicName(ALERTS_TOPIC),
                        OptionCheck.notNegative(ALERTS_SILENCE_AFTER),
                        MonitorOptions::checkDlqShare,
                        OptionCheck.atLeast(ALERTS_HISTORY, 1),
                        OptionCheck.notNegative(RECENT_PREDICTIONS),
                        OptionCheck.atLeast(METRICS_TOP_SOURCES, 0)));
    }

    private static void checkPortRange(ReadableConfig config) {
        int port = config.get(HTTP_PORT);
        if (port > 65535) {
            throw new ConfigException(
                    HTTP_PORT.key(),
                    "Invalid value " + port + " for '" + HTTP_PORT.key() + "': a port is at most 65535.");
        }
    }

    /** Every window must fit in the retention, or Kafka Streams refuses the store. */
    private static void checkRetention(ReadableConfig config) {
        Duration retention = config.get(RETENTION);
        Duration largest = LARGEST_WINDOW;
        if (retention.compareTo(largest) < 0) {
            throw new ConfigException(
                    RETENTION.key(),
                    "Invalid value " + retention.toMillis() + " ms for '" + RETENTION.key()
                            + "': it must be at least the largest window, " + largest.toMillis() + " ms.");
        }
    }

    private static void checkThreshold(ReadableConfig config) {
        double threshold = config.get(ANOMALY_THRESHOLD);
        if (!Double.isFinite(threshold)) {
            throw new ConfigException(
                    ANOMALY_THRESHOLD.key(),
                    "Invalid value " + threshold + " for '" + ANOMALY_THRESHOLD.key()
                            + "': it must be a finite number.");
        }
    }

    private static void checkShadowTolerance(ReadableConfig config) {
        double tolerance = config.get(SHADOW_TOLERANCE);
        if (!(tolerance >= 0 && Double.isFinite(tolerance))) {
            throw new ConfigException(
                    SHADOW_TOLERANCE.key(),
                    "Invalid value " + tolerance + " for '" + SHADOW_TOLERANCE.key()
                            + "': it must be a finite number of at least 0.");
        }
    }

    /**
     * The pinned reference interval of {@link #DRIFT_REFERENCE_INTERVAL}, or null when none is set.
     *
     * @throws ConfigException if the value is not {@code START/END} with START before END
     */
    public static Instant[] referenceInterval(ReadableConfig config) {
        String text = config.getOptional(DRIFT_REFERENCE_INTERVAL).orElse(null);
        if (text == null) {
            return null;
        }
        String key = DRIFT_REFERENCE_INTERVAL.key();
        String[] parts = text.trim().split("/", -1);
        try {
            if (parts.length == 2) {
                Instant start = Instant.parse(parts[0].trim());
                Instant end = Instant.parse(parts[1].trim());
                if (start.isBefore(end)) {
                    return new Instant[] {start, end};
                }
            }
        } catch (DateTimeParseException e) {
            // reported below
        }
        throw new ConfigException(
                key,
                "Invalid value '" + text + "' for '" + key + "': write two ISO-8601 instants START/END with START "
                        + "before END, e.g. 2026-01-01T00:00:00Z/2026-01-01T01:00:00Z.");
    }

    private static void checkReferenceInterval(ReadableConfig config) {
        referenceInterval(config);
    }

    private static void checkBuckets(ReadableConfig config) {
        int buckets = config.get(DRIFT_BUCKETS);
        Duration window = config.get(DRIFT_CURRENT_WINDOW);
        if (buckets > 120 || window.toMillis() < buckets) {
            throw new ConfigException(
                    DRIFT_BUCKETS.key(),
                    "Invalid value " + buckets + " for '" + DRIFT_BUCKETS.key() + "': it must be at most 120 and "
                            + "at most the current window in milliseconds (" + window.toMillis() + ").");
        }
    }

    private static void checkDriftThresholds(ReadableConfig config) {
        double threshold = config.get(DRIFT_THRESHOLD);
        double clear = config.get(DRIFT_CLEAR_THRESHOLD);
        if (!(threshold > 0 && threshold <= 1)) {
            throw new ConfigException(
                    DRIFT_THRESHOLD.key(),
                    "Invalid value " + threshold + " for '" + DRIFT_THRESHOLD.key()
                            + "': a Jensen-Shannon divergence threshold must be in (0, 1].");
        }
        if (!(clear >= 0 && clear < threshold)) {
            throw new ConfigException(
                    DRIFT_CLEAR_THRESHOLD.key(),
                    "Invalid value " + clear + " for '" + DRIFT_CLEAR_THRESHOLD.key() + "': it must be at least 0 "
                            + "and below '" + DRIFT_THRESHOLD.key() + "' (" + threshold + ").");
        }
    }

    private static void checkDlqShare(ReadableConfig config) {
        double share = config.get(ALERTS_DLQ_SHARE);
        if (!(share > 0 && share <= 1)) {
            throw new ConfigException(
                    ALERTS_DLQ_SHARE.key(),
                    "Invalid value " + share + " for '" + ALERTS_DLQ_SHARE.key() + "': a share must be in (0, 1].");
        }
    }
}
