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

import io.polyroute.job.control.PlanCodec;
import io.polyroute.job.model.ExpertTask;
import io.polyroute.job.model.InFlight;
import io.polyroute.runtime.onnx.RuntimeOptions;
import io.polyroute.runtime.placement.ExpertReplicas;
import io.polyroute.runtime.placement.Placement;
import io.polyroute.runtime.placement.PlanVersion;
import io.polyroute.testing.SqrtExpertBundle;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.util.TwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * GATE's placement plans through Flink's operator test harness: a plan waiting for its activation
 * survives a checkpoint and restore (EXPERT applied it at once, so GATE must not forget it), and a
 * plan that does not fit the job changes nothing and throws nothing.
 */
@Timeout(120)
class GateOperatorPlanTest {
    private static final int SLOTS = 4;
    private static final long ACTIVATION_DELAY = 10_000;
    private static final long T0 = 1_000_000;

    @TempDir
    static Path dir;

    private static StageOpener opener;

    @BeforeAll
    static void writeBundle() throws Exception {
        SqrtExpertBundle.write(dir, List.of("press", "lathe"));
        opener = new StageOpener(dir.toString(), RuntimeOptions.builder().build());
    }

    @Test
    void shouldActivateAPendingPlanAfterARestore() throws Exception {
        OperatorSubtaskState snapshot;
        try (var before = harness()) {
            before.setProcessingTime(T0);
            before.open();
            before.processElement2(PlanCodec.encode(everyExpertOn(3, 1)), 0L);
            snapshot = before.snapshot(1L, T0);
        }

        try (var after = harness()) {
            after.setProcessingTime(T0 + 1);
            after.initializeState(snapshot);
            after.open();
            after.processElement1(record("a", 0), 0L);
            after.processElement1(record("b", 1), 0L);
            // Round robin puts expert e on slot e, and every record visits two distinct experts.
            assertThat(slots(after))
                    .as("before the activation: round robin")
                    .anySatisfy(s -> assertThat(s).isNotEqualTo(3));

            after.setProcessingTime(T0 + ACTIVATION_DELAY + 1);
            after.getOutput().clear();
            after.processElement1(record("c", 0), 0L);
            after.processElement1(record("d", 1), 0L);
            assertThat(slots(after))
                    .as("after the activation: the restored pending plan")
                    .hasSize(4)
                    .containsOnly(3);
        }
    }

    @Test
    void shouldIgnoreAPlanOfAnotherShapeWithoutThrowing() throws Exception {
        PlanVersion threeExperts = PlanVersion.builder()
                .version(7)
                .timestampMillis(0)
                .reason("another bundle")
                .stage(Placement.roundRobin(3, SLOTS))
                .build();
        PlanVersion fiveSlots = PlanVersion.builder()
                .version(8)
                .timestampMillis(0)
                .reason("another slot count")
                .stage(Placement.roundRobin(SqrtExpertBundle.EXPERTS, 5))
                .build();
        try (var gate = harness()) {
            gate.setProcessingTime(T0);
            gate.open();
            gate.processElement2(PlanCodec.encode(threeExperts), 0L);
            gate.processElement2(PlanCodec.encode(fiveSlots), 0L);
            gate.setProcessingTime(T0 + ACTIVATION_DELAY + 1);
            gate.processElement1(record("a", 0), 0L);
            gate.processElement1(record("b", 1), 0L);

            assertThat(gate.getSideOutput(DeadLetters.TAG)).isNullOrEmpty();
            assertThat(slots(gate)).hasSize(4).allSatisfy(s -> assertThat(s).isBetween(0, SLOTS - 1));
        }
    }

    private static TwoInputStreamOperatorTestHarness<InFlight, byte[], ExpertTask> harness() throws Exception {
        GateOperator gate = new GateOperator(
                opener,
                GateSettings.builder()
                        .stageIndex(0)
                        .expertsPerStage(List.of(SqrtExpertBundle.EXPERTS))
                        .slots(SLOTS)
                        .activationDelayMillis(ACTIVATION_DELAY)
                        .windowMillis(3_600_000)
                        .batchSize(1)
                        .maxDelayMillis(3_600_000)
                        .balancing(Balancing.off())
                        .build());
        return new TwoInputStreamOperatorTestHarness<>(gate);
    }

    /** Version {@code version}: every expert on {@code slot} alone. */
    private static PlanVersion everyExpertOn(int slot, long version) {
        List<ExpertReplicas> experts = new ArrayList<>();
        for (int e = 0; e < SqrtExpertBundle.EXPERTS; e++) {
            experts.add(ExpertReplicas.of(new int[] {slot}, new double[] {1.0}));
        }
        return PlanVersion.builder()
                .version(version)
                .timestampMillis(0)
                .reason("test")
                .stage(Placement.of(SLOTS, experts))
                .build();
    }

    private static InFlight record(String id, int task) {
        InFlight r = new InFlight();
        r.eventId = id;
        r.sourceId = "m";
        r.task = task == 0 ? "press" : "lathe";
        r.taskIndex = task;
        r.features = new float[SqrtExpertBundle.INPUT_DIM];
        return r;
    }

    /** The slot of every task emitted so far (top-2 of 4 experts: two per record). */
    private static List<Integer> slots(TwoInputStreamOperatorTestHarness<InFlight, byte[], ExpertTask> h) {
        return h.extractOutputValues().stream().map(ExpertTask::slot).collect(Collectors.toList());
    }
}
