package io.polyroute.monitor;

import io.polyroute.avro.PlacementPlan;
import io.polyroute.job.control.PlanCodec;
import io.polyroute.monitor.processor.DeadLetterProcessor;
import io.polyroute.monitor.processor.LatencyProcessor;
import io.polyroute.monitor.processor.LoadReportProcessor;
import io.polyroute.monitor.processor.PlanHistoryProcessor;
import io.polyroute.monitor.processor.RecordTimes;
import io.polyroute.monitor.processor.RoutedLoadProcessor;
import io.polyroute.monitor.processor.SourceStatsProcessor;
import io.polyroute.monitor.processor.ThroughputProcessor;
import io.polyroute.schemas.AvroEncoding;
import io.polyroute.schemas.AvroSerdes;
import java.time.Duration;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.AutoOffsetReset;
import org.apache.kafka.streams.Topology;
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
 * predictions     -> throughput, latency, routed-load, sources  (window stores, 1 s and 1 min)
 * polyroute.load  -> reported-load                              (window stores, 1 s and 1 min)
 * polyroute.dlq   -> dead-letters                               (window stores, 1 s and 1 min)
 * polyroute.plans -> plans                                      (key-value store, latest N)
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

    private MonitorTopology() {}

    /** Builds the topology for the topics, windows and rules of {@code options}. */
    public static Topology build(MonitorSettings options) {
        Topology topology = new Topology();
        AvroEncoding encoding = options.encoding();
        AutoOffsetReset reset = offsetReset(options);
        Deserializer<byte[]> keys = Serdes.ByteArray().deserializer();
        Duration retention = options.retention();

        topology.addSource(
                reset,
                PREDICTIONS_SOURCE,
                RecordTimes.prediction(),
                keys,
                AvroSerdes.prediction(encoding).deserializer(),
                options.predictionsTopic());
        addWindowed(
                topology,
                options,
                "throughput",
                MonitorStores.THROUGHPUT,
                PREDICTIONS_SOURCE,
                () -> new ThroughputProcessor(retention));
        addWindowed(
                topology,
                options,
                "latency",
                MonitorStores.LATENCY,
                PREDICTIONS_SOURCE,
                () -> new LatencyProcessor(retention));
        addWindowed(
                topology,
                options,
                "routed-load",
                MonitorStores.ROUTED_LOAD,
                PREDICTIONS_SOURCE,
                () -> new RoutedLoadProcessor(retention));
        addWindowed(
                topology,
                options,
                "sources",
                MonitorStores.SOURCES,
                PREDICTIONS_SOURCE,
                () -> new SourceStatsProcessor(retention, options.anomalyOutputIndex(), options.anomalyThreshold()));

        topology.addSource(
                reset,
                LOAD_SOURCE,
                RecordTimes.expertLoad(),
                keys,
                AvroSerdes.expertLoad(encoding).deserializer(),
                options.loadTopic());
        addWindowed(
                topology,
                options,
                "load-reports",
                MonitorStores.REPORTED_LOAD,
                LOAD_SOURCE,
                () -> new LoadReportProcessor(retention));

        topology.addSource(
                reset,
                DEAD_LETTER_SOURCE,
                RecordTimes.deadLetter(),
                keys,
                AvroSerdes.deadLetter(encoding).deserializer(),
                options.deadLetterTopic());
        addWindowed(
                topology,
                options,
                "dead-letters",
                MonitorStores.DEAD_LETTERS,
                DEAD_LETTER_SOURCE,
                () -> new DeadLetterProcessor(retention));

        topology.addSource(
                reset,
                PLANS_SOURCE,
                RecordTimes.placementPlan(),
                keys,
                // Plans are plain binary whatever topics.encoding says: the job, `polyroute plan` and
                // the monitor read and write them through PlanCodec, which also reads older plans.
                (Deserializer<PlacementPlan>) (topic, data) -> PlanCodec.decodeAvro(data),
                options.plansTopic());
        ProcessorSupplier<byte[], PlacementPlan, Void, Void> planHistory =
                () -> new PlanHistoryProcessor(options.planHistory());
        topology.addProcessor("plan-history", planHistory, PLANS_SOURCE);
        topology.addStateStore(planStore(options), "plan-history");
        return topology;
    }

    private static <V, T> void addWindowed(
            Topology topology,
            MonitorSettings options,
            String processorName,
            WindowedAggregate<String, V> aggregate,
            String source,
            ProcessorSupplier<byte[], T, Void, Void> supplier) {
        topology.addProcessor(processorName, supplier, source);
        for (Resolution resolution : Resolution.values()) {
            topology.addStateStore(windowStore(options, aggregate, resolution), processorName);
        }
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

    private static AutoOffsetReset offsetReset(MonitorSettings options) {
        return switch (options.startFrom()) {
            case EARLIEST -> AutoOffsetReset.earliest();
            case LATEST -> AutoOffsetReset.latest();
            case RETENTION -> AutoOffsetReset.byDuration(options.retention());
        };
    }
}
