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
import io.polyroute.avro.PlacementPlan;
import io.polyroute.avro.Prediction;
import io.polyroute.avro.ShadowPair;
import io.polyroute.job.control.PlanCodec;
import io.polyroute.monitor.drift.Alert;
import io.polyroute.monitor.drift.DeadLetterSources;
import io.polyroute.monitor.drift.DriftProcessor;
import io.polyroute.monitor.drift.RoutingEvent;
import io.polyroute.monitor.drift.RoutingProfile;
import io.polyroute.monitor.processor.DeadLetterProcessor;
import io.polyroute.monitor.processor.LatencyProcessor;
import io.polyroute.monitor.processor.LoadReportProcessor;
import io.polyroute.monitor.processor.PlanHistoryProcessor;
import io.polyroute.monitor.processor.RecentPredictionsProcessor;
import io.polyroute.monitor.processor.RecordTimes;
import io.polyroute.monitor.processor.RoutedLoadProcessor;
import io.polyroute.monitor.processor.ShadowAgreementProcessor;
import io.polyroute.monitor.processor.SourceStatsProcessor;
import io.polyroute.monitor.processor.ThroughputProcessor;
import io.polyroute.monitor.processor.VersionMixProcessor;
import io.polyroute.schemas.AvroCodec;
import io.polyroute.schemas.AvroEncoding;
import io.polyroute.schemas.AvroSerdes;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.AutoOffsetReset;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowBytesStoreSupplier;

/**
 * The monitor's Kafka Streams topology: one source per topic the job writes, tiny processors that
 * each keep one aggregate, and the stores they keep it in.
 *
 * <pre>
 * predictions     -> throughput, latency, routed-load, sources, versions  (window stores, 1 s and 1 min)
 * &lt;job&gt;.shadow -> shadow (window stores; only when the monitor reads the shadow topic)
 * polyroute.load  -> reported-load                              (window stores, 1 s and 1 min)
 * polyroute.dlq   -> dead-letters                               (window stores, 1 s and 1 min)
 * polyroute.plans -> plans                                      (key-value store, latest N)
 * predictions + polyroute.dlq -> by source id (repartition) -> drift -> polyroute.alerts
 *                                (routing-profiles, alerts, alert-counters: key-value stores)
 * predictions     -> recent-predictions                         (window store by event id)
 * </pre>
 *
 * <p>Records are windowed by the time they describe (see {@link RecordTimes}). Nothing is
 * repartitioned: each stream task keeps partial aggregates for its partitions and the queries
 * merge them. Built here, apart from {@link Monitor}, so tests can drive it with a
 * {@code TopologyTestDriver}:
 *
 * <pre>{@code
 * Topology topology = MonitorTopology.build(MonitorSettings.defaults());
 * try (TopologyTestDriver driver = new TopologyTestDriver(topology, props)) { ... }
 * }</pre>
 */
public final class MonitorTopology {

    static final String PREDICTIONS_SOURCE = "predictions-source";
    static final String LOAD_SOURCE = "load-source";
    static final String DEAD_LETTER_SOURCE = "dead-letter-source";
    static final String PLANS_SOURCE = "plans-source";
    static final String SHADOW_SOURCE = "shadow-source";

    /** Name of the repartition topic of the routing events (prefixed with the application id). */
    public static final String ROUTING_REPARTITION = "routing-by-source";

    private MonitorTopology() {}

    /** Builds the topology for the topics, windows and rules of {@code options}. */
    public static Topology build(MonitorSettings options) {
        StreamsBuilder builder = new StreamsBuilder();
        AutoOffsetReset reset = offsetReset(options);
        Serde<byte[]> keys = Serdes.ByteArray();
        Duration retention = options.retention();

        KStream<byte[], Prediction> predictions = builder.stream(
                options.predictionsTopic(),
                Consumed.with(keys, readOnly(options.predictionReader()))
                        .withTimestampExtractor(RecordTimes.prediction())
                        .withOffsetResetPolicy(reset)
                        .withName(PREDICTIONS_SOURCE));
        addWindowed(
                builder,
                predictions,
                options,
                "throughput",
                MonitorStores.THROUGHPUT,
                () -> new ThroughputProcessor(retention));
        addWindowed(
                builder, predictions, options, "latency", MonitorStores.LATENCY, () -> new LatencyProcessor(retention));
        addWindowed(
                builder,
                predictions,
                options,
                "routed-load",
                MonitorStores.ROUTED_LOAD,
                () -> new RoutedLoadProcessor(retention));
        addWindowed(
                builder,
                predictions,
                options,
                "sources",
                MonitorStores.SOURCES,
                () -> new SourceStatsProcessor(retention, options.anomalyOutputIndex(), options.anomalyThreshold()));
        addWindowed(
                builder,
                predictions,
                options,
                "versions",
                MonitorStores.VERSIONS,
                () -> new VersionMixProcessor(retention));
        if (options.shadowEnabled()) {
            KStream<byte[], ShadowPair> pairs = builder.stream(
                    options.shadowTopic(),
                    Consumed.with(keys, readOnly(options.shadowReader()))
                            .withTimestampExtractor(RecordTimes.shadowPair())
                            .withOffsetResetPolicy(reset)
                            .withName(SHADOW_SOURCE));
            addWindowed(
                    builder,
                    pairs,
                    options,
                    "shadow",
                    MonitorStores.SHADOW,
                    () -> new ShadowAgreementProcessor(retention, options.shadowTolerance()));
        }
        if (!options.recentPredictions().isZero()) {
            long windowMs = Math.max(1, options.recentPredictions().toMillis() / 10);
            builder.addStateStore(recentPredictionsStore(options, windowMs));
            predictions.process(
                    () -> new RecentPredictionsProcessor(windowMs),
                    Named.as("recent-predictions"),
                    MonitorStores.RECENT_PREDICTIONS);
        }

        KStream<byte[], ExpertLoad> loads = builder.stream(
                options.loadTopic(),
                Consumed.with(keys, readOnly(options.loadReader()))
                        .withTimestampExtractor(RecordTimes.expertLoad())
                        .withOffsetResetPolicy(reset)
                        .withName(LOAD_SOURCE));
        addWindowed(
                builder,
                loads,
                options,
                "load-reports",
                MonitorStores.REPORTED_LOAD,
                () -> new LoadReportProcessor(retention));

        KStream<byte[], DeadLetter> deadLetters = builder.stream(
                options.deadLetterTopic(),
                Consumed.with(keys, readOnly(options.deadLetterReader()))
                        .withTimestampExtractor(RecordTimes.deadLetter())
                        .withOffsetResetPolicy(reset)
                        .withName(DEAD_LETTER_SOURCE));
        addWindowed(
                builder,
                deadLetters,
                options,
                "dead-letters",
                MonitorStores.DEAD_LETTERS,
                () -> new DeadLetterProcessor(retention));

        KStream<byte[], PlacementPlan> plans = builder.stream(
                options.plansTopic(),
                // Plans are plain binary whatever topics.encoding says: the job, `polyroute plan` and
                // the monitor read and write them through PlanCodec, which also reads older plans.
                Consumed.with(
                                keys,
                                Serdes.serdeFrom(
                                        (Serializer<PlacementPlan>)
                                                (topic, plan) -> PlanCodec.encode(PlanCodec.fromAvro(plan)),
                                        (Deserializer<PlacementPlan>) (topic, data) -> PlanCodec.decodeAvro(data)))
                        .withTimestampExtractor(RecordTimes.placementPlan())
                        .withOffsetResetPolicy(reset)
                        .withName(PLANS_SOURCE));
        builder.addStateStore(planStore(options));
        plans.process(
                () -> new PlanHistoryProcessor(options.planHistory()), Named.as("plan-history"), MonitorStores.PLANS);

        if (options.driftEnabled()) {
            addDrift(builder, options, predictions, deadLetters);
        }
        return builder.build();
    }

    /**
     * Routing profiles and alerts: predictions and dead letters re-keyed by source id through one
     * repartition topic, so every record of a source reaches the same task, then the
     * {@link DriftProcessor}, whose alerts go to the alerts topic.
     */
    private static void addDrift(
            StreamsBuilder builder,
            MonitorSettings options,
            KStream<byte[], Prediction> predictions,
            KStream<byte[], DeadLetter> deadLetters) {
        KStream<String, RoutingEvent> routed = predictions
                .filter((k, p) -> p != null && p.getSourceId() != null, Named.as("routing-of-predictions"))
                .map((k, p) -> KeyValue.pair(p.getSourceId(), RoutingEvent.of(p)), Named.as("routing-by-source-key"));
        DeadLetterSources sources = new DeadLetterSources(options.readingReader()::decode);
        KStream<String, RoutingEvent> rejected = deadLetters.flatMap(
                (k, d) -> {
                    String source = sources.sourceOf(d);
                    return source == null ? List.of() : List.of(KeyValue.pair(source, RoutingEvent.deadLetterEvent()));
                },
                Named.as("dead-letters-by-source-key"));
        builder.addStateStore(keyValueStore(options, MonitorStores.PROFILES, RoutingProfile.serde()));
        builder.addStateStore(keyValueStore(options, MonitorStores.ALERTS, Alert.serde()));
        builder.addStateStore(keyValueStore(options, MonitorStores.ALERT_COUNTERS, Serdes.Long()));
        routed.merge(rejected, Named.as("routing-events"))
                .repartition(Repartitioned.with(Serdes.String(), RoutingEvent.serde())
                        .withName(ROUTING_REPARTITION))
                .process(
                        () -> new DriftProcessor(options),
                        Named.as("drift"),
                        MonitorStores.PROFILES,
                        MonitorStores.ALERTS,
                        MonitorStores.ALERT_COUNTERS)
                .to(
                        options.alertsTopic(),
                        Produced.with(Serdes.String(), Serdes.String()).withName("alerts-sink"));
    }

    private static <V, T> void addWindowed(
            StreamsBuilder builder,
            KStream<byte[], T> stream,
            MonitorSettings options,
            String processorName,
            WindowedAggregate<String, V> aggregate,
            ProcessorSupplier<byte[], T, Void, Void> supplier) {
        String[] names = new String[Resolution.values().length];
        for (Resolution resolution : Resolution.values()) {
            builder.addStateStore(windowStore(options, aggregate, resolution));
            names[resolution.ordinal()] = aggregate.storeName(resolution);
        }
        stream.process(supplier, Named.as(processorName), names);
    }

    /**
     * The serde of a source topic: it only reads (the job writes these topics), so its serializer
     * refuses, which Kafka Streams never asks of a source's value serde.
     */
    static <V> Serde<V> readOnly(Deserializer<V> reader) {
        return Serdes.serdeFrom(
                (Serializer<V>) (topic, value) -> {
                    throw new UnsupportedOperationException(
                            "The monitor only reads topic " + topic + "; it does not write its records.");
                },
                reader);
    }

    private static <V> StoreBuilder<?> keyValueStore(MonitorSettings options, String name, Serde<V> serde) {
        KeyValueBytesStoreSupplier bytes =
                options.persistentState() ? Stores.persistentKeyValueStore(name) : Stores.inMemoryKeyValueStore(name);
        return Stores.keyValueStoreBuilder(bytes, Serdes.String(), serde).withCachingEnabled();
    }

    private static StoreBuilder<?> recentPredictionsStore(MonitorSettings options, long windowMs) {
        Duration retention = options.recentPredictions();
        WindowBytesStoreSupplier bytes = options.persistentState()
                ? Stores.persistentWindowStore(
                        MonitorStores.RECENT_PREDICTIONS, retention, Duration.ofMillis(windowMs), false)
                : Stores.inMemoryWindowStore(
                        MonitorStores.RECENT_PREDICTIONS, retention, Duration.ofMillis(windowMs), false);
        return Stores.windowStoreBuilder(bytes, Serdes.String(), AvroSerdes.prediction(AvroEncoding.BINARY))
                .withLoggingDisabled();
    }

    private static <V> StoreBuilder<?> windowStore(
            MonitorSettings options, WindowedAggregate<String, V> aggregate, Resolution resolution) {
        String name = aggregate.storeName(resolution);
        WindowBytesStoreSupplier bytes = options.persistentState()
                ? Stores.persistentWindowStore(name, options.retention(), resolution.size(), false)
                : Stores.inMemoryWindowStore(name, options.retention(), resolution.size(), false);
        // The cache absorbs the many updates of the current window between commits.
        return Stores.windowStoreBuilder(bytes, aggregate.keySerde(), aggregate.valueSerde())
                .withCachingEnabled();
    }

    private static StoreBuilder<?> planStore(MonitorSettings options) {
        KeyValueBytesStoreSupplier bytes = options.persistentState()
                ? Stores.persistentKeyValueStore(MonitorStores.PLANS)
                : Stores.inMemoryKeyValueStore(MonitorStores.PLANS);
        return Stores.<Long, PlacementPlan>keyValueStoreBuilder(
                bytes, Serdes.Long(), AvroSerdes.placementPlan(AvroEncoding.BINARY));
    }

    /** The serde of the shadow pairs, which the job writes in {@code topics.encoding} like its other control records. */
    static Serde<ShadowPair> shadowPairs(AvroEncoding encoding) {
        AvroCodec<ShadowPair> codec = AvroCodec.of(ShadowPair.class, encoding);
        return Serdes.serdeFrom(
                (Serializer<ShadowPair>) (topic, pair) -> pair == null ? null : codec.encode(pair),
                (Deserializer<ShadowPair>) (topic, data) -> data == null ? null : codec.decode(data));
    }

    private static AutoOffsetReset offsetReset(MonitorSettings options) {
        return switch (options.startFrom()) {
            case EARLIEST -> AutoOffsetReset.earliest();
            case LATEST -> AutoOffsetReset.latest();
            case RETENTION -> AutoOffsetReset.byDuration(options.retention());
        };
    }
}
