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
package io.polyroute.monitor;

import io.polyroute.avro.DeadLetter;
import io.polyroute.avro.ExpertLoad;
import io.polyroute.avro.Prediction;
import io.polyroute.avro.SensorReading;
import io.polyroute.avro.ShadowPair;
import io.polyroute.job.config.ConfigException;
import io.polyroute.job.config.JobConfig;
import io.polyroute.job.config.MonitorOptions;
import io.polyroute.job.config.RolloutOptions;
import io.polyroute.job.config.StartFrom;
import io.polyroute.job.config.TopicEncoding;
import io.polyroute.job.config.TopicsOptions;
import io.polyroute.job.io.RegistryConnection;
import io.polyroute.job.io.TopicDeserializer;
import io.polyroute.schemas.SchemaRegistryClient;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.configuration.ConfigOption;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;

/**
 * Options of the monitor: the Kafka Streams application that aggregates the job's output topics
 * and the HTTP server that shows the figures. Declared like the job's {@code *Options} classes
 * (typed, defaulted, described, registered with the job's option registry), so one job file and
 * the same {@code --set key=value} overrides configure both; the monitor reads the topics named by
 * {@link TopicsOptions} and the Kafka settings of {@code kafka.*}.
 *
 * <p>An instance is the validated configuration of one monitor:
 *
 * <pre>{@code
 * MonitorSettings options = MonitorSettings.of(JobConfigLoader.load(jobFile, List.of("monitor.http.port=9090")));
 * Topology topology = MonitorTopology.build(options);
 * }</pre>
 */
public final class MonitorSettings {

    private final JobConfig config;
    /** The registry client of the {@code confluent} topics, made on first use. */
    private SchemaRegistryClient registry;

    private final boolean shadow;

    private MonitorSettings(JobConfig config, boolean shadow) {
        this.config = config;
        this.shadow = shadow;
    }

    /**
     * The monitor options of a validated configuration; it reads the shadow topic when {@code
     * rollout.enabled} is true.
     */
    public static MonitorSettings of(JobConfig config) {
        Objects.requireNonNull(config, "config must not be null");
        return new MonitorSettings(config, config.get(RolloutOptions.ENABLED));
    }

    /**
     * A copy that reads the shadow topic or not, whatever {@code rollout.enabled} says; {@link
     * Monitor#start()} turns it on when the topic exists.
     */
    public MonitorSettings withShadow(boolean readShadow) {
        return new MonitorSettings(config, readShadow);
    }

    /** Whether the monitor reads the shadow pairs of shadow rollouts ({@link #shadowTopic()}). */
    public boolean shadowEnabled() {
        return shadow;
    }

    /** Topic of the shadow pairs ({@link RolloutOptions#shadowTopic}: {@code <job.name>.shadow} unless set). */
    public String shadowTopic() {
        return RolloutOptions.shadowTopic(config);
    }

    /** Largest absolute output difference of a shadow pair that agrees ({@link MonitorOptions#SHADOW_TOLERANCE}). */
    public double shadowTolerance() {
        return config.get(MonitorOptions.SHADOW_TOLERANCE);
    }

    /**
     * Validates {@code values} (dotted keys to value text) like a job file and wraps them.
     *
     * @throws ConfigException for the first problem, naming its key
     */
    public static MonitorSettings of(Map<String, String> values) {
        return of(JobConfig.of(values));
    }

    /** Every option at its default. */
    public static MonitorSettings defaults() {
        return of(JobConfig.defaults());
    }

    /** The whole configuration these options were read from. */
    public JobConfig config() {
        return config;
    }

    /** A copy with one more value, validated like the original; it reads the shadow topic if this one does. */
    public MonitorSettings with(String key, String value) {
        MonitorSettings out = of(config.with(key, value));
        return shadow ? out.withShadow(true) : out;
    }

    public String applicationId() {
        return config.get(MonitorOptions.APPLICATION_ID);
    }

    public String httpHost() {
        return config.get(MonitorOptions.HTTP_HOST);
    }

    public int httpPort() {
        return config.get(MonitorOptions.HTTP_PORT);
    }

    public Duration refreshInterval() {
        return config.get(MonitorOptions.REFRESH_INTERVAL);
    }

    public Duration displayDelay() {
        return config.get(MonitorOptions.DISPLAY_DELAY);
    }

    public Duration retention() {
        return config.get(MonitorOptions.RETENTION);
    }

    public int planHistory() {
        return config.get(MonitorOptions.PLAN_HISTORY);
    }

    public double anomalyThreshold() {
        return config.get(MonitorOptions.ANOMALY_THRESHOLD);
    }

    public int anomalyOutputIndex() {
        return config.get(MonitorOptions.ANOMALY_OUTPUT_INDEX);
    }

    public StartFrom startFrom() {
        return config.get(MonitorOptions.START_FROM);
    }

    public boolean persistentState() {
        return config.get(MonitorOptions.PERSISTENT_STATE);
    }

    public Optional<String> stateDir() {
        return config.getOptional(MonitorOptions.STATE_DIR);
    }

    /** Whether routing profiles and alerts are on ({@link MonitorOptions#DRIFT_ENABLED}). */
    public boolean driftEnabled() {
        return config.get(MonitorOptions.DRIFT_ENABLED);
    }

    /** The reference window from a source's first record ({@link MonitorOptions#DRIFT_REFERENCE_WINDOW}). */
    public Duration driftReferenceWindow() {
        return config.get(MonitorOptions.DRIFT_REFERENCE_WINDOW);
    }

    /** The pinned reference interval [start, end), if {@link MonitorOptions#DRIFT_REFERENCE_INTERVAL} is set. */
    public Optional<Instant[]> driftReferenceInterval() {
        return Optional.ofNullable(MonitorOptions.referenceInterval(config.toConfiguration()));
    }

    public Duration driftCurrentWindow() {
        return config.get(MonitorOptions.DRIFT_CURRENT_WINDOW);
    }

    public int driftBuckets() {
        return config.get(MonitorOptions.DRIFT_BUCKETS);
    }

    public double driftThreshold() {
        return config.get(MonitorOptions.DRIFT_THRESHOLD);
    }

    public double driftClearThreshold() {
        return config.get(MonitorOptions.DRIFT_CLEAR_THRESHOLD);
    }

    public int driftMinSamples() {
        return config.get(MonitorOptions.DRIFT_MIN_SAMPLES);
    }

    public Duration driftEvaluateInterval() {
        return config.get(MonitorOptions.DRIFT_EVALUATE_INTERVAL);
    }

    public int driftHistory() {
        return config.get(MonitorOptions.DRIFT_HISTORY);
    }

    public int driftMaxSources() {
        return config.get(MonitorOptions.DRIFT_MAX_SOURCES);
    }

    public Duration driftForgetAfter() {
        return config.get(MonitorOptions.DRIFT_FORGET_AFTER);
    }

    /** Topic of the alerts ({@link MonitorOptions#ALERTS_TOPIC}). */
    public String alertsTopic() {
        return config.get(MonitorOptions.ALERTS_TOPIC);
    }

    /** Silence before an alert; zero when silence alerts are off. */
    public Duration silenceAfter() {
        return config.get(MonitorOptions.ALERTS_SILENCE_AFTER);
    }

    public double deadLetterShareThreshold() {
        return config.get(MonitorOptions.ALERTS_DLQ_SHARE);
    }

    public int alertHistory() {
        return config.get(MonitorOptions.ALERTS_HISTORY);
    }

    /** How long each prediction's routing record is kept; zero keeps none. */
    public Duration recentPredictions() {
        return config.get(MonitorOptions.RECENT_PREDICTIONS);
    }

    public int metricsTopSources() {
        return config.get(MonitorOptions.METRICS_TOP_SOURCES);
    }

    /** Topic of the job's predictions ({@link TopicsOptions#OUTPUT}). */
    public String predictionsTopic() {
        return config.get(TopicsOptions.OUTPUT);
    }

    /** Topic of the load reports ({@link TopicsOptions#LOAD}). */
    public String loadTopic() {
        return TopicsOptions.load(config);
    }

    /** Topic of the placement plans ({@link TopicsOptions#PLANS}). */
    public String plansTopic() {
        return TopicsOptions.plans(config);
    }

    /** Topic of the dead letters ({@link TopicsOptions#DLQ}). */
    public String deadLetterTopic() {
        return config.get(TopicsOptions.DLQ);
    }

    /**
     * Reader of the predictions topic in {@code topics.encoding.output} (else {@code topics.encoding});
     * see {@link #deadLetterReader()}.
     */
    public TopicDeserializer<Prediction> predictionReader() {
        return reader(TopicsOptions.ENCODING_OUTPUT, Prediction.class);
    }

    /** Reader of the load topic in {@code topics.encoding.control} (else {@code topics.encoding}). */
    public TopicDeserializer<ExpertLoad> loadReader() {
        return reader(TopicsOptions.ENCODING_CONTROL, ExpertLoad.class);
    }

    /**
     * Reader of the dead-letter topic in {@code topics.encoding.dlq} (else {@code topics.encoding}).
     * Each topic has its own encoding; a {@code confluent} one is read through the registry
     * {@code registry.*} describes, with one client shared by all readers of this instance.
     *
     * @throws io.polyroute.job.config.ConfigException naming the {@code registry.*} key when the
     *     registry's URL is missing or a secret file or variable cannot be read
     */
    public TopicDeserializer<DeadLetter> deadLetterReader() {
        return reader(TopicsOptions.ENCODING_DLQ, DeadLetter.class);
    }

    /**
     * Reader of the original values of dead letters, sensor readings in {@code topics.encoding.input}
     * (else {@code topics.encoding}), to tell which source a dead letter came from.
     */
    public TopicDeserializer<SensorReading> readingReader() {
        return reader(TopicsOptions.ENCODING_INPUT, SensorReading.class);
    }

    /**
     * Reader of the shadow pairs, which the job writes in {@code topics.encoding.control} (else
     * {@code topics.encoding}) like its other control records.
     */
    public TopicDeserializer<ShadowPair> shadowReader() {
        return reader(TopicsOptions.ENCODING_CONTROL, ShadowPair.class);
    }

    private <T extends SpecificRecord> TopicDeserializer<T> reader(ConfigOption<String> option, Class<T> type) {
        TopicEncoding encoding = TopicsOptions.encoding(config, option);
        return TopicDeserializer.of(type, encoding, encoding == TopicEncoding.CONFLUENT ? registry() : null);
    }

    private synchronized SchemaRegistryClient registry() {
        if (registry == null) {
            registry = RegistryConnection.of(config).client();
        }
        return registry;
    }

    /**
     * Properties of the monitor's Kafka Streams application: the Kafka client settings of the
     * configuration (with every {@code kafka.properties.*} pass-through, e.g. TLS or SASL),
     * exactly-once processing ({@code exactly_once_v2}) with a commit every second, and undecodable
     * records logged and skipped rather than stopping the monitor.
     *
     * <p>Every commit ends one transaction of the monitor's producer, and with the brokers'
     * transaction protocol 2 every transaction bumps the producer epoch; the first write of the next
     * transaction to a partition is answered {@code CONCURRENT_TRANSACTIONS} until the brokers have
     * written the previous transaction's markers. The routing events' repartition topic gets such a
     * first write in every transaction and is read back (read_committed) by the drift processor in
     * the same stream thread. Two settings keep that path from stalling: one commit a second instead
     * of exactly-once's default of ten (a tenth of the transactions, each still far below the
     * page's refresh interval), and one request in flight per broker connection, so no later batch
     * of a partition can reach the broker ahead of a first batch that was turned away and is being
     * retried, which the broker rejects as out of order.
     */
    public Properties streamsProperties() {
        Properties props = config.kafkaClientProperties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "1000");
        props.put(StreamsConfig.producerPrefix(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION), "1");
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, Integer.toString(config.get(MonitorOptions.THREADS)));
        props.put(
                StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
                LogAndContinueExceptionHandler.class.getName());
        stateDir().ifPresent(dir -> props.put(StreamsConfig.STATE_DIR_CONFIG, dir));
        return props;
    }

    @Override
    public String toString() {
        return "MonitorSettings" + config.redacted();
    }
}
