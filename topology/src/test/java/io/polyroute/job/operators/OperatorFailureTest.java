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

import io.polyroute.avro.DeadLetterReason;
import io.polyroute.job.model.ExpertResult;
import io.polyroute.job.model.ExpertTask;
import io.polyroute.job.model.InFlight;
import io.polyroute.job.model.Rejected;
import io.polyroute.runtime.eval.ExpertRuntime;
import io.polyroute.runtime.eval.GateRuntime;
import io.polyroute.runtime.onnx.Device;
import io.polyroute.runtime.onnx.RuntimeOptions;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.TwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * GATE, EXPERT and FUSED on the real {@code bundles/tiny} bundle (4 inputs, one stage of 2
 * experts, top-1) through Flink's operator harnesses: a record the models refuse among good ones
 * becomes exactly one {@code MODEL_ERROR}, while a batch whose every record fails — a session
 * closed under the operator, or no record the models can run — fails the task and dead-letters
 * nothing.
 */
@Timeout(60)
class OperatorFailureTest {
    private static final int BATCH = 4;
    private static final int DIM = 4;

    private static StageOpener opener() throws Exception {
        Path bundle =
                Path.of(OperatorFailureTest.class.getResource("/bundles/tiny").toURI());
        return new StageOpener(
                bundle.toString(), RuntimeOptions.builder().device(Device.CPU).build());
    }

    private static TwoInputStreamOperatorTestHarness<InFlight, byte[], ExpertTask> gate() throws Exception {
        GateSettings settings = GateSettings.builder()
                .stageIndex(0)
                .expertsPerStage(List.of(2))
                .slots(1)
                .activationDelayMillis(0)
                .windowMillis(60_000)
                .batchSize(BATCH)
                .maxDelayMillis(60_000)
                .build();
        var h = new TwoInputStreamOperatorTestHarness<>(new GateOperator(opener(), settings));
        h.open();
        return h;
    }

    @Test
    void gateShouldDeadLetterOnlyTheRecordItCannotRun() throws Exception {
        try (var h = gate()) {
            for (int i = 0; i < BATCH; i++) {
                h.processElement1(new StreamRecord<>(record("r" + i, i == 2 ? DIM - 1 : DIM)));
            }

            assertThat(deadLetters(h.getSideOutput(DeadLetters.TAG)))
                    .singleElement()
                    .satisfies(r -> {
                        assertThat(r.reason).isEqualTo(DeadLetterReason.MODEL_ERROR.name());
                        assertThat(r.eventId).isEqualTo("r2");
                    });
            assertThat(h.extractOutputValues())
                    .extracting(ExpertTask::eventId)
                    .containsExactlyInAnyOrder("r0", "r1", "r3");
        }
    }

    @Test
    void gateShouldFailTheTaskWhenEveryRecordOfABatchFails() throws Exception {
        try (var h = gate()) {
            for (int i = 0; i < BATCH - 1; i++) {
                h.processElement1(new StreamRecord<>(record("r" + i, DIM - 1)));
            }

            assertThatThrownBy(() -> h.processElement1(new StreamRecord<>(record("r3", DIM - 1))))
                    .isInstanceOf(FailureClassifier.InfrastructureFailure.class)
                    .hasMessageContaining("GATE of stage s0")
                    .hasMessageContaining("batch of " + BATCH + " records");
            assertThat(deadLetters(h.getSideOutput(DeadLetters.TAG))).isEmpty();
        }
    }

    @Test
    void gateShouldFailTheTaskWhenItsSessionIsClosedUnderIt() throws Exception {
        try (var h = gate()) {
            ((GateRuntime) field(h.getOperator(), "stage")).close();
            for (int i = 0; i < BATCH - 1; i++) {
                h.processElement1(new StreamRecord<>(record("r" + i, DIM)));
            }

            assertThatThrownBy(() -> h.processElement1(new StreamRecord<>(record("r3", DIM))))
                    .isInstanceOf(FailureClassifier.InfrastructureFailure.class)
                    .hasMessageContaining("GATE of stage s0")
                    .hasRootCauseInstanceOf(IllegalStateException.class);
            assertThat(deadLetters(h.getSideOutput(DeadLetters.TAG))).isEmpty();
        }
    }

    private static TwoInputStreamOperatorTestHarness<ExpertTask, byte[], ExpertResult> expert() throws Exception {
        ExpertSettings settings = ExpertSettings.builder()
                .stageIndex(0)
                .expertsPerStage(List.of(2))
                .deviceCount(0)
                .releaseGraceMillis(60_000)
                .windowMillis(60_000)
                .batchSize(BATCH)
                .maxDelayMillis(60_000)
                .build();
        var h = new TwoInputStreamOperatorTestHarness<>(new ExpertOperator(opener(), settings));
        h.open();
        return h;
    }

    @Test
    void expertShouldReportAnErrorOnlyForTheTaskItCannotRun() throws Exception {
        try (var h = expert()) {
            int width = ((ExpertRuntime) field(h.getOperator(), "stage")).width();
            for (int i = 0; i < BATCH; i++) {
                h.processElement1(
                        new StreamRecord<>(new ExpertTask("r" + i, 0, 0, 0, new float[i == 1 ? width - 1 : width])));
            }

            List<ExpertResult> out = h.extractOutputValues();
            assertThat(out).hasSize(BATCH);
            assertThat(out)
                    .filteredOn(ExpertResult::failed)
                    .extracting(ExpertResult::eventId)
                    .containsExactly("r1");
        }
    }

    @Test
    void expertShouldFailTheTaskWhenItsSessionIsClosedUnderIt() throws Exception {
        try (var h = expert()) {
            ((ExpertRuntime) field(h.getOperator(), "stage")).loadExpert(0).close();
            int width = ((ExpertRuntime) field(h.getOperator(), "stage")).width();
            for (int i = 0; i < BATCH - 1; i++) {
                h.processElement1(new StreamRecord<>(new ExpertTask("r" + i, 0, 0, 0, new float[width])));
            }

            assertThatThrownBy(() ->
                            h.processElement1(new StreamRecord<>(new ExpertTask("r3", 0, 0, 0, new float[width]))))
                    .isInstanceOf(FailureClassifier.InfrastructureFailure.class)
                    .hasMessageContaining("EXPERT slot 0")
                    .hasMessageContaining("batch of " + BATCH + " records");
            assertThat(h.extractOutputValues()).isEmpty();
        }
    }

    private static OneInputStreamOperatorTestHarness<InFlight, InFlight> fused() throws Exception {
        FusedSettings settings = FusedSettings.builder()
                .deviceCount(0)
                .batchSize(BATCH)
                .maxDelayMillis(60_000)
                .windowMillis(60_000)
                .build();
        var h = new OneInputStreamOperatorTestHarness<>(new FusedOperator(opener(), settings));
        h.open();
        return h;
    }

    @Test
    void fusedShouldDeadLetterOnlyTheRecordItCannotRun() throws Exception {
        try (var h = fused()) {
            for (int i = 0; i < BATCH; i++) {
                h.processElement(new StreamRecord<>(record("r" + i, i == 0 ? DIM - 1 : DIM)));
            }

            assertThat(deadLetters(h.getSideOutput(DeadLetters.TAG)))
                    .singleElement()
                    .satisfies(r -> {
                        assertThat(r.reason).isEqualTo(DeadLetterReason.MODEL_ERROR.name());
                        assertThat(r.eventId).isEqualTo("r0");
                    });
            assertThat(h.extractOutputValues()).extracting(r -> r.eventId).containsExactly("r1", "r2", "r3");
        }
    }

    @Test
    void fusedShouldFailTheTaskWhenEveryRecordOfABatchFails() throws Exception {
        try (var h = fused()) {
            for (int i = 0; i < BATCH - 1; i++) {
                h.processElement(new StreamRecord<>(record("r" + i, DIM + 1)));
            }

            assertThatThrownBy(() -> h.processElement(new StreamRecord<>(record("r3", DIM + 1))))
                    .isInstanceOf(FailureClassifier.InfrastructureFailure.class)
                    .hasMessageContaining("FUSED subtask 0")
                    .hasMessageContaining("batch of " + BATCH + " records");
            assertThat(deadLetters(h.getSideOutput(DeadLetters.TAG))).isEmpty();
            assertThat(h.extractOutputValues()).isEmpty();
        }
    }

    private static Object field(Object operator, String name) throws Exception {
        Field f = operator.getClass().getDeclaredField(name);
        f.setAccessible(true);
        return f.get(operator);
    }

    private static List<Rejected> deadLetters(ConcurrentLinkedQueue<StreamRecord<Rejected>> side) {
        List<Rejected> out = new ArrayList<>();
        if (side != null) {
            side.forEach(r -> out.add(r.getValue()));
        }
        return out;
    }

    private static InFlight record(String eventId, int dim) {
        InFlight r = new InFlight();
        r.eventId = eventId;
        r.sourceId = "machine-1";
        r.features = new float[dim];
        for (int i = 0; i < dim; i++) {
            r.features[i] = 0.25f * (i + 1);
        }
        r.rawKey = eventId.getBytes(StandardCharsets.UTF_8);
        r.rawValue = eventId.getBytes(StandardCharsets.UTF_8);
        r.topic = "sensors";
        return r;
    }
}
