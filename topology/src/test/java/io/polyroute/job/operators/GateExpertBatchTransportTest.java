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
import io.polyroute.job.config.BatchTransport;
import io.polyroute.job.control.PlanCodec;
import io.polyroute.job.model.ExpertResult;
import io.polyroute.job.model.ExpertResultBatch;
import io.polyroute.job.model.ExpertTask;
import io.polyroute.job.model.ExpertTaskBatch;
import io.polyroute.job.model.InFlight;
import io.polyroute.job.model.InFlightSerializer;
import io.polyroute.job.model.PartBatch;
import io.polyroute.job.model.RecordHeader;
import io.polyroute.job.model.RecordHeaderBatch;
import io.polyroute.runtime.eval.ExpertRuntime;
import io.polyroute.runtime.onnx.Device;
import io.polyroute.runtime.onnx.RuntimeOptions;
import io.polyroute.runtime.placement.ExpertReplicas;
import io.polyroute.runtime.placement.Placement;
import io.polyroute.runtime.placement.PlanVersion;
import io.polyroute.testing.SqrtExpertBundle;
import java.lang.reflect.Field;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Random;
import java.util.function.ToIntFunction;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.TwoInputStreamOperatorTestHarness;
import org.apache.flink.util.OutputTag;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * GATE and EXPERT with {@code batching.transport = batch} through Flink's operator harnesses,
 * against the record transport on the same input: the batches, flattened, hold exactly the tasks,
 * headers and results the record transport emits, flush by flush; every element of a batch belongs
 * to the batch's subtask, no batch is empty and no subtask gets two batches of one flush; a record
 * the models refuse still becomes its dead letter or error result.
 */
@Timeout(120)
class GateExpertBatchTransportTest {
    private static final int SLOTS = 4;
    private static final int COMBINE = 3;
    private static final int KEY_GROUPS = 128;
    private static final int BATCH = 8;
    private static final long T0 = 1_000_000;

    @TempDir
    static Path dir;

    private static StageOpener opener;

    @BeforeAll
    static void writeBundle() throws Exception {
        SqrtExpertBundle.write(dir, List.of("press", "lathe"));
        opener = new StageOpener(dir.toString(), RuntimeOptions.builder().build());
    }

    // ---------------------------------------------------------------- GATE

    @Test
    void gateBatchesShouldHoldTheRecordTransportsTasksAndHeadersFlushByFlush() throws Exception {
        Random rnd = new Random(11);
        List<InFlight> in = new ArrayList<>();
        for (int i = 0; i < 2 * BATCH + 5; i++) {
            in.add(record("e-" + i, i % 2, rnd));
        }
        try (var records = open(GateOperator.records(opener, gateSettings(BatchTransport.RECORD, 0), null));
                var batches = open(GateOperator.batches(opener, gateSettings(BatchTransport.BATCH, 0), null))) {
            int flushes = 0;
            for (int from = 0; from < in.size(); from += BATCH) {
                List<InFlight> part = in.subList(from, Math.min(in.size(), from + BATCH));
                for (InFlight r : part) {
                    records.processElement1(InFlightSerializer.INSTANCE.copy(r), 0L);
                    batches.processElement1(InFlightSerializer.INSTANCE.copy(r), 0L);
                }
                if (part.size() < BATCH) {
                    records.prepareSnapshotPreBarrier(1L);
                    batches.prepareSnapshotPreBarrier(1L);
                }
                flushes++;

                List<ExpertTask> tasks = records.extractOutputValues();
                List<RecordHeader> headers = values(records.getSideOutput(GateOperator.HEADERS));
                List<ExpertTaskBatch> taskBatches = batches.extractOutputValues();
                List<RecordHeaderBatch> headerBatches = values(batches.getSideOutput(GateOperator.HEADER_BATCHES));
                assertThat(headers).hasSize(part.size());
                assertThat(tasks).hasSizeGreaterThanOrEqualTo(part.size());

                assertThat(flatten(taskBatches))
                        .as("tasks of flush %s", flushes)
                        .usingRecursiveFieldByFieldElementComparator()
                        .containsExactlyInAnyOrderElementsOf(tasks);
                assertThat(flatten(headerBatches))
                        .as("headers of flush %s", flushes)
                        .usingRecursiveFieldByFieldElementComparator()
                        .containsExactlyInAnyOrderElementsOf(headers);
                assertGrouped(taskBatches, SLOTS, t -> Math.floorMod(t.slot(), SLOTS));
                assertGrouped(headerBatches, COMBINE, h -> combineOf(h.eventId()));
                assertThat(batches.getSideOutput(GateOperator.HEADERS)).isNullOrEmpty();

                clear(records, GateOperator.HEADERS);
                clear(batches, GateOperator.HEADER_BATCHES);
            }
            assertThat(flushes).isEqualTo(3);
        }
    }

    @Test
    void gateShouldSendNoBatchToASubtaskThatGetsNothing() throws Exception {
        Random rnd = new Random(17);
        // Records none of whose headers belong to COMBINE subtask 2.
        List<InFlight> in = new ArrayList<>();
        for (int i = 0; in.size() < BATCH; i++) {
            if (combineOf("n-" + i) != 2) {
                in.add(record("n-" + i, i % 2, rnd));
            }
        }
        try (var gate = open(GateOperator.batches(opener, gateSettings(BatchTransport.BATCH, 0), null))) {
            // Every expert on slot 1 alone, in force from the next processing-time step.
            gate.processElement2(PlanCodec.encode(everyExpertOn(1)), 0L);
            gate.setProcessingTime(T0 + 1);
            for (InFlight r : in) {
                gate.processElement1(r, 0L);
            }

            List<ExpertTaskBatch> tasks = gate.extractOutputValues();
            assertThat(tasks).singleElement().satisfies(b -> {
                assertThat(b.target).isEqualTo(1);
                assertThat(b.size()).isEqualTo(2 * BATCH);
            });
            List<RecordHeaderBatch> headers = values(gate.getSideOutput(GateOperator.HEADER_BATCHES));
            assertThat(headers).extracting(b -> b.target).doesNotContain(2).doesNotHaveDuplicates();
            assertThat(flatten(headers)).extracting(RecordHeader::eventId).hasSize(BATCH);
        }
    }

    @Test
    void gateShouldDeadLetterTheRecordItCannotRunInBatchTransport() throws Exception {
        GateSettings settings = GateSettings.builder()
                .stageIndex(0)
                .expertsPerStage(List.of(2))
                .slots(1)
                .activationDelayMillis(0)
                .windowMillis(60_000)
                .batchSize(4)
                .maxDelayMillis(60_000)
                .transport(BatchTransport.BATCH)
                .expertParallelism(1)
                .combine(COMBINE, KEY_GROUPS)
                .build();
        try (var gate = open(GateOperator.batches(tinyOpener(), settings, null))) {
            for (int i = 0; i < 4; i++) {
                gate.processElement1(tinyRecord("r" + i, i == 2 ? 3 : 4), 0L);
            }

            assertThat(values(gate.getSideOutput(DeadLetters.TAG)))
                    .singleElement()
                    .satisfies(r -> {
                        assertThat(r.reason).isEqualTo(DeadLetterReason.MODEL_ERROR.name());
                        assertThat(r.eventId).isEqualTo("r2");
                    });
            List<ExpertTaskBatch> tasks = gate.extractOutputValues();
            assertThat(flatten(tasks)).extracting(ExpertTask::eventId).containsExactlyInAnyOrder("r0", "r1", "r3");
            List<RecordHeaderBatch> headers = values(gate.getSideOutput(GateOperator.HEADER_BATCHES));
            assertThat(flatten(headers)).extracting(RecordHeader::eventId).containsExactlyInAnyOrder("r0", "r1", "r3");
            // The retry routes record by record: a batch per record that passed.
            assertBelong(headers, COMBINE, h -> combineOf(h.eventId()));
            assertBelong(tasks, 1, t -> 0);
        }
    }

    @Test
    void factoriesShouldRefuseSettingsOfTheOtherTransport() {
        assertThatThrownBy(() -> GateOperator.batches(opener, gateSettings(BatchTransport.RECORD, 0), null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("batching.transport = record");
        assertThatThrownBy(() -> GateOperator.records(opener, gateSettings(BatchTransport.BATCH, 0), null))
                .hasMessageContaining("batching.transport = batch");
        assertThatThrownBy(() -> ExpertOperator.batches(opener, expertSettings(BatchTransport.RECORD, 1)))
                .hasMessageContaining("batching.transport = record");
        assertThatThrownBy(() -> ExpertOperator.records(opener, expertSettings(BatchTransport.BATCH, 1)))
                .hasMessageContaining("batching.transport = batch");
    }

    @Test
    void settingsOfTheBatchTransportShouldNameTheKeyOfAMissingParallelism() {
        assertThatThrownBy(() ->
                        gateBuilder(BatchTransport.BATCH).expertParallelism(0).build())
                .hasMessageContaining("job.slots");
        assertThatThrownBy(() ->
                        gateBuilder(BatchTransport.BATCH).combine(0, KEY_GROUPS).build())
                .hasMessageContaining("job.parallelism");
        assertThatThrownBy(() ->
                        gateBuilder(BatchTransport.BATCH).combine(COMBINE, 2).build())
                .hasMessageContaining("pipeline.max-parallelism");
        assertThatThrownBy(() -> gateBuilder(null).build()).hasMessageContaining("batching.transport");
        assertThat(gateBuilder(BatchTransport.RECORD).combine(0, 0).build().transport())
                .as("the record transport needs no parallelism")
                .isEqualTo(BatchTransport.RECORD);
        assertThatThrownBy(() -> ExpertSettings.builder()
                        .stageIndex(0)
                        .expertsPerStage(List.of(4))
                        .windowMillis(1)
                        .batchSize(1)
                        .transport(BatchTransport.BATCH)
                        .combine(COMBINE, 0)
                        .build())
                .hasMessageContaining("pipeline.max-parallelism");
    }

    @Test
    void combineMaxParallelismShouldBeWhatAKeyByOfTheSameParallelismGets() {
        assertThat(PartRouting.keyedMaxParallelism(-1, 3)).isEqualTo(128);
        assertThat(PartRouting.keyedMaxParallelism(-1, 200)).isEqualTo(512);
        assertThat(PartRouting.keyedMaxParallelism(1000, 3)).isEqualTo(1000);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(new Configuration());
        env.setParallelism(3);
        assertThat(PartRouting.combineMaxParallelism(env)).isEqualTo(128);
        env.setMaxParallelism(256);
        assertThat(PartRouting.combineMaxParallelism(env)).isEqualTo(256);
    }

    // ---------------------------------------------------------------- EXPERT

    @Test
    void expertBatchesShouldHoldTheRecordTransportsResults() throws Exception {
        int batchSize = 4;
        try (var records =
                        openExpert(ExpertOperator.records(opener, expertSettings(BatchTransport.RECORD, batchSize)));
                var batches =
                        openExpert(ExpertOperator.batches(opener, expertSettings(BatchTransport.BATCH, batchSize)))) {
            int sent = 0;
            for (int round = 0; round < 3; round++) {
                // Expert 0 is resident on slot 0 (round robin): runs happen as tasks arrive.
                ExpertTaskBatch in = new ExpertTaskBatch(0, SLOTS, 1);
                for (int i = 0; i < 5; i++) {
                    ExpertTask t = sqrtTask("t-" + sent++);
                    in.add(t);
                    records.processElement1(t, 0L);
                }
                int before = batches.extractOutputValues().size();
                batches.processElement1(in, 0L);
                List<ExpertResultBatch> run = batches.extractOutputValues()
                        .subList(before, batches.extractOutputValues().size());
                assertThat(run)
                        .as("one queue run per batch of 5 at batch size 4")
                        .isNotEmpty();
                assertGrouped(run, COMBINE, r -> combineOf(r.eventId()));
            }
            records.prepareSnapshotPreBarrier(1L);
            batches.prepareSnapshotPreBarrier(1L);

            List<ExpertResult> expected = records.extractOutputValues();
            assertThat(expected).hasSize(sent).noneMatch(ExpertResult::failed);
            List<ExpertResultBatch> out = batches.extractOutputValues();
            assertThat(flatten(out))
                    .usingRecursiveFieldByFieldElementComparator()
                    .containsExactlyInAnyOrderElementsOf(expected);
            assertThat(out).allSatisfy(b -> {
                assertThat(b.isEmpty()).isFalse();
                assertThat(b.subtasks).isEqualTo(COMBINE);
            });
        }
    }

    @Test
    void expertShouldRefuseABatchForAnotherSubtask() throws Exception {
        try (var expert = openExpert(ExpertOperator.batches(opener, expertSettings(BatchTransport.BATCH, 1)))) {
            ExpertTaskBatch other = new ExpertTaskBatch(1, SLOTS, 1);
            other.add(sqrtTask("x"));
            assertThatThrownBy(() -> expert.processElement1(other, 0L))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("GATE -> EXPERT of stage 0")
                    .hasMessageContaining("for subtask 1 of 4 reached subtask 0 of 4");
            ExpertTaskBatch fewer = new ExpertTaskBatch(0, 2, 1);
            fewer.add(sqrtTask("y"));
            assertThatThrownBy(() -> expert.processElement1(fewer, 0L))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("GATE -> EXPERT");
            assertThat(expert.extractOutputValues()).isEmpty();
        }
    }

    @Test
    void expertShouldReportAnErrorResultInBatchTransport() throws Exception {
        ExpertSettings settings = ExpertSettings.builder()
                .stageIndex(0)
                .expertsPerStage(List.of(2))
                .deviceCount(0)
                .releaseGraceMillis(60_000)
                .windowMillis(60_000)
                .batchSize(4)
                .maxDelayMillis(60_000)
                .transport(BatchTransport.BATCH)
                .combine(COMBINE, KEY_GROUPS)
                .build();
        var op = ExpertOperator.batches(tinyOpener(), settings);
        try (var h = new TwoInputStreamOperatorTestHarness<>(op)) {
            h.open();
            int width = ((ExpertRuntime) field(op, "stage")).width();
            ExpertTaskBatch in = new ExpertTaskBatch(0, 1, 4);
            for (int i = 0; i < 4; i++) {
                in.add(new ExpertTask("r" + i, 0, 0, 0, new float[i == 1 ? width - 1 : width]));
            }
            h.processElement1(in, 0L);

            List<ExpertResultBatch> out = h.extractOutputValues();
            assertThat(flatten(out))
                    .extracting(ExpertResult::eventId)
                    .containsExactlyInAnyOrder("r0", "r1", "r2", "r3");
            assertThat(flatten(out))
                    .filteredOn(ExpertResult::failed)
                    .extracting(ExpertResult::eventId)
                    .containsExactly("r1");
            assertGrouped(out, COMBINE, r -> combineOf(r.eventId()));
        }
    }

    // ---------------------------------------------------------------- helpers

    /** Every batch non-empty, for a distinct subtask of {@code subtasks}, holding only elements of it. */
    private static <T> void assertGrouped(
            List<? extends PartBatch<T>> batches, int subtasks, ToIntFunction<T> subtaskOf) {
        assertBelong(batches, subtasks, subtaskOf);
        assertThat(batches)
                .extracting(b -> b.target)
                .as("one batch per subtask")
                .doesNotHaveDuplicates();
    }

    /** Every batch non-empty, for a subtask of {@code subtasks}, holding only elements of it. */
    private static <T> void assertBelong(
            List<? extends PartBatch<T>> batches, int subtasks, ToIntFunction<T> subtaskOf) {
        for (PartBatch<T> b : batches) {
            assertThat(b.subtasks).isEqualTo(subtasks);
            assertThat(b.isEmpty()).as("%s", b).isFalse();
            for (int i = 0; i < b.size(); i++) {
                assertThat(subtaskOf.applyAsInt(b.get(i)))
                        .as("element %s of %s", i, b)
                        .isEqualTo(b.target);
            }
        }
    }

    private static <T> List<T> flatten(Collection<? extends PartBatch<T>> batches) {
        List<T> out = new ArrayList<>();
        for (PartBatch<T> b : batches) {
            for (int i = 0; i < b.size(); i++) {
                out.add(b.get(i));
            }
        }
        return out;
    }

    private static <T> List<T> values(Collection<StreamRecord<T>> side) {
        List<T> out = new ArrayList<>();
        if (side != null) {
            side.forEach(r -> out.add(r.getValue()));
        }
        return out;
    }

    private static void clear(TwoInputStreamOperatorTestHarness<?, ?, ?> h, OutputTag<?> headers) {
        h.getOutput().clear();
        var side = h.getSideOutput(headers);
        if (side != null) {
            side.clear();
        }
    }

    private static int combineOf(String eventId) {
        return PartRouting.combineSubtask(eventId, KEY_GROUPS, COMBINE);
    }

    private static GateSettings.Builder gateBuilder(BatchTransport transport) {
        return GateSettings.builder()
                .stageIndex(0)
                .expertsPerStage(List.of(SqrtExpertBundle.EXPERTS))
                .slots(SLOTS)
                .activationDelayMillis(0)
                .windowMillis(3_600_000)
                .batchSize(BATCH)
                .maxDelayMillis(3_600_000)
                .transport(transport)
                .expertParallelism(SLOTS)
                .combine(COMBINE, KEY_GROUPS);
    }

    private static GateSettings gateSettings(BatchTransport transport, long activationDelay) {
        return gateBuilder(transport).activationDelayMillis(activationDelay).build();
    }

    private static <OUT> TwoInputStreamOperatorTestHarness<InFlight, byte[], OUT> open(GateOperator<OUT> gate)
            throws Exception {
        var h = new TwoInputStreamOperatorTestHarness<>(gate);
        h.setProcessingTime(T0);
        h.open();
        return h;
    }

    private static ExpertSettings expertSettings(BatchTransport transport, int batchSize) {
        return ExpertSettings.builder()
                .stageIndex(0)
                .expertsPerStage(List.of(SqrtExpertBundle.EXPERTS))
                .deviceCount(0)
                .releaseGraceMillis(3_600_000)
                .windowMillis(3_600_000)
                .batchSize(batchSize)
                .maxDelayMillis(3_600_000)
                .transport(transport)
                .combine(COMBINE, KEY_GROUPS)
                .build();
    }

    /** Subtask 0 of {@link #SLOTS}, to which round robin assigns expert 0. */
    private static <IN, OUT> TwoInputStreamOperatorTestHarness<IN, byte[], OUT> openExpert(ExpertOperator<IN, OUT> op)
            throws Exception {
        var h = new TwoInputStreamOperatorTestHarness<>(op, 128, SLOTS, 0);
        h.setProcessingTime(T0);
        h.open();
        return h;
    }

    private static ExpertTask sqrtTask(String id) {
        float[] row = new float[SqrtExpertBundle.INPUT_DIM];
        for (int i = 0; i < row.length; i++) {
            row[i] = 0.1f * (i + id.length());
        }
        return new ExpertTask(id, 0, 0, 0, row);
    }

    private static PlanVersion everyExpertOn(int slot) {
        List<ExpertReplicas> experts = new ArrayList<>();
        for (int e = 0; e < SqrtExpertBundle.EXPERTS; e++) {
            experts.add(ExpertReplicas.of(new int[] {slot}, new double[] {1.0}));
        }
        return PlanVersion.builder()
                .version(1)
                .timestampMillis(0)
                .reason("test")
                .stage(Placement.of(SLOTS, experts))
                .build();
    }

    private static InFlight record(String id, int task, Random rnd) {
        InFlight r = new InFlight();
        r.eventId = id;
        r.sourceId = "m";
        r.task = task == 0 ? "press" : "lathe";
        r.taskIndex = task;
        r.features = new float[SqrtExpertBundle.INPUT_DIM];
        for (int i = 0; i < r.features.length; i++) {
            r.features[i] = (float) rnd.nextGaussian();
        }
        return r;
    }

    private static StageOpener tinyOpener() throws Exception {
        Path bundle = Path.of(
                GateExpertBatchTransportTest.class.getResource("/bundles/tiny").toURI());
        return new StageOpener(
                bundle.toString(), RuntimeOptions.builder().device(Device.CPU).build());
    }

    private static InFlight tinyRecord(String eventId, int dim) {
        InFlight r = new InFlight();
        r.eventId = eventId;
        r.sourceId = "machine-1";
        r.features = new float[dim];
        for (int i = 0; i < dim; i++) {
            r.features[i] = 0.25f * (i + 1);
        }
        r.rawValue = eventId.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        r.topic = "sensors";
        return r;
    }

    private static Object field(Object operator, String name) throws Exception {
        Field f = operator.getClass().getDeclaredField(name);
        f.setAccessible(true);
        return f.get(operator);
    }
}
