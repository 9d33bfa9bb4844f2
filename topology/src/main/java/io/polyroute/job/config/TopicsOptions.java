package io.polyroute.job.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.ReadableConfig;

/** Names of the Kafka topics the job reads and writes, and whether it may create them. */
public final class TopicsOptions {

    public static final ConfigOption<String> INPUT = ConfigOptions.key("topics.input")
            .stringType()
            .defaultValue("sensors")
            .withDescription("Topic of the sensor records the job reads.");

    public static final ConfigOption<String> OUTPUT = ConfigOptions.key("topics.output")
            .stringType()
            .defaultValue("predictions")
            .withDescription("Topic the job writes one prediction per input record to, exactly once.");

    public static final ConfigOption<String> DLQ = ConfigOptions.key("topics.dlq")
            .stringType()
            .defaultValue("polyroute.dlq")
            .withDescription("Dead-letter topic for input records that cannot be served, each with a reason.");

    public static final ConfigOption<String> LOAD = ConfigOptions.key("topics.load")
            .stringType()
            .defaultValue("polyroute.load")
            .withDescription("Topic of the per-expert load statistics that drive rebalancing.");

    public static final ConfigOption<String> PLANS = ConfigOptions.key("topics.plans")
            .stringType()
            .defaultValue("polyroute.plans")
            .withDescription("Topic of the expert placement plans; always created with one partition so "
                    + "plans stay in order.");

    public static final ConfigOption<io.polyroute.schemas.AvroEncoding> ENCODING = ConfigOptions.key("topics.encoding")
            .enumType(io.polyroute.schemas.AvroEncoding.class)
            .defaultValue(io.polyroute.schemas.AvroEncoding.BINARY)
            .withDescription("Avro encoding of every record the job reads and writes: binary (plain Avro "
                    + "binary, the schema agreed out of band) or single-object (Avro single-object "
                    + "encoding: a header with the schema fingerprint, then binary).");

    public static final ConfigOption<Boolean> AUTO_CREATE = ConfigOptions.key("topics.auto-create")
            .booleanType()
            .defaultValue(false)
            .withDescription("Create missing topics at start. When false, a missing topic stops the start "
                    + "with an error that names it.");

    public static final ConfigOption<Integer> PARTITIONS = ConfigOptions.key("topics.partitions")
            .intType()
            .defaultValue(2)
            .withDescription("Partitions of the topics that topics.auto-create creates.");

    public static final ConfigOption<Integer> REPLICATION_FACTOR = ConfigOptions.key("topics.replication-factor")
            .intType()
            .defaultValue(1)
            .withDescription("Replication factor of the topics that topics.auto-create creates.");

    private TopicsOptions() {}

    /** The options that name a topic, in data-path order. */
    public static List<ConfigOption<String>> topicOptions() {
        return List.of(INPUT, OUTPUT, DLQ, LOAD, PLANS);
    }

    /** The options and checks of this component. */
    public static OptionGroup group() {
        List<OptionCheck> checks = new ArrayList<>();
        topicOptions().forEach(o -> checks.add(OptionCheck.topicName(o)));
        checks.add(TopicsOptions::requireDistinctTopics);
        checks.add(OptionCheck.atLeast(PARTITIONS, 1));
        checks.add(OptionCheck.atLeast(REPLICATION_FACTOR, 1));
        return new OptionGroup(
                "topics",
                List.of(INPUT, OUTPUT, DLQ, LOAD, PLANS, ENCODING, AUTO_CREATE, PARTITIONS, REPLICATION_FACTOR),
                checks);
    }

    /** Two roles on one topic would feed the job its own output or mix record types. */
    private static void requireDistinctTopics(ReadableConfig config) {
        Map<String, String> keyByTopic = new HashMap<>();
        for (ConfigOption<String> option : topicOptions()) {
            String topic = config.get(option);
            String previous = keyByTopic.putIfAbsent(topic, option.key());
            if (previous != null) {
                throw new ConfigException(
                        option.key(),
                        "The options '" + previous + "' and '" + option.key() + "' both name topic '" + topic
                                + "'; every topic option needs its own topic.");
            }
        }
    }
}
