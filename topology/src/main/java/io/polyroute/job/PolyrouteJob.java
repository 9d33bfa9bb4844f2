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
package io.polyroute.job;

import io.polyroute.job.bundle.BundleCache;
import io.polyroute.job.config.BatchTransport;
import io.polyroute.job.config.BatchingOptions;
import io.polyroute.job.config.BundleOptions;
import io.polyroute.job.config.CombineOptions;
import io.polyroute.job.config.DedupeOptions;
import io.polyroute.job.config.DedupeScope;
import io.polyroute.job.config.InputOptions;
import io.polyroute.job.config.InputStart;
import io.polyroute.job.config.JobConfig;
import io.polyroute.job.config.JobMode;
import io.polyroute.job.config.JobOptions;
import io.polyroute.job.config.KafkaOptions;
import io.polyroute.job.config.OutputOptions;
import io.polyroute.job.config.RebalanceOptions;
import io.polyroute.job.config.RolloutOptions;
import io.polyroute.job.config.StateBackendKind;
import io.polyroute.job.config.TopicEncoding;
import io.polyroute.job.config.TopicsOptions;
import io.polyroute.job.control.LoadReport;
import io.polyroute.job.control.PlanFilter;
import io.polyroute.job.control.PlanFilterFunction;
import io.polyroute.job.control.PlanOrigin;
import io.polyroute.job.control.RebalanceFunction;
import io.polyroute.job.control.RebalanceSettings;
import io.polyroute.job.io.DeadLetterSerializer;
import io.polyroute.job.io.LoadReportSerializer;
import io.polyroute.job.io.PlanSerializer;
import io.polyroute.job.io.PredictionSerializer;
import io.polyroute.job.io.RawRecordDeserializer;
import io.polyroute.job.io.TopicFormats;
import io.polyroute.job.model.ExpertResult;
import io.polyroute.job.model.ExpertResultBatch;
import io.polyroute.job.model.ExpertTask;
import io.polyroute.job.model.ExpertTaskBatch;
import io.polyroute.job.model.InFlight;
import io.polyroute.job.model.InFlightBatch;
import io.polyroute.job.model.RawRecord;
import io.polyroute.job.model.RecordHeader;
import io.polyroute.job.model.Rejected;
import io.polyroute.job.operators.CombineBatchOperator;
import io.polyroute.job.operators.CombineFunction;
import io.polyroute.job.operators.ControlInput;
import io.polyroute.job.operators.DeadLetters;
import io.polyroute.job.operators.DecodeBatchOperator;
import io.polyroute.job.operators.DecodeValidateFunction;
import io.polyroute.job.operators.DedupeBatchOperator;
import io.polyroute.job.operators.DedupeFunction;
import io.polyroute.job.operators.EventKey;
import io.polyroute.job.operators.ExpertOperator;
import io.polyroute.job.operators.FusedOperator;
import io.polyroute.job.operators.GateOperator;
import io.polyroute.job.operators.InputContract;
import io.polyroute.job.operators.LoadReports;
import io.polyroute.job.operators.PartRouting;
import io.polyroute.job.operators.PartitionDedupeFunction;
import io.polyroute.job.operators.ShadowCopies;
import io.polyroute.job.operators.StageOpener;
import io.polyroute.job.rollout.KeyedBytes;
import io.polyroute.job.rollout.KeyedBytesSerializer;
import io.polyroute.job.rollout.RolloutMessages;
import io.polyroute.job.rollout.RolloutOutputs;
import io.polyroute.job.rollout.RolloutSettings;
import io.polyroute.runtime.bundle.ModelBundle;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamUtils;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Builds Polyroute's Flink job (docs/design.md §1): Kafka source → decode and validate → dedupe by event
 * id → per stage GATE → partition by slot → EXPERT → key by event id → COMBINE (or one FUSED
 * operator) → transactional Kafka sink of predictions; every refused record goes to the
 * transactional dead-letter sink.
 *
 * <pre>{@code
 * StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
 * PolyrouteJob.build(env, config, BundleLoader.load(path));
 * env.execute("polyroute");
 * }</pre>
 */
public final class PolyrouteJob {
    /**
     * Producer settings the sinks use unless {@code kafka.properties.*} sets them: 256 KiB batches
     * and up to 20 ms of lingering. Kafka's defaults (16 KiB, 5 ms) cost the light benchmark a third
     * more CPU per record; a transaction's commit at each checkpoint flushes whatever lingers, so
     * read_committed consumers see no extra delay beyond the checkpoint interval.
     */
    public static final Map<String, String> PRODUCER_DEFAULTS = Map.of("batch.size", "262144", "linger.ms", "20");

    private PolyrouteJob() {}

    /** Adds the job to {@code env}: the production layout, with no hooks. */
    public static void build(StreamExecutionEnvironment env, JobConfig config, ModelBundle bundle) {
        build(env, config, bundle, JobHooks.NONE);
    }

    /**
     * Adds the job to {@code env} with {@code hooks} applied; {@link JobHooks#NONE} gives the
     * production job. For tests that need to act on the finished records, e.g. to inject a failure.
     */
    public static void build(StreamExecutionEnvironment env, JobConfig given, ModelBundle bundle, JobHooks hooks) {
        Objects.requireNonNull(hooks, "hooks");
        JobConfig config = withClusterSettings(env, given);
        env.enableCheckpointing(config.get(JobOptions.CHECKPOINT_INTERVAL).toMillis(), CheckpointingMode.EXACTLY_ONCE);
        config.getOptional(JobOptions.CHECKPOINT_DIR).ifPresent(dir -> env.configure(checkpointStorage(dir)));
        stateBackend(env, config).ifPresent(env::configure);
        // Keep the last checkpoint when the job is cancelled, so `polyroute run --from-latest-checkpoint`
        // can resume from it.
        Configuration retention = new Configuration();
        retention.set(
                CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
                ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        env.configure(retention);
        env.setParallelism(config.get(JobOptions.PARALLELISM));
        env.setBufferTimeout(config.get(JobOptions.BUFFER_TIMEOUT).toMillis());
        // Chained operators hand records over without a deep copy. Safe here: every operator either
        // passes on a record it received without touching it again, or owns it (buffered batches
        // mutate records only after taking them from their input, and nothing downstream keeps them).
        env.getConfig().enableObjectReuse();
        TopicFormats formats = TopicFormats.resolve(config);
        // A bundle.path URI is fetched by every TaskManager itself; a local folder is the one validated.
        StageOpener opener = new StageOpener(
                config.getOptional(BundleOptions.PATH)
                        .filter(BundleCache::isUri)
                        .orElse(bundle.root().toString()),
                RuntimeSettings.from(config));

        DataStream<RawRecord> raw = env.fromSource(source(config), WatermarkStrategy.noWatermarks(), "kafka-sensors")
                .uid("kafka-sensors");
        InputContract contract = new InputContract(
                bundle.inputDim(),
                List.copyOf(bundle.tasks()),
                bundle.routesOnTask(),
                config.get(InputOptions.MAX_RECORD_BYTES));
        DecodeValidateFunction decode = formats.input() == TopicEncoding.CONFLUENT
                ? new DecodeValidateFunction(contract, formats.registry())
                : new DecodeValidateFunction(
                        contract, formats.input().avro(TopicsOptions.ENCODING_INPUT.key(), "the job"));
        List<DataStream<Rejected>> rejected = new ArrayList<>();
        boolean dedupe = !config.get(DedupeOptions.HORIZON).isZero();
        DataStream<InFlight> unique;
        if (dedupe
                && config.get(DedupeOptions.SCOPE) == DedupeScope.GLOBAL
                && config.get(BatchingOptions.TRANSPORT) == BatchTransport.BATCH) {
            unique = batchedDedupe(env, config, raw, decode, rejected);
        } else {
            SingleOutputStreamOperator<InFlight> decoded = raw.process(decode, TypeInformation.of(InFlight.class))
                    .name("decode-validate")
                    .uid("decode-validate");
            rejected.add(decoded.getSideOutput(DeadLetters.TAG));
            unique = decoded;
            if (dedupe) {
                // Partition scope: chained to decode, no shuffle, state per Kafka partition (its own uid, as
                // its state is not the keyed table of the global scope).
                SingleOutputStreamOperator<InFlight> deduped = config.get(DedupeOptions.SCOPE) == DedupeScope.PARTITION
                        ? decoded.process(
                                        new PartitionDedupeFunction(config.get(DedupeOptions.HORIZON)),
                                        TypeInformation.of(InFlight.class))
                                .name("dedupe")
                                .uid("dedupe-partition")
                        : decoded.keyBy(r -> EventKey.of(r.eventId), EventKey.TYPE)
                                .process(
                                        new DedupeFunction(config.get(DedupeOptions.HORIZON)),
                                        TypeInformation.of(InFlight.class))
                                .name("dedupe")
                                .uid("dedupe");
                rejected.add(deduped.getSideOutput(DeadLetters.TAG));
                unique = deduped;
            }
        }

        DataStream<InFlight> done = config.get(JobOptions.MODE) == JobMode.FUSED
                ? fused(config, opener, unique, rejected)
                : expertParallel(config, formats, opener, bundle, unique, rejected);

        hooks.beforePredictionSink(done)
                .sinkTo(predictionSink(config, bundle, formats))
                .name("kafka-predictions")
                .uid("kafka-predictions");
        DataStream<Rejected> dlq = rejected.get(0);
        for (int i = 1; i < rejected.size(); i++) {
            dlq = dlq.union(rejected.get(i));
        }
        dlq.sinkTo(deadLetterSink(config, formats)).name("kafka-dlq").uid("kafka-dlq");
    }

    /**
     * Decode and global dedupe with batches across the shuffle: decode-validate groups the accepted
     * records by the dedupe subtask that owns their event id's key group and sends one batch per
     * subtask; a custom partitioner delivers each batch to its subtask, and the dedupe operator,
     * keyed by the same 128-bit key as the record-by-record layout (same uid and state), sets each
     * record's key before touching its state. The identity step keeps the custom partitioning from
     * being replaced by the forward partitioning that reinterpretAsKeyedStream adds; routing and the
     * keyed operator share one explicit max parallelism (the number of key groups).
     */
    private static DataStream<InFlight> batchedDedupe(
            StreamExecutionEnvironment env,
            JobConfig config,
            DataStream<RawRecord> raw,
            DecodeValidateFunction decode,
            List<DataStream<Rejected>> rejected) {
        int maxParallelism = dedupeMaxParallelism(env);
        SingleOutputStreamOperator<InFlightBatch> decoded = raw.transform(
                        "decode-validate",
                        TypeInformation.of(InFlightBatch.class),
                        new DecodeBatchOperator(
                                decode,
                                maxParallelism,
                                config.get(BatchingOptions.SHUFFLE_SIZE),
                                config.get(BatchingOptions.SHUFFLE_MAX_DELAY).toMillis()))
                .uid("decode-validate");
        rejected.add(decoded.getSideOutput(DeadLetters.TAG));
        SingleOutputStreamOperator<InFlightBatch> routed = decoded.partitionCustom(
                        new DecodeBatchOperator.Routing(), new DecodeBatchOperator.Whole())
                .map(b -> b, TypeInformation.of(InFlightBatch.class))
                .name("dedupe-in")
                .uid("dedupe-in")
                .setMaxParallelism(maxParallelism);
        SingleOutputStreamOperator<InFlight> deduped = DataStreamUtils.reinterpretAsKeyedStream(
                        routed, new DecodeBatchOperator.FirstKey(), EventKey.TYPE)
                .transform(
                        "dedupe",
                        TypeInformation.of(InFlight.class),
                        new DedupeBatchOperator(config.get(DedupeOptions.HORIZON), maxParallelism))
                .uid("dedupe")
                .setMaxParallelism(maxParallelism);
        rejected.add(deduped.getSideOutput(DeadLetters.TAG));
        return deduped;
    }

    /**
     * The dedupe operator's max parallelism: {@code pipeline.max-parallelism} when set, otherwise
     * the default Flink derives from the parallelism (at least 128), the value a keyed dedupe of
     * the same parallelism had before, so its state restores.
     */
    static int dedupeMaxParallelism(StreamExecutionEnvironment env) {
        return PartRouting.keyedMaxParallelism(env.getConfig().getMaxParallelism(), env.getParallelism());
    }

    /**
     * The state backend settings of {@code job.state-backend}: applied when the option is set, and on
     * local runs; unset in a cluster, the cluster's {@code state.backend.type} stays in force. The
     * embedded backends checkpoint incrementally.
     */
    static Optional<Configuration> stateBackend(StreamExecutionEnvironment env, JobConfig config) {
        boolean local = env instanceof org.apache.flink.streaming.api.environment.LocalStreamEnvironment
                || env instanceof org.apache.flink.streaming.api.environment.RemoteStreamEnvironment;
        if (!local && !config.explicitValues().containsKey(JobOptions.STATE_BACKEND.key())) {
            return Optional.empty();
        }
        StateBackendKind kind = config.get(JobOptions.STATE_BACKEND);
        Configuration c = new Configuration();
        c.set(StateBackendOptions.STATE_BACKEND, kind.flinkName());
        c.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, kind.incremental());
        return Optional.of(c);
    }

    /** File-system checkpoint storage in {@code dir}. */
    public static Configuration checkpointStorage(String dir) {
        Configuration c = new Configuration();
        c.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
        c.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, dir);
        return c;
    }

    private static DataStream<InFlight> fused(
            JobConfig config, StageOpener opener, DataStream<InFlight> in, List<DataStream<Rejected>> rejected) {
        SingleOutputStreamOperator<InFlight> out;
        if (!config.get(RolloutOptions.ENABLED)) {
            out = in.transform(
                            "fused",
                            TypeInformation.of(InFlight.class),
                            new FusedOperator(opener, OperatorSettings.fused(config)))
                    .uid("fused");
        } else {
            // Rollout commands reach every fused subtask (docs/rollouts.md).
            out = in.connect(rolloutCommands(in.getExecutionEnvironment(), config)
                            .broadcast())
                    .transform(
                            "fused",
                            TypeInformation.of(InFlight.class),
                            new FusedOperator(opener, OperatorSettings.fused(config), rolloutSettings(config, null)))
                    .uid("fused");
            rolloutStatusSink(config, out.getSideOutput(RolloutOutputs.STATUS));
            shadowSink(config, out.getSideOutput(RolloutOutputs.SHADOW));
        }
        rejected.add(out.getSideOutput(DeadLetters.TAG));
        return out;
    }

    /**
     * One source of truth for parallelism and checkpointing: a {@code job.parallelism} or
     * {@code job.checkpoint-interval} set in the job file or with {@code --set} wins; left unset, a
     * job submitted into a cluster ({@code flink run}, application mode, a FlinkDeployment) takes
     * the cluster's {@code parallelism.default} (or {@code -p}, or the FlinkDeployment's
     * {@code job.parallelism}) and {@code execution.checkpointing.interval}. Local runs and
     * {@code --jobmanager} submissions, which have no cluster configuration of their own here, use
     * the options' defaults.
     */
    static JobConfig withClusterSettings(StreamExecutionEnvironment env, JobConfig config) {
        if (env instanceof org.apache.flink.streaming.api.environment.LocalStreamEnvironment
                || env instanceof org.apache.flink.streaming.api.environment.RemoteStreamEnvironment) {
            return config;
        }
        JobConfig out = config;
        java.util.Map<String, String> explicit = config.explicitValues();
        if (!explicit.containsKey(JobOptions.PARALLELISM.key()) && env.getParallelism() > 0) {
            out = out.with(JobOptions.PARALLELISM.key(), String.valueOf(env.getParallelism()));
        }
        long interval = env.getCheckpointConfig().getCheckpointInterval();
        if (!explicit.containsKey(JobOptions.CHECKPOINT_INTERVAL.key()) && interval > 0) {
            out = out.with(JobOptions.CHECKPOINT_INTERVAL.key(), interval + " ms");
        }
        return out;
    }

    private static RolloutSettings rolloutSettings(JobConfig config, String refusal) {
        java.util.Map<String, String> client = new java.util.HashMap<>();
        config.kafkaClientProperties().forEach((k, v) -> client.put(k.toString(), v.toString()));
        return new RolloutSettings(
                config.get(JobOptions.NAME),
                TopicsOptions.encoding(config, TopicsOptions.ENCODING_CONTROL)
                        .avro(TopicsOptions.ENCODING_CONTROL.key(), "the rollout topics"),
                refusal,
                // The serving subtasks vote on the topic they read commands from (docs/rollouts.md).
                RolloutOptions.topic(config),
                client,
                config.get(RolloutOptions.VOTE_TIMEOUT).toMillis());
    }

    private static DataStream<byte[]> rolloutCommands(StreamExecutionEnvironment env, JobConfig config) {
        return env.fromSource(rolloutSource(config), WatermarkStrategy.noWatermarks(), "kafka-rollouts")
                .setParallelism(1)
                .uid("kafka-rollouts");
    }

    /** Shadow pairs, exactly once: committed with the checkpoint that commits their predictions. */
    private static void shadowSink(JobConfig config, DataStream<KeyedBytes> pairs) {
        pairs.sinkTo(KafkaSinks.exactlyOnce(
                        config,
                        "shadow",
                        RolloutOptions.shadowTopic(config),
                        new KeyedBytesSerializer(RolloutOptions.shadowTopic(config))))
                .name("kafka-shadow")
                .uid("kafka-shadow");
    }

    private static void rolloutStatusSink(JobConfig config, DataStream<KeyedBytes> statuses) {
        statuses.sinkTo(KafkaSinks.atLeastOnce(config, new KeyedBytesSerializer(RolloutOptions.statusTopic(config))))
                .name("kafka-rollout-status")
                .uid("kafka-rollout-status");
    }

    /**
     * Rollout commands and the serving subtasks' votes ({@link RolloutMessages}) from where a restore
     * left them; a job started without a checkpoint reads the records published since it was built,
     * so it serves bundle.path until a new command arrives.
     */
    private static KafkaSource<byte[]> rolloutSource(JobConfig config) {
        var builder = KafkaSource.<byte[]>builder()
                .setBootstrapServers(config.get(KafkaOptions.BOOTSTRAP_SERVERS))
                .setTopics(RolloutOptions.topic(config))
                .setGroupId(config.get(JobOptions.NAME) + "-rollouts")
                .setStartingOffsets(OffsetsInitializer.timestamp(System.currentTimeMillis()))
                .setDeserializer(new RolloutMessages.Deserializer())
                .setProperties(clientProperties(config));
        if (config.get(InputOptions.BOUNDED)) {
            builder.setBounded(OffsetsInitializer.latest());
        }
        return builder.build();
    }

    /**
     * One expert-parallel stage with one element per task, header and result across its shuffles
     * ({@code batching.transport=record}).
     */
    private static SingleOutputStreamOperator<InFlight> recordStage(
            JobConfig config,
            ModelBundle bundle,
            StageOpener opener,
            int s,
            DataStream<InFlight> stream,
            DataStream<byte[]> control,
            RolloutSettings chooser,
            DataStream<byte[]> plans,
            CombineFunction combine,
            List<DataStream<Rejected>> rejected,
            List<DataStream<LoadReport>> loads) {
        SingleOutputStreamOperator<ExpertTask> gate = stream.connect(control)
                .transform(
                        "gate-" + s,
                        TypeInformation.of(ExpertTask.class),
                        GateOperator.records(opener, OperatorSettings.gate(config, bundle, s), chooser))
                .uid("gate-" + s);
        gateOutputs(config, gate, chooser, rejected, loads);
        SingleOutputStreamOperator<ExpertResult> results = gate.partitionCustom(
                        (Integer slot, int n) -> Math.floorMod(slot, n), ExpertTask::slot)
                .connect(plans.broadcast())
                .transform(
                        "expert-" + s,
                        TypeInformation.of(ExpertResult.class),
                        ExpertOperator.records(opener, OperatorSettings.expert(config, bundle, s)))
                .setParallelism(config.get(JobOptions.SLOTS))
                .uid("expert-" + s);
        loads.add(results.getSideOutput(LoadReports.TAG));
        DataStream<RecordHeader> headers = gate.getSideOutput(GateOperator.HEADERS);
        // During a shadow a record and its shadow copy meet at one COMBINE subtask: both are keyed
        // by the record's event id (ShadowCopies).
        return results.keyBy(r -> ShadowCopies.key(r.eventId()), Types.STRING)
                .connect(headers.keyBy(h -> ShadowCopies.key(h.eventId()), Types.STRING))
                .process(combine, TypeInformation.of(InFlight.class))
                .name("combine-" + s)
                .uid("combine-" + s);
    }

    /**
     * One expert-parallel stage with batches across its shuffles ({@code batching.transport=batch}):
     * GATE sends, per flush, one batch of tasks per EXPERT subtask and one batch of headers per
     * COMBINE subtask; EXPERT answers each run of an expert with one batch of results per COMBINE
     * subtask; COMBINE (same uid, keyed state and timers as the record layout) takes each element
     * under its own key. Headers and results are grouped by the COMBINE subtask that owns their key's
     * key group, under one explicit max parallelism shared by the grouping and COMBINE.
     */
    private static SingleOutputStreamOperator<InFlight> batchedStage(
            JobConfig config,
            ModelBundle bundle,
            StageOpener opener,
            int s,
            DataStream<InFlight> stream,
            DataStream<byte[]> control,
            RolloutSettings chooser,
            DataStream<byte[]> plans,
            CombineFunction combine,
            List<DataStream<Rejected>> rejected,
            List<DataStream<LoadReport>> loads) {
        StreamExecutionEnvironment env = stream.getExecutionEnvironment();
        int combineMaxParallelism = PartRouting.combineMaxParallelism(env);
        SingleOutputStreamOperator<ExpertTaskBatch> gate = stream.connect(control)
                .transform(
                        "gate-" + s,
                        TypeInformation.of(ExpertTaskBatch.class),
                        GateOperator.batches(
                                opener, OperatorSettings.gate(config, bundle, s, combineMaxParallelism), chooser))
                .uid("gate-" + s);
        gateOutputs(config, gate, chooser, rejected, loads);
        SingleOutputStreamOperator<ExpertResultBatch> results = gate.partitionCustom(
                        new PartRouting.ToTarget<ExpertTaskBatch>("GATE -> EXPERT of stage " + s),
                        new PartRouting.Whole<ExpertTaskBatch>())
                .connect(plans.broadcast())
                .transform(
                        "expert-" + s,
                        TypeInformation.of(ExpertResultBatch.class),
                        ExpertOperator.batches(
                                opener, OperatorSettings.expert(config, bundle, s, combineMaxParallelism)))
                .setParallelism(config.get(JobOptions.SLOTS))
                .uid("expert-" + s);
        loads.add(results.getSideOutput(LoadReports.TAG));
        return CombineBatchOperator.wire(
                results,
                gate.getSideOutput(GateOperator.HEADER_BATCHES),
                combine,
                s,
                env.getParallelism(),
                combineMaxParallelism);
    }

    private static void gateOutputs(
            JobConfig config,
            SingleOutputStreamOperator<?> gate,
            RolloutSettings chooser,
            List<DataStream<Rejected>> rejected,
            List<DataStream<LoadReport>> loads) {
        if (chooser != null) {
            rolloutStatusSink(config, gate.getSideOutput(RolloutOutputs.STATUS));
        }
        rejected.add(gate.getSideOutput(DeadLetters.TAG));
        loads.add(gate.getSideOutput(LoadReports.TAG));
    }

    private static DataStream<InFlight> expertParallel(
            JobConfig config,
            TopicFormats formats,
            StageOpener opener,
            ModelBundle bundle,
            DataStream<InFlight> in,
            List<DataStream<Rejected>> rejected) {
        StreamExecutionEnvironment env = in.getExecutionEnvironment();
        boolean rollouts = config.get(RolloutOptions.ENABLED);
        // Plans (published by the rebalancer or pinned by hand) reach every GATE and EXPERT subtask.
        // Only plans for this job and bundle that fit its stages, experts and slots pass (PlanFilter).
        PlanFilter planFilter = planFilter(config, bundle);
        SingleOutputStreamOperator<byte[]> plans = env.fromSource(
                        planSource(config), WatermarkStrategy.noWatermarks(), "kafka-plans")
                .setParallelism(1)
                .uid("kafka-plans")
                .process(
                        new PlanFilterFunction(planFilter, TopicsOptions.plans(config)),
                        PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO)
                .setParallelism(1)
                .name("plan-filter")
                .uid("plan-filter");
        // With rollouts GATE and the rebalancer also take the plans of the other versions
        // (docs/rollouts.md); EXPERT hosts by the plans of the job's own bundle only.
        DataStream<byte[]> gatePlans =
                rollouts ? plans.union(plans.getSideOutput(PlanFilterFunction.OTHER_VERSIONS)) : plans;
        // With rollouts the first stage's GATE chooses every record's version (docs/rollouts.md): it
        // reads the commands, tagged, on the broadcast input that carries its plans.
        DataStream<byte[]> firstControl = !rollouts
                ? gatePlans
                : gatePlans
                        .map(ControlInput::plan, PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO)
                        .setParallelism(1)
                        .name("plans-tagged")
                        .uid("plans-tagged")
                        .union(rolloutCommands(env, config)
                                .map(ControlInput::rollout, PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO)
                                .setParallelism(1)
                                .name("rollouts-tagged")
                                .uid("rollouts-tagged"));
        List<DataStream<LoadReport>> loads = new ArrayList<>();
        DataStream<InFlight> stream = in;
        for (int s = 0; s < bundle.stageCount(); s++) {
            boolean chooses = rollouts && s == 0;
            DataStream<byte[]> control = (chooses ? firstControl : gatePlans).broadcast();
            RolloutSettings chooser = chooses ? rolloutSettings(config, null) : null;
            CombineFunction combine = new CombineFunction(
                    opener,
                    s,
                    config.get(CombineOptions.TIMEOUT),
                    rollouts ? rolloutSettings(config, null).encoding() : null);
            SingleOutputStreamOperator<InFlight> combined = config.get(BatchingOptions.TRANSPORT)
                            == BatchTransport.BATCH
                    ? batchedStage(config, bundle, opener, s, stream, control, chooser, plans, combine, rejected, loads)
                    : recordStage(config, bundle, opener, s, stream, control, chooser, plans, combine, rejected, loads);
            rejected.add(combined.getSideOutput(DeadLetters.TAG));
            if (rollouts && s == bundle.stageCount() - 1) {
                shadowSink(config, combined.getSideOutput(RolloutOutputs.SHADOW));
            }
            stream = combined;
        }
        DataStream<LoadReport> load = loads.get(0);
        for (int i = 1; i < loads.size(); i++) {
            load = load.union(loads.get(i));
        }
        load.sinkTo(KafkaSinks.atLeastOnce(
                        config,
                        new LoadReportSerializer(TopicsOptions.load(config), formats.control(), formats.controlId())))
                .name("kafka-load")
                .uid("kafka-load");
        if (config.get(RebalanceOptions.ENABLED)) {
            RebalanceSettings settings = OperatorSettings.rebalance(config, bundle);
            load.keyBy(r -> 0)
                    .connect(gatePlans.keyBy(p -> 0))
                    .process(
                            new RebalanceFunction(settings, planFilter.origin()),
                            PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO)
                    .setParallelism(1)
                    .name("rebalancer")
                    .uid("rebalancer")
                    .sinkTo(KafkaSinks.exactlyOnce(
                            config,
                            "plans",
                            TopicsOptions.plans(config),
                            new PlanSerializer(TopicsOptions.plans(config))))
                    .setParallelism(1)
                    .name("kafka-plans-out")
                    .uid("kafka-plans-out");
        }
        return stream;
    }

    /** What the rebalancer of this job and bundle plans with. */
    public static RebalanceSettings rebalanceSettings(JobConfig config, ModelBundle bundle) {
        return OperatorSettings.rebalance(config, bundle);
    }

    /** The one check of which plans this job follows: its name, its bundle, its stages, experts and slots. */
    public static PlanFilter planFilter(JobConfig config, ModelBundle bundle) {
        List<Integer> experts = new ArrayList<>();
        bundle.stages().forEach(st -> experts.add(st.expertCount()));
        return new PlanFilter(
                new PlanOrigin(config.get(JobOptions.NAME), bundle.name(), bundle.version()),
                experts,
                config.get(JobOptions.SLOTS),
                config.get(RolloutOptions.ENABLED));
    }

    private static KafkaSource<byte[]> planSource(JobConfig config) {
        var builder = KafkaSource.<byte[]>builder()
                .setBootstrapServers(config.get(KafkaOptions.BOOTSTRAP_SERVERS))
                .setTopics(TopicsOptions.plans(config))
                .setGroupId(config.get(JobOptions.NAME) + "-plans")
                .setStartingOffsets(OffsetsInitializer.earliest())
                .setDeserializer(KafkaRecordDeserializationSchema.valueOnly(ByteArrayDeserializer.class))
                .setProperties(clientProperties(config));
        if (config.get(InputOptions.BOUNDED)) {
            builder.setBounded(OffsetsInitializer.latest());
        }
        return builder.build();
    }

    private static KafkaSource<RawRecord> source(JobConfig config) {
        var builder = KafkaSource.<RawRecord>builder()
                .setBootstrapServers(config.get(KafkaOptions.BOOTSTRAP_SERVERS))
                .setTopics(config.get(TopicsOptions.INPUT))
                .setGroupId(config.get(JobOptions.NAME))
                .setStartingOffsets(startingOffsets(InputStart.parse(config.get(InputOptions.START))))
                .setDeserializer(new RawRecordDeserializer())
                .setProperties(clientProperties(config));
        if (config.get(InputOptions.BOUNDED)) {
            builder.setBounded(OffsetsInitializer.latest());
        }
        return builder.build();
    }

    /** The source's starting offsets for {@code input.start}; a restore ignores them. */
    static OffsetsInitializer startingOffsets(InputStart start) {
        return switch (start.kind()) {
            case COMMITTED -> OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
            case COMMITTED_OR_LATEST -> OffsetsInitializer.committedOffsets(OffsetResetStrategy.LATEST);
            case EARLIEST -> OffsetsInitializer.earliest();
            case LATEST -> OffsetsInitializer.latest();
            case TIMESTAMP -> OffsetsInitializer.timestamp(start.timestampMillis());
        };
    }

    private static KafkaSink<InFlight> predictionSink(JobConfig config, ModelBundle bundle, TopicFormats formats) {
        return KafkaSinks.exactlyOnce(
                config,
                "predictions",
                config.get(TopicsOptions.OUTPUT),
                new PredictionSerializer(
                                config.get(TopicsOptions.OUTPUT),
                                bundle.name(),
                                bundle.version(),
                                formats.output(),
                                formats.outputId())
                        .keyedBy(config.get(OutputOptions.KEY))
                        .withOutputNames(bundle.manifest().outputNames()));
    }

    private static KafkaSink<Rejected> deadLetterSink(JobConfig config, TopicFormats formats) {
        return KafkaSinks.exactlyOnce(
                config,
                "dlq",
                config.get(TopicsOptions.DLQ),
                new DeadLetterSerializer(config.get(TopicsOptions.DLQ), formats.dlq(), formats.dlqId()));
    }

    private static Properties clientProperties(JobConfig config) {
        Properties p = config.kafkaClientProperties();
        p.putIfAbsent("isolation.level", "read_committed");
        return p;
    }
}
