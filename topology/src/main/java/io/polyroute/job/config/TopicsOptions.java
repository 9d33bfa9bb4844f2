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

    /** Read through {@link #load(ReadableConfig)}: unset, it is {@code <job.name>.load}. */
    public static final ConfigOption<String> LOAD = ConfigOptions.key("topics.load")
            .stringType()
            .noDefaultValue()
            .withDescription("Topic of the per-expert load statistics that drive rebalancing. Default: "
                    + "<job.name>.load (polyroute.load for the default job name), so jobs with different "
                    + "names on one Kafka cluster keep their control loops apart.");

    /** Read through {@link #plans(ReadableConfig)}: unset, it is {@code <job.name>.plans}. */
    public static final ConfigOption<String> PLANS = ConfigOptions.key("topics.plans")
            .stringType()
            .noDefaultValue()
            .withDescription("Topic of the expert placement plans; always created with one partition so "
                    + "plans stay in order. Default: <job.name>.plans (polyroute.plans for the default job "
                    + "name). A job ignores plans for another job or bundle.");

    public static final ConfigOption<TopicEncoding> ENCODING = ConfigOptions.key("topics.encoding")
            .enumType(TopicEncoding.class)
            .defaultValue(TopicEncoding.BINARY)
            .withDescription("Avro encoding of every record the job reads and writes: binary (plain Avro "
                    + "binary, the schema agreed out of band), single-object (Avro single-object "
                    + "encoding: a header with the schema fingerprint, then binary) or confluent (Schema "
                    + "Registry wire format: 00, the registry's 4-byte schema id, then binary; needs "
                    + "registry.url). topics.encoding.input, .output, .dlq and .control override it per topic.");

    /** Read through {@link #encoding(JobConfig, ConfigOption)}: unset, it is {@link #ENCODING}. */
    public static final ConfigOption<String> ENCODING_INPUT = perTopic("input", "the input topic (topics.input)");

    /** Read through {@link #encoding(JobConfig, ConfigOption)}: unset, it is {@link #ENCODING}. */
    public static final ConfigOption<String> ENCODING_OUTPUT =
            perTopic("output", "the predictions topic (topics.output)");

    /** Read through {@link #encoding(JobConfig, ConfigOption)}: unset, it is {@link #ENCODING}. */
    public static final ConfigOption<String> ENCODING_DLQ = perTopic("dlq", "the dead-letter topic (topics.dlq)");

    /**
     * Read through {@link #encoding(JobConfig, ConfigOption)}: unset, it is {@link #ENCODING}. Covers
     * the load topic; plans are always plain Avro binary.
     */
    public static final ConfigOption<String> ENCODING_CONTROL =
            perTopic("control", "the load topic (topics.load); plans (topics.plans) are always plain Avro binary");

    private static ConfigOption<String> perTopic(String which, String what) {
        return ConfigOptions.key("topics.encoding." + which)
                .stringType()
                .noDefaultValue()
                .withDescription("Encoding of " + what + ": binary, single-object or confluent. Unset, it is "
                        + "topics.encoding.");
    }

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

    /** The load topic: {@code topics.load}, else {@code <job.name>.load}. */
    public static String load(ReadableConfig config) {
        return config.getOptional(LOAD).orElseGet(() -> config.get(JobOptions.NAME) + ".load");
    }

    /** The plans topic: {@code topics.plans}, else {@code <job.name>.plans}. */
    public static String plans(ReadableConfig config) {
        return config.getOptional(PLANS).orElseGet(() -> config.get(JobOptions.NAME) + ".plans");
    }

    /** The load topic of a job configuration: {@code topics.load}, else {@code <job.name>.load}. */
    public static String load(JobConfig config) {
        return config.getOptional(LOAD).orElseGet(() -> config.get(JobOptions.NAME) + ".load");
    }

    /** The plans topic of a job configuration: {@code topics.plans}, else {@code <job.name>.plans}. */
    public static String plans(JobConfig config) {
        return config.getOptional(PLANS).orElseGet(() -> config.get(JobOptions.NAME) + ".plans");
    }

    /**
     * The encoding of one topic: {@code option} ({@link #ENCODING_INPUT}, {@link #ENCODING_OUTPUT},
     * {@link #ENCODING_DLQ} or {@link #ENCODING_CONTROL}) when set, else {@link #ENCODING}.
     */
    public static TopicEncoding encoding(JobConfig config, ConfigOption<String> option) {
        return config.getOptional(option).map(v -> parseEncoding(option, v)).orElseGet(() -> config.get(ENCODING));
    }

    /** Like {@link #encoding(JobConfig, ConfigOption)}, for a Flink configuration. */
    public static TopicEncoding encoding(ReadableConfig config, ConfigOption<String> option) {
        return config.getOptional(option).map(v -> parseEncoding(option, v)).orElseGet(() -> config.get(ENCODING));
    }

    /** Whether any topic the job reads or writes is in {@link TopicEncoding#CONFLUENT}. */
    public static boolean usesRegistry(ReadableConfig config) {
        return encodingOptions().stream().anyMatch(o -> encoding(config, o) == TopicEncoding.CONFLUENT);
    }

    private static TopicEncoding parseEncoding(ConfigOption<String> option, String value) {
        for (TopicEncoding e : TopicEncoding.values()) {
            if (e.text().equalsIgnoreCase(value.trim())) {
                return e;
            }
        }
        throw new ConfigException(
                option.key(),
                "Invalid value '" + value + "' for '" + option.key() + "': it must be one of binary, single-object,"
                        + " confluent.");
    }

    /** The per-topic encoding options, in data-path order. */
    public static List<ConfigOption<String>> encodingOptions() {
        return List.of(ENCODING_INPUT, ENCODING_OUTPUT, ENCODING_DLQ, ENCODING_CONTROL);
    }

    /** The topic {@code option} names in a job configuration, with the derived defaults. */
    public static String topic(JobConfig config, ConfigOption<String> option) {
        if (option.equals(LOAD)) {
            return load(config);
        }
        if (option.equals(PLANS)) {
            return plans(config);
        }
        return config.get(option);
    }

    /** The topic {@code option} names, with the derived defaults of {@link #LOAD} and {@link #PLANS}. */
    public static String topic(ReadableConfig config, ConfigOption<String> option) {
        if (option.equals(LOAD)) {
            return load(config);
        }
        if (option.equals(PLANS)) {
            return plans(config);
        }
        return config.get(option);
    }

    /** The options that name a topic, in data-path order. */
    public static List<ConfigOption<String>> topicOptions() {
        return List.of(INPUT, OUTPUT, DLQ, LOAD, PLANS);
    }

    /** The options and checks of this component. */
    public static OptionGroup group() {
        List<OptionCheck> checks = new ArrayList<>();
        topicOptions().forEach(o -> checks.add(OptionCheck.topicName(o)));
        checks.add(TopicsOptions::requireDistinctTopics);
        encodingOptions().forEach(o -> checks.add(config -> encoding(config, o)));
        checks.add(OptionCheck.atLeast(PARTITIONS, 1));
        checks.add(OptionCheck.atLeast(REPLICATION_FACTOR, 1));
        return new OptionGroup(
                "topics",
                List.of(
                        INPUT,
                        OUTPUT,
                        DLQ,
                        LOAD,
                        PLANS,
                        ENCODING,
                        ENCODING_INPUT,
                        ENCODING_OUTPUT,
                        ENCODING_DLQ,
                        ENCODING_CONTROL,
                        AUTO_CREATE,
                        PARTITIONS,
                        REPLICATION_FACTOR),
                checks);
    }

    /** Two roles on one topic would feed the job its own output or mix record types. */
    private static void requireDistinctTopics(ReadableConfig config) {
        Map<String, String> keyByTopic = new HashMap<>();
        for (ConfigOption<String> option : topicOptions()) {
            String topic = topic(config, option);
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
