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
package io.polyroute.job.operators;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.polyroute.job.control.PlanCodec;
import io.polyroute.job.model.ExpertResult;
import io.polyroute.job.model.ExpertTask;
import io.polyroute.kit.synthetic.SyntheticBundleBuilder;
import io.polyroute.runtime.bundle.ModelBundle;
import io.polyroute.runtime.eval.ExpertRuntime;
import io.polyroute.runtime.onnx.RuntimeOptions;
import io.polyroute.runtime.placement.ExpertReplicas;
import io.polyroute.runtime.placement.Placement;
import io.polyroute.runtime.placement.PlanVersion;
import io.polyroute.testing.SqrtExpertBundle;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.runtime.metrics.groups.InternalOperatorMetricGroup;
import org.apache.flink.runtime.metrics.util.InterceptingOperatorMetricGroup;
import org.apache.flink.runtime.metrics.util.InterceptingTaskMetricGroup;
import org.apache.flink.runtime.operators.testutils.MockEnvironment;
import org.apache.flink.runtime.operators.testutils.MockEnvironmentBuilder;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.tasks.mailbox.TaskMailbox;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.TwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * EXPERT's session residency through Flink's operator harness, on a kit-built bundle of four
 * experts and slot 0 of four, to which round robin assigns expert 0 only: sessions that records
 * need load on the operator's loader thread while the task thread goes on, a checkpoint barrier
 * waits for them, the slot never holds more than {@code rebalance.slot-capacity} sessions, and a
 * session loaded on demand is released after the grace period (harness processing time).
 */
@Timeout(120)
class ExpertSessionResidencyTest {
    private static final int SLOTS = 4;
    private static final long T0 = 1_000_000;
    private static final long WINDOW = 1_000;
    private static final long GRACE = 10_000;

    @TempDir
    static Path dir;

    @TempDir
    static Path otherDir;

    private static StageOpener opener;

    @BeforeAll
    static void writeBundle() throws Exception {
        SqrtExpertBundle.write(dir, List.of("press", "lathe"));
        opener = new StageOpener(dir.toString(), RuntimeOptions.builder().build());
    }

    private static ExpertOperator operator(int capacity, int batchSize) {
        return new ExpertOperator(
                opener,
                ExpertSettings.builder()
                        .stageIndex(0)
                        .expertsPerStage(List.of(SqrtExpertBundle.EXPERTS))
                        .deviceCount(0)
                        .releaseGraceMillis(GRACE)
                        .slotCapacity(capacity)
                        .windowMillis(WINDOW)
                        .batchSize(batchSize)
                        .maxDelayMillis(3_600_000)
                        .build());
    }

    private static TwoInputStreamOperatorTestHarness<ExpertTask, byte[], ExpertResult> open(ExpertOperator op)
            throws Exception {
        var h = new TwoInputStreamOperatorTestHarness<>(op, 128, SLOTS, 0);
        h.setProcessingTime(T0);
        h.open();
        return h;
    }

    @Test
    void shouldNeverHoldMoreSessionsThanTheSlotCapacity() throws Exception {
        int capacity = 2;
        ExpertOperator op = operator(capacity, 1);
        AtomicInteger mostBesidesTheLoad = new AtomicInteger();
        op.beforeLoad(e -> mostBesidesTheLoad.accumulateAndGet(op.residentSessions(), Math::max));
        try (var h = open(op)) {
            assertThat(op.residentSessions())
                    .as("expert 0, assigned by round robin")
                    .isEqualTo(1);
            int sent = 0;
            for (int round = 0; round < 3; round++) {
                for (int e = 0; e < SqrtExpertBundle.EXPERTS; e++) {
                    h.processElement1(task("r" + sent++, e), 0L);
                    assertThat(op.residentSessions()).isLessThanOrEqualTo(capacity);
                }
                drainLoads(h, sent);
                assertThat(op.residentSessions()).isLessThanOrEqualTo(capacity);
            }

            assertThat(mostBesidesTheLoad.get())
                    .as("sessions resident while another one loads")
                    .isLessThanOrEqualTo(capacity - 1);
            assertThat(h.extractOutputValues())
                    .hasSize(sent)
                    .allSatisfy(r -> assertThat(r.failed()).isFalse());
            assertThat(h.extractOutputValues()).extracting(ExpertResult::expert).containsOnly(0, 1, 2, 3);
        }
    }

    @Test
    void shouldReleaseASessionLoadedOnDemandAfterTheGracePeriod() throws Exception {
        ExpertOperator op = operator(-1, 1);
        try (var h = open(op)) {
            h.processElement1(task("r0", 2), 0L);
            drainLoads(h, 1);
            assertThat(op.residentSessions()).isEqualTo(2);

            h.setProcessingTime(T0 + GRACE / 2);
            h.processElement1(task("r1", 2), 0L);
            assertThat(h.extractOutputValues()).hasSize(2);
            h.setProcessingTime(T0 + GRACE / 2 + GRACE - WINDOW);
            assertThat(op.residentSessions())
                    .as("used again at half the grace period")
                    .isEqualTo(2);

            h.setProcessingTime(T0 + GRACE / 2 + GRACE + WINDOW);
            assertThat(op.residentSessions())
                    .as("released, while expert 0 the plan assigns stays")
                    .isEqualTo(1);
        }
    }

    @Test
    void shouldKeepTheTaskThreadRunningWhileASessionLoadsAndHoldTheBarrierForIt() throws Exception {
        ExpertOperator op = operator(-1, 1);
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        op.beforeLoad(e -> {
            entered.countDown();
            try {
                release.await();
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
        });
        try (var h = open(op)) {
            h.processElement1(task("waits", 3), 0L);
            assertThat(entered.await(30, TimeUnit.SECONDS)).isTrue();

            h.processBothWatermarks(new Watermark(42));
            h.processElement1(task("resident", 0), 0L);
            assertThat(h.getOutput())
                    .as("the watermark and the record of the resident expert pass while expert 3 loads")
                    .anySatisfy(o -> assertThat(o).isEqualTo(new Watermark(42)));
            assertThat(h.extractOutputValues())
                    .extracting(ExpertResult::eventId)
                    .containsExactly("resident");
            assertThat(op.buffered()).isEqualTo(1);

            Thread taskThread = Thread.currentThread();
            AtomicReference<Throwable> helperFailure = new AtomicReference<>();
            Thread helper = new Thread(() -> {
                try {
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                    while (taskThread.getState() != Thread.State.TIMED_WAITING
                            && taskThread.getState() != Thread.State.WAITING) {
                        if (System.nanoTime() > deadline) {
                            throw new AssertionError("the barrier never waited for the load");
                        }
                        Thread.onSpinWait();
                    }
                } catch (Throwable t) {
                    helperFailure.set(t);
                } finally {
                    release.countDown();
                }
            });
            helper.start();
            h.prepareSnapshotPreBarrier(1L);
            helper.join();

            assertThat(helperFailure.get()).isNull();
            assertThat(op.buffered()).as("nothing buffered across the barrier").isZero();
            assertThat(h.extractOutputValues())
                    .extracting(ExpertResult::eventId)
                    .containsExactly("resident", "waits");
            h.snapshot(1L, T0);
        }
    }

    @Test
    void shouldFailTheTaskWhenASessionCannotLoad() throws Exception {
        ExpertOperator op = operator(-1, 1);
        op.beforeLoad(e -> {
            throw new IllegalStateException("device lost");
        });
        try (var h = open(op)) {
            h.processElement1(task("r0", 1), 0L);

            assertThatThrownBy(() -> drainLoads(h, 1))
                    .isInstanceOf(FailureClassifier.InfrastructureFailure.class)
                    .hasMessageContaining("EXPERT slot 0 could not load the session of Expert e01")
                    .hasRootCauseMessage("device lost");
            assertThat(h.extractOutputValues()).isEmpty();
            assertThat(h.getSideOutput(DeadLetters.TAG)).isNullOrEmpty();
        }
    }

    @Test
    void shouldLoadTheSessionsAPlanAssignsAndIgnoreAPlanOfAnotherShape() throws Exception {
        ExpertOperator op = operator(2, 1);
        try (var h = open(op)) {
            h.processElement2(PlanCodec.encode(plan(3, SLOTS, 7)), 0L);
            assertThat(op.residentSessions()).isEqualTo(1);

            h.processElement2(PlanCodec.encode(plan(SqrtExpertBundle.EXPERTS, SLOTS, 8)), 0L);
            runNextMail(h);
            assertThat(op.residentSessions())
                    .as("the plan assigns all four experts to slot 0, the capacity is two")
                    .isEqualTo(2);
            assertThat(h.getTaskMailbox().hasMail())
                    .as("a preload never evicts a session the plan assigns")
                    .isFalse();
        }
    }

    @Test
    void shouldReportTheResidentSessionsInItsGauge() throws Exception {
        InterceptingOperatorMetricGroup metrics = new InterceptingOperatorMetricGroup();
        InterceptingTaskMetricGroup task = new InterceptingTaskMetricGroup() {
            @Override
            public InternalOperatorMetricGroup getOrAddOperator(
                    OperatorID id, String name, java.util.Map<String, String> additionalVariables) {
                return metrics;
            }
        };
        MockEnvironment env = new MockEnvironmentBuilder()
                .setMaxParallelism(128)
                .setParallelism(SLOTS)
                .setSubtaskIndex(0)
                .setMetricGroup(task)
                .build();
        ExpertOperator op = operator(-1, 1);
        try (var h = new AbstractStreamOperatorTestHarness<>(op, env)) {
            h.setProcessingTime(T0);
            h.open();
            @SuppressWarnings("unchecked")
            Gauge<Integer> gauge = (Gauge<Integer>) metrics.get(JobMetrics.RESIDENT_SESSIONS);
            assertThat(gauge.getValue()).isEqualTo(1);

            op.processElement1(new StreamRecord<>(task("r0", 1)));
            runNextMail(h);
            assertThat(gauge.getValue()).isEqualTo(2);
        }
    }

    @Test
    void shouldServeTasksOfAnotherVersionWithItsOwnSessionsUnderTheSameCapacity() throws Exception {
        Path v2Dir = otherDir.resolve("other-2");
        ModelBundle v2 = SyntheticBundleBuilder.create()
                .name("other")
                .version("2")
                .inputDim(SqrtExpertBundle.INPUT_DIM)
                .experts(3)
                .topK(1)
                .seed(3)
                .build(v2Dir);
        float[] row = task("x", 1).row();
        float[] want;
        try (ExpertRuntime own =
                ExpertRuntime.open(v2, 0, RuntimeOptions.builder().build())) {
            own.loadExpert(1);
            want = own.runExpert(1, row, 1);
        }
        ExpertOperator op = operator(2, 1);
        try (var h = open(op)) {
            assertThat(op.residentSessions())
                    .as("round robin assigns expert 0 of the base version")
                    .isEqualTo(1);
            h.processElement1(new StreamRecord<>(new ExpertTask("v2-a", 0, 1, 0, row, "other:2", v2Dir.toString())));
            drainLoads(h, 1);
            assertThat(h.extractOutputValues().get(0).output())
                    .as("expert 1 of version 2, not of the base version")
                    .containsExactly(want);
            assertThat(op.residentSessions()).isEqualTo(2);
            h.processElement2(new StreamRecord<>(PlanCodec.encode(plan(SqrtExpertBundle.EXPERTS, SLOTS, 1))));
            assertThat(h.getTaskMailbox().hasMail())
                    .as("a preload of the base version does not evict a session of version 2 in use")
                    .isFalse();

            h.processElement1(new StreamRecord<>(new ExpertTask("v2-b", 0, 2, 0, row, "other:2", v2Dir.toString())));
            drainLoads(h, 2);
            assertThat(op.residentSessions())
                    .as("version 2's expert 1 made room for its expert 2; the assigned base session stayed")
                    .isEqualTo(2);
            h.processElement1(new StreamRecord<>(task("base", 0)));
            assertThat(h.extractOutputValues()).hasSize(3);
            assertThat(h.extractOutputValues().get(2).output()).isNotEqualTo(want);
        }
    }

    /** Runs the mails of session loads until {@code expected} results are out and no load is pending. */
    private static void drainLoads(TwoInputStreamOperatorTestHarness<ExpertTask, byte[], ExpertResult> h, int expected)
            throws Exception {
        while (h.extractOutputValues().size() < expected) {
            runNextMail(h);
        }
    }

    private static void runNextMail(AbstractStreamOperatorTestHarness<?> h) throws Exception {
        h.getTaskMailbox().take(TaskMailbox.MIN_PRIORITY).run();
    }

    private static ExpertTask task(String id, int expert) {
        float[] row = new float[SqrtExpertBundle.INPUT_DIM];
        for (int i = 0; i < row.length; i++) {
            row[i] = 0.1f * (i + expert);
        }
        return new ExpertTask(id, 0, expert, 0, row);
    }

    /** Version {@code version}: every one of {@code experts} experts on slot 0 alone. */
    private static PlanVersion plan(int experts, int slots, long version) {
        List<ExpertReplicas> all = new ArrayList<>();
        for (int e = 0; e < experts; e++) {
            all.add(ExpertReplicas.of(new int[] {0}, new double[] {1.0}));
        }
        return PlanVersion.builder()
                .version(version)
                .timestampMillis(0)
                .reason("test")
                .stage(Placement.of(slots, all))
                .build();
    }
}
