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
import io.polyroute.avro.ShadowPair;
import io.polyroute.job.model.ExpertResult;
import io.polyroute.job.model.ExpertResultBatch;
import io.polyroute.job.model.InFlight;
import io.polyroute.job.model.InFlightSerializer;
import io.polyroute.job.model.RecordHeader;
import io.polyroute.job.model.RecordHeaderBatch;
import io.polyroute.job.model.Rejected;
import io.polyroute.job.rollout.KeyedBytes;
import io.polyroute.job.rollout.RolloutOutputs;
import io.polyroute.runtime.onnx.Device;
import io.polyroute.runtime.onnx.RuntimeOptions;
import io.polyroute.schemas.AvroCodec;
import io.polyroute.schemas.AvroEncoding;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link CombineBatchOperator} against Flink's {@code KeyedCoProcessOperator} running the same
 * {@link CombineFunction}, both through the keyed two-input harness as subtask 1 of 2 under 128 key
 * groups, on the {@code bundles/tiny} manifest (one stage of 2 experts, top-1, output width 4), with
 * batches grouped by {@link PartRouting#combineSubtask}: the same inputs give the same predictions,
 * dead letters (an expert error, a header whose results never come, results whose header never
 * comes), shadow pairs, state and timers; pending records and their timers checkpointed by either
 * operator complete or time out in the other; and a batch for another subtask or parallelism, or a
 * max parallelism other than the batches', is refused.
 */
@Timeout(60)
class CombineBatchOperatorTest {
    private static final long TIMEOUT = 10_000;
    private static final int WIDTH = 4;
    private static final int MAX_PARALLELISM = 128;
    private static final int SUBTASKS = 2;
    private static final int SUBTASK = 1;

    /** Event ids the keyed routing gives to this harness's subtask. */
    private static final List<String> IDS = idsOf(SUBTASK, 6);

    private static final String A = IDS.get(0);
    private static final String B = IDS.get(1);
    private static final String C = IDS.get(2);
    private static final String D = IDS.get(3);
    private static final String E = IDS.get(4);
    private static final String F = IDS.get(5);

    private enum Kind {
        RECORDS,
        BATCHES
    }

    @Test
    void shouldGiveTheSameOutputsStateAndTimersAsTheRecordByRecordOperator() throws Exception {
        List<String> records = transcript(Kind.RECORDS);
        List<String> batches = transcript(Kind.BATCHES);

        assertThat(batches).containsExactlyElementsOf(records);
        // The scenario covers what it claims to.
        assertThat(records)
                .anyMatch(s -> s.startsWith("out " + A))
                .anyMatch(s -> s.startsWith("out " + E))
                .anyMatch(s -> s.startsWith("dlq " + DeadLetterReason.MODEL_ERROR.name() + " " + B))
                .anyMatch(s -> s.startsWith("dlq " + DeadLetterReason.INCOMPLETE.name() + " " + C))
                .anyMatch(s -> s.startsWith("dlq " + DeadLetterReason.INCOMPLETE.name() + " " + D))
                .anyMatch(s -> s.startsWith("pair " + E))
                .contains("state 0 timers 0");
    }

    /**
     * Everything {@code kind} emits, and its state and timers after each step, for: results and
     * headers of records that complete (A; E and its shadow copy, paired at the last stage), fail
     * (B, an expert error), never get their header (C) or their results (D, read at 50 ms).
     */
    private static List<String> transcript(Kind kind) throws Exception {
        List<String> out = new ArrayList<>();
        try (Combine c = open(kind, null, 0)) {
            InFlight e = record(E, 0);
            // Flags e as having a copy, as the first stage's GATE does.
            InFlight copy = shadowCopy(e);
            c.results(
                    result(A, 1, 2f),
                    failure(B, 0, "expert 0 failed: out of memory"),
                    result(C, 1, 3f),
                    result(copy.eventId, 0, 5f));
            c.log(out);
            c.headers(
                    header(record(A, 0), 1),
                    header(record(B, 0), 0),
                    header(record(D, 50), 1),
                    header(e, 1),
                    header(copy, 0));
            c.log(out);
            c.time(100);
            c.results(result(E, 1, 4f));
            c.log(out);
            c.time(TIMEOUT);
            c.log(out);
            c.time(TIMEOUT + 50);
            c.log(out);
            c.time(3 * TIMEOUT);
            c.log(out);
        }
        return out;
    }

    @Test
    void shouldCompleteAndTimeOutRecordsTheRecordByRecordOperatorCheckpointed() throws Exception {
        restoreAndComplete(Kind.RECORDS, Kind.BATCHES);
    }

    @Test
    void shouldCompleteAndTimeOutRecordsItCheckpointedInTheRecordByRecordOperator() throws Exception {
        restoreAndComplete(Kind.BATCHES, Kind.RECORDS);
    }

    private static void restoreAndComplete(Kind before, Kind after) throws Exception {
        OperatorSubtaskState snapshot;
        try (Combine c = open(before, null, 0)) {
            // A waits for its header, F for its result, D for results that never come.
            c.results(result(A, 1, 2f));
            c.headers(header(record(D, 0), 1), header(record(F, 0), 0));
            assertThat(c.timers()).isEqualTo(3);
            assertThat(c.stateEntries()).isEqualTo(3);
            snapshot = c.snapshot();
        }
        try (Combine c = open(after, snapshot, 1_000)) {
            c.headers(header(record(A, 0), 1));
            c.results(result(F, 0, 6f));
            assertThat(c.outputs())
                    .extracting(r -> r.eventId + " " + Arrays.toString(r.previous))
                    .containsExactly(A + " [2.0, 2.0, 2.0, 2.0]", F + " [6.0, 6.0, 6.0, 6.0]");
            assertThat(c.deadLetters()).isEmpty();
            assertThat(c.timers()).isEqualTo(1);

            c.time(TIMEOUT - 1);
            assertThat(c.deadLetters()).isEmpty();
            c.time(TIMEOUT);
            assertThat(c.deadLetters()).singleElement().satisfies(r -> {
                assertThat(r.reason).isEqualTo(DeadLetterReason.INCOMPLETE.name());
                assertThat(r.eventId).isEqualTo(D);
                assertThat(r.message).contains("received 0 of 1 expert results");
            });
            assertThat(c.stateEntries()).isZero();
            assertThat(c.timers()).isZero();
        }
    }

    @Test
    void shouldKeepTheTimersOfRecordsThatCompleteWithinTheGraceOutOfFlinksTimerService() throws Exception {
        long grace = CombineBatchOperator.graceMillis(TIMEOUT);
        assertThat(grace).isEqualTo(1_000);
        try (Combine c = open(Kind.BATCHES, null, 0)) {
            c.headers(header(record(A, 0), 1), header(record(D, 0), 1));
            assertThat(c.timers()).isEqualTo(2);
            assertThat(c.timersInFlink()).isZero();

            c.time(grace / 2);
            c.results(result(A, 1, 2f)); // A completes within the grace: its timer never reaches the heap
            assertThat(c.outputs()).extracting(r -> r.eventId).containsExactly(A);
            assertThat(c.timers()).isEqualTo(1);
            assertThat(c.timersInFlink()).isZero();

            c.time(grace);
            assertThat(c.timersInFlink()).isZero();
            c.time(2 * grace); // D still waits: its timer goes in, long before its time
            assertThat(c.timersInFlink()).isEqualTo(1);
            assertThat(c.timers()).isEqualTo(1);

            c.time(TIMEOUT - 1);
            assertThat(c.deadLetters()).isEmpty();
            c.time(TIMEOUT);
            assertThat(c.deadLetters())
                    .singleElement()
                    .satisfies(r -> assertThat(r.eventId).isEqualTo(D));
            assertThat(c.timers()).isZero();
            assertThat(c.stateEntries()).isZero();
        }
    }

    @Test
    void shouldSetATimerDueWithinTwoGracePeriodsInFlinksTimerServiceAtOnce() throws Exception {
        // Read 9.5 s ago: due in 0.5 s, sooner than a deferred timer would go in.
        try (Combine c = open(Kind.BATCHES, null, TIMEOUT - 500 + 1)) {
            c.headers(header(record(D, 1), 1));
            assertThat(c.timersInFlink()).isEqualTo(1);
            c.time(TIMEOUT);
            assertThat(c.deadLetters()).isEmpty();
            c.time(TIMEOUT + 1);
            assertThat(c.deadLetters())
                    .singleElement()
                    .satisfies(r -> assertThat(r.eventId).isEqualTo(D));
        }
    }

    @Test
    void shouldRefuseABatchForAnotherSubtaskOrParallelism() throws Exception {
        try (Combine c = open(Kind.BATCHES, null, 0)) {
            var h = ((BatchCombine) c).harness;
            String other = idsOf(0, 1).get(0);
            ExpertResultBatch results = new ExpertResultBatch(0, SUBTASKS, 1);
            results.add(result(other, 1, 2f));
            assertThatThrownBy(() -> h.processElement1(new StreamRecord<>(results)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("for subtask 0 of 2 reached subtask 1 of 2")
                    .hasMessageContaining("CombineBatchOperator.wire");

            RecordHeaderBatch headers = new RecordHeaderBatch(SUBTASK, 3, 1);
            headers.add(header(record(A, 0), 1));
            assertThatThrownBy(() -> h.processElement2(new StreamRecord<>(headers)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("for subtask 1 of 3 reached subtask 1 of 2");

            assertThat(h.extractOutputValues()).isEmpty();
            assertThat(h.numKeyedStateEntries()).isZero();
        }
    }

    @Test
    void shouldRefuseToRunWithAnotherMaxParallelismThanTheBatches() throws Exception {
        try (var h = new KeyedTwoInputStreamOperatorTestHarness<>(
                new CombineBatchOperator(function(), MAX_PARALLELISM),
                new CombineBatchOperator.ResultsKey(),
                new CombineBatchOperator.HeadersKey(),
                Types.STRING,
                256,
                SUBTASKS,
                SUBTASK)) {
            assertThatThrownBy(h::open)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("max parallelism 256")
                    .hasMessageContaining("grouped for " + MAX_PARALLELISM);
        }
    }

    @Test
    void shouldKeyABatchByItsFirstElementsCombineKey() throws Exception {
        ExpertResultBatch results = new ExpertResultBatch(0, 1, 2);
        results.add(result(ShadowCopies.MARK + "m-1", 0, 1f));
        results.add(result("m-2", 0, 1f));
        assertThat(new CombineBatchOperator.ResultsKey().getKey(results)).isEqualTo("m-1");
        RecordHeaderBatch headers = new RecordHeaderBatch(0, 1, 1);
        headers.add(header(record("m-3", 0), 0));
        assertThat(new CombineBatchOperator.HeadersKey().getKey(headers)).isEqualTo("m-3");
        assertThatThrownBy(() -> new CombineBatchOperator.HeadersKey().getKey(new RecordHeaderBatch(0, 1, 1)))
                .hasMessageContaining("empty batch");
    }

    // ---- the two operators behind one driver ----

    private static Combine open(Kind kind, OperatorSubtaskState restore, long time) throws Exception {
        Combine c = kind == Kind.RECORDS ? new RecordCombine() : new BatchCombine();
        c.harness().setProcessingTime(time);
        if (restore != null) {
            c.harness().initializeState(restore);
        }
        c.harness().open();
        return c;
    }

    private static CombineFunction function() throws Exception {
        StageOpener opener = new StageOpener(
                bundle(), RuntimeOptions.builder().device(Device.CPU).build());
        return new CombineFunction(opener, 0, Duration.ofMillis(TIMEOUT), AvroEncoding.BINARY);
    }

    /** Feeds one COMBINE operator and reads what it emitted. */
    private abstract static class Combine implements AutoCloseable {
        abstract KeyedTwoInputStreamOperatorTestHarness<String, ?, ?, InFlight> harness();

        /** {@code results} in the order given: one by one, or as one batch. */
        abstract void results(ExpertResult... results) throws Exception;

        /** {@code headers} in the order given: one by one, or as one batch. */
        abstract void headers(RecordHeader... headers) throws Exception;

        void time(long millis) throws Exception {
            harness().setProcessingTime(millis);
        }

        OperatorSubtaskState snapshot() throws Exception {
            return harness().snapshot(1L, 1L);
        }

        int stateEntries() {
            return harness().numKeyedStateEntries();
        }

        /** Timers the function has set and not deleted. */
        int timers() {
            return harness().numProcessingTimeTimers();
        }

        /** Of those, the timers in Flink's timer service. */
        int timersInFlink() {
            return harness().numProcessingTimeTimers();
        }

        List<InFlight> outputs() {
            return harness().extractOutputValues();
        }

        List<Rejected> deadLetters() {
            List<Rejected> out = new ArrayList<>();
            var side = harness().getSideOutput(DeadLetters.TAG);
            if (side != null) {
                side.forEach(r -> out.add(r.getValue()));
            }
            return out;
        }

        List<ShadowPair> pairs() {
            AvroCodec<ShadowPair> codec = AvroCodec.of(ShadowPair.class, AvroEncoding.BINARY);
            List<ShadowPair> out = new ArrayList<>();
            var side = harness().getSideOutput(RolloutOutputs.SHADOW);
            if (side != null) {
                for (StreamRecord<KeyedBytes> r : side) {
                    ShadowPair p = codec.decode(r.getValue().value);
                    // When the pair was written is the one field that may differ.
                    p.setProcessedTime(Instant.EPOCH);
                    out.add(p);
                }
            }
            return out;
        }

        /** Appends everything emitted so far, then the number of state entries and timers. */
        void log(List<String> log) throws Exception {
            for (InFlight r : outputs()) {
                DataOutputSerializer bytes = new DataOutputSerializer(256);
                InFlightSerializer.INSTANCE.serialize(r, bytes);
                log.add("out " + r.eventId + " " + Base64.getEncoder().encodeToString(bytes.getCopyOfBuffer()));
            }
            // Timers due at the same millisecond fire in an order Flink leaves open: sorted.
            List<String> letters = new ArrayList<>();
            for (Rejected r : deadLetters()) {
                letters.add("dlq " + r.reason + " " + r.eventId + " " + r.message + " "
                        + (r.value == null ? "-" : new String(r.value, StandardCharsets.UTF_8)) + " " + r.offset);
            }
            letters.sort(null);
            log.addAll(letters);
            for (ShadowPair p : pairs()) {
                log.add("pair " + p.getEventId() + " " + p);
            }
            log.add("state " + stateEntries() + " timers " + timers());
        }

        @Override
        public void close() throws Exception {
            harness().close();
        }
    }

    /** Flink's {@code KeyedCoProcessOperator}, keyed by the COMBINE key as the record-by-record job keys it. */
    private static final class RecordCombine extends Combine {
        final KeyedTwoInputStreamOperatorTestHarness<String, ExpertResult, RecordHeader, InFlight> harness;

        RecordCombine() throws Exception {
            harness = new KeyedTwoInputStreamOperatorTestHarness<>(
                    new KeyedCoProcessOperator<>(function()),
                    (ExpertResult r) -> ShadowCopies.key(r.eventId()),
                    (RecordHeader h) -> ShadowCopies.key(h.eventId()),
                    Types.STRING,
                    MAX_PARALLELISM,
                    SUBTASKS,
                    SUBTASK);
        }

        @Override
        KeyedTwoInputStreamOperatorTestHarness<String, ?, ?, InFlight> harness() {
            return harness;
        }

        @Override
        void results(ExpertResult... results) throws Exception {
            for (ExpertResult r : results) {
                harness.processElement1(new StreamRecord<>(r));
            }
        }

        @Override
        void headers(RecordHeader... headers) throws Exception {
            for (RecordHeader h : headers) {
                harness.processElement2(new StreamRecord<>(h));
            }
        }
    }

    /** {@link CombineBatchOperator}, fed one batch per call, grouped for this subtask. */
    private static final class BatchCombine extends Combine {
        final KeyedTwoInputStreamOperatorTestHarness<String, ExpertResultBatch, RecordHeaderBatch, InFlight> harness;

        BatchCombine() throws Exception {
            harness = new KeyedTwoInputStreamOperatorTestHarness<>(
                    new CombineBatchOperator(function(), MAX_PARALLELISM),
                    new CombineBatchOperator.ResultsKey(),
                    new CombineBatchOperator.HeadersKey(),
                    Types.STRING,
                    MAX_PARALLELISM,
                    SUBTASKS,
                    SUBTASK);
        }

        @Override
        KeyedTwoInputStreamOperatorTestHarness<String, ?, ?, InFlight> harness() {
            return harness;
        }

        @Override
        int timers() {
            return harness.numProcessingTimeTimers() + ((CombineBatchOperator) harness.getOperator()).deferredTimers();
        }

        @Override
        void results(ExpertResult... results) throws Exception {
            ExpertResultBatch b = new ExpertResultBatch(SUBTASK, SUBTASKS, results.length);
            for (ExpertResult r : results) {
                assertThat(PartRouting.combineSubtask(r.eventId(), MAX_PARALLELISM, SUBTASKS))
                        .isEqualTo(SUBTASK);
                b.add(r);
            }
            harness.processElement1(new StreamRecord<>(b));
        }

        @Override
        void headers(RecordHeader... headers) throws Exception {
            RecordHeaderBatch b = new RecordHeaderBatch(SUBTASK, SUBTASKS, headers.length);
            for (RecordHeader h : headers) {
                assertThat(PartRouting.combineSubtask(h.eventId(), MAX_PARALLELISM, SUBTASKS))
                        .isEqualTo(SUBTASK);
                b.add(h);
            }
            harness.processElement2(new StreamRecord<>(b));
        }
    }

    // ---- inputs ----

    /** The first {@code n} ids {@code id-0}, {@code id-1}, … that the keyed routing gives to {@code subtask}. */
    private static List<String> idsOf(int subtask, int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; out.size() < n; i++) {
            String id = "id-" + i;
            if (PartRouting.combineSubtask(id, MAX_PARALLELISM, SUBTASKS) == subtask) {
                out.add(id);
            }
        }
        return out;
    }

    private static String bundle() throws Exception {
        return Path.of(CombineBatchOperatorTest.class
                        .getResource("/bundles/tiny")
                        .toURI())
                .toString();
    }

    private static ExpertResult result(String eventId, int expert, float value) {
        float[] y = new float[WIDTH];
        Arrays.fill(y, value);
        return new ExpertResult(eventId, 0, expert, 0, y, null);
    }

    private static ExpertResult failure(String eventId, int expert, String error) {
        return new ExpertResult(eventId, 0, expert, 0, new float[0], error);
    }

    /** The header of {@code rec} routed top-1 to {@code expert} with weight 1. */
    private static RecordHeader header(InFlight rec, int expert) {
        return new RecordHeader(
                rec.eventId, 0, rec, 1, 1, new int[] {expert}, new float[] {1f}, new int[] {0}, 1, null, 0);
    }

    private static InFlight record(String eventId, long readTime) {
        InFlight r = new InFlight();
        r.eventId = eventId;
        r.sourceId = "machine-1";
        r.features = new float[] {1f, 2f, 3f, 4f};
        r.readTime = readTime;
        r.rawKey = eventId.getBytes(StandardCharsets.UTF_8);
        r.rawValue = (eventId + "@" + readTime).getBytes(StandardCharsets.UTF_8);
        r.topic = "sensors";
        return r;
    }

    /** The shadow copy of {@code rec}, stamped with tiny:2; {@code rec} gains the flag of a shadowed record. */
    private static InFlight shadowCopy(InFlight rec) throws Exception {
        InFlight copy = ShadowCopies.copyOf(rec);
        ShadowCopies.unflag(copy);
        copy.modelName = "tiny";
        copy.modelVersion = "2";
        copy.modelPath = bundle();
        return copy;
    }
}
