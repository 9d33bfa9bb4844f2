package io.polyroute.job.config;

import java.time.Duration;
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
                        START_FROM,
                        PERSISTENT_STATE,
                        STATE_DIR,
                        THREADS),
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
                        OptionCheck.notBlank(STATE_DIR),
                        OptionCheck.atLeast(THREADS, 1)));
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
}
