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

import static org.assertj.core.api.Assertions.assertThat;

import io.polyroute.avro.DeadLetter;
import io.polyroute.avro.DeadLetterReason;
import io.polyroute.avro.ExpertChoice;
import io.polyroute.avro.Prediction;
import io.polyroute.avro.SensorReading;
import io.polyroute.job.config.JobConfig;
import io.polyroute.job.model.InFlight;
import io.polyroute.kit.synthetic.SyntheticBundleBuilder;
import io.polyroute.runtime.bundle.ModelBundle;
import io.polyroute.runtime.eval.ReferenceModel;
import io.polyroute.testing.JobHarness;
import io.polyroute.testing.KafkaBrokerExtension;
import io.polyroute.testing.LeakCheckExtension;
import io.polyroute.testing.Poll;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Exactly once through a failure, in both execution modes (docs/design.md §7). The job serves 20,000
 * records while, once a checkpoint has committed part of its output, either an operator after the
 * model throws once, or the only TaskManager is terminated and a fresh one started. After the job
 * has recovered and finished, the committed predictions (read_committed) hold every event id
 * exactly once, each equal to what an uninterrupted fused run produced (same experts, outputs
 * within 1e-6 relative error) and to reference.onnx within its tolerance. The input also holds
 * undecodable records and replays of earlier readings: each is exactly one dead letter.
 */
@Timeout(300)
@ExtendWith(LeakCheckExtension.class)
class ExactlyOnceRecoveryITCase {
    private static final int RECORDS = 20_000;
    /** After every this many readings the input holds an undecodable record and a replay of the last reading. */
    private static final int BAD_EVERY = 500;

    private static final double SAME_AS_UNINTERRUPTED = 1e-6;
    private static final Duration DEADLINE = Duration.ofSeconds(120);

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(2)
            .build());

    @TempDir
    static Path bundles;

    private static ModelBundle bundle;
    private static List<SensorReading> readings;
    private static String input;
    /** Where each bad record of the input landed, and the reason it must be refused with. */
    private static Map<List<Long>, DeadLetterReason> badRecords;
    /**
     * Predictions of one uninterrupted run in fused mode, the baseline of both modes (docs/design.md §1:
     * both produce the same predictions).
     */
    private static Map<String, Prediction> uninterrupted;
    /** The MiniCluster numbers TaskManagers in start order and never reuses a number. */
    private static int liveTaskManager = 0;

    @BeforeAll
    static void writeInput() throws Exception {
        bundle = SyntheticBundleBuilder.create()
                .inputDim(16)
                .hidden(32)
                .experts(8)
                .topK(2)
                .seed(21)
                .build(bundles.resolve("ws"));
        readings = JobHarness.randomReadings("eo", RECORDS, bundle.inputDim(), List.of(), 21);
        input = KAFKA.createRandomTopic("sensors", 2);
        List<byte[]> values = JobHarness.encode(readings);
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        List<DeadLetterReason> reasons = new ArrayList<>();
        for (int i = 0; i < RECORDS; i++) {
            // A replay must land in its original's partition, after it, to be the one refused.
            int partition = i % 2;
            records.add(new ProducerRecord<>(input, partition, null, values.get(i)));
            reasons.add(null);
            if (i % BAD_EVERY == BAD_EVERY - 1) {
                records.add(new ProducerRecord<>(input, partition, null, new byte[] {1, 2, 3}));
                reasons.add(DeadLetterReason.UNDECODABLE);
                records.add(new ProducerRecord<>(input, partition, null, values.get(i)));
                reasons.add(DeadLetterReason.DUPLICATE);
            }
        }
        List<RecordMetadata> landed = KAFKA.produce(records);
        badRecords = new HashMap<>();
        for (int i = 0; i < landed.size(); i++) {
            if (reasons.get(i) != null) {
                badRecords.put(
                        List.of((long) landed.get(i).partition(), landed.get(i).offset()), reasons.get(i));
            }
        }
        Run baseline = new Run("fused");
        JobHarness.runBounded(baseline.config, bundle);
        uninterrupted = JobHarness.predictionsById(KAFKA, baseline.output, RECORDS, DEADLINE);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"expert-parallel", "fused"})
    void shouldCommitEveryPredictionOnceWhenAnOperatorThrowsOnce(String mode) throws Exception {
        Tripwire.arm(Tripwire.Action.THROW);
        Run run = new Run(mode);
        StreamExecutionEnvironment env = JobHarness.restartingEnvironment();
        PolyrouteJob.build(env, run.config, bundle, Tripwire::insert);
        env.execute(run.name);

        assertThat(Tripwire.tripped()).as("an operator threw once mid-stream").isTrue();
        assertExactlyOnceAndAsUninterrupted(run);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"expert-parallel", "fused"})
    void shouldCommitEveryPredictionOnceWhenTheTaskManagerRestarts(String mode, @InjectMiniCluster MiniCluster cluster)
            throws Exception {
        // The tripwire holds one record so the job cannot finish before the TaskManager is gone.
        Tripwire.arm(Tripwire.Action.HOLD);
        Run run = new Run(mode);
        StreamExecutionEnvironment env = JobHarness.restartingEnvironment();
        PolyrouteJob.build(env, run.config, bundle, Tripwire::insert);
        JobClient job = env.executeAsync(run.name);
        try {
            Poll.until(DEADLINE, "a subtask to hold a record after a checkpoint committed output", Tripwire::tripped);
            Poll.until(DEADLINE, "committed predictions", () -> KAFKA.readCommittedEnd(run.output) > 0);
            cluster.terminateTaskManager(liveTaskManager).get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
            cluster.startTaskManager();
            liveTaskManager++;
            job.getJobExecutionResult().get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        } finally {
            Tripwire.release();
        }

        assertExactlyOnceAndAsUninterrupted(run);
    }

    private static void assertExactlyOnceAndAsUninterrupted(Run run) throws Exception {
        Map<String, Prediction> got = JobHarness.predictionsById(KAFKA, run.output, RECORDS, DEADLINE);
        JobHarness.assertAnswersExactly(got, readings);
        for (Prediction p : got.values()) {
            assertSameAs(p, uninterrupted.get(p.getEventId()));
        }
        assertThat(JobHarness.maxReferenceError(bundle, readings, got)).isLessThanOrEqualTo(ReferenceModel.TOLERANCE);
        Map<List<Long>, DeadLetterReason> refused = new HashMap<>();
        for (DeadLetter d : JobHarness.deadLetters(KAFKA, run.dlq, badRecords.size(), DEADLINE)) {
            assertThat(refused.put(List.of((long) d.getPartition(), d.getOffset()), d.getReason()))
                    .as("a second dead letter for offset %d of partition %d", d.getOffset(), d.getPartition())
                    .isNull();
        }
        assertThat(refused).as("dead letters by partition and offset").isEqualTo(badRecords);
    }

    private static void assertSameAs(Prediction got, Prediction want) {
        String id = got.getEventId();
        assertThat(got.getExperts()).as("experts of %s", id).hasSameSizeAs(want.getExperts());
        for (int i = 0; i < want.getExperts().size(); i++) {
            ExpertChoice g = got.getExperts().get(i);
            ExpertChoice w = want.getExperts().get(i);
            assertThat(List.of(g.getStage(), g.getGroup(), g.getExpert()))
                    .as("choice %d of %s", i, id)
                    .isEqualTo(List.of(w.getStage(), w.getGroup(), w.getExpert()));
            assertThat(Math.abs(g.getWeight() - w.getWeight()))
                    .as("weight %d of %s", i, id)
                    .isLessThanOrEqualTo((float) SAME_AS_UNINTERRUPTED);
        }
        float[] a = toArray(got.getOutput());
        float[] b = toArray(want.getOutput());
        assertThat(a).as("output width of %s", id).hasSameSizeAs(b);
        assertThat(ReferenceModel.relativeError(a, 0, b, 0, b.length))
                .as("relative error of %s", id)
                .isLessThanOrEqualTo(SAME_AS_UNINTERRUPTED);
    }

    private static float[] toArray(List<Float> values) {
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i);
        }
        return out;
    }

    /** One job run over the shared input: its own output topics, consumer group and transactional ids. */
    private static final class Run {
        final String output = KAFKA.createRandomTopic("predictions", 2);
        final String dlq = KAFKA.createRandomTopic("dlq", 1);
        final String name = "eo-" + output;
        final JobConfig config;

        Run(String mode) {
            this.config = JobHarness.withControlTopics(JobConfig.of(Map.of(
                            "kafka.bootstrap-servers",
                            KAFKA.bootstrapServers(),
                            "topics.input",
                            input,
                            "topics.output",
                            output,
                            "topics.dlq",
                            dlq,
                            "job.name",
                            name,
                            "job.mode",
                            mode,
                            "job.parallelism",
                            "2",
                            "job.slots",
                            "2",
                            "job.checkpoint-interval",
                            "200 ms",
                            "bundle.path",
                            bundle.root().toString())))
                    .with("input.bounded", "true");
        }
    }

    /**
     * Passes finished records on unchanged until, in one subtask, a checkpoint that covers some of
     * its output has completed (so part of the output is committed) and it has passed
     * {@link #TRIP_AFTER} records; then, once per arming across all subtasks and restarts, it
     * either throws or holds the record until released (or interrupted by a cancel). While armed
     * and waiting for that commit it passes at most one record per millisecond. The arming
     * is static, so it outlives the restarted instances: the MiniCluster runs in this JVM.
     */
    static final class Tripwire extends RichMapFunction<InFlight, InFlight>
            implements CheckpointedFunction, CheckpointListener {
        private static final long serialVersionUID = 1L;

        enum Action {
            THROW,
            HOLD
        }

        /** Records a subtask passes before it may trip. */
        static final int TRIP_AFTER = 2_000;

        private static final AtomicReference<Action> ARMED = new AtomicReference<>();
        private static volatile boolean tripped;
        private static volatile CountDownLatch released = new CountDownLatch(0);

        private transient long passed;
        /** The first checkpoint whose barrier came after some output of this subtask, or -1. */
        private transient long firstCheckpointWithOutput;

        private transient boolean outputCommitted;

        static DataStream<InFlight> insert(DataStream<InFlight> finished) {
            return finished.map(new Tripwire())
                    .returns(TypeInformation.of(InFlight.class))
                    .name("tripwire");
        }

        static void arm(Action action) {
            tripped = false;
            released = new CountDownLatch(1);
            ARMED.set(action);
        }

        static boolean tripped() {
            return tripped;
        }

        static void release() {
            ARMED.set(null);
            released.countDown();
        }

        @Override
        public InFlight map(InFlight rec) throws Exception {
            passed++;
            if (!outputCommitted && passed >= TRIP_AFTER && ARMED.get() != null) {
                // A quiet machine drains the whole input before the first checkpoint completes;
                // slowed to a record per millisecond, the run outlasts a few checkpoint intervals.
                TimeUnit.MILLISECONDS.sleep(1);
            }
            if (outputCommitted && passed >= TRIP_AFTER) {
                Action action = ARMED.getAndSet(null);
                if (action != null) {
                    tripped = true;
                    if (action == Action.THROW) {
                        throw new IllegalStateException("Injected failure after " + passed + " records of "
                                + getRuntimeContext().getTaskInfo().getTaskNameWithSubtasks() + ".");
                    }
                    if (!released.await(DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
                        throw new IllegalStateException("The held record of " + rec.eventId + " was never released.");
                    }
                }
            }
            return rec;
        }

        @Override
        public void initializeState(FunctionInitializationContext context) {
            firstCheckpointWithOutput = -1;
        }

        @Override
        public void snapshotState(FunctionSnapshotContext context) {
            if (firstCheckpointWithOutput < 0 && passed > 0) {
                firstCheckpointWithOutput = context.getCheckpointId();
            }
        }

        /** A completed checkpoint subsumes the earlier ones: the sink has committed everything before it. */
        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            if (firstCheckpointWithOutput >= 0 && checkpointId >= firstCheckpointWithOutput) {
                outputCommitted = true;
            }
        }
    }
}
