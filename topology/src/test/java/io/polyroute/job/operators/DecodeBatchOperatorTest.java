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
import io.polyroute.avro.SensorReading;
import io.polyroute.job.model.InFlight;
import io.polyroute.job.model.InFlightBatch;
import io.polyroute.job.model.RawRecord;
import io.polyroute.schemas.AvroCodec;
import io.polyroute.schemas.AvroEncoding;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * {@link DecodeBatchOperator} through Flink's operator test harness: accepted records leave in one
 * batch per dedupe subtask, each record in the batch of the subtask Flink's keyed routing gives its
 * event id; batches leave when full, at their deadline, before a checkpoint barrier and at the end of
 * input, never otherwise; refused records go to the dead letters at once.
 */
class DecodeBatchOperatorTest {
    private static final int MAX_PARALLELISM = 128;
    private static final int SUBTASKS = 3;
    private static final long HOUR = 3_600_000L;
    private static final AvroCodec<SensorReading> CODEC = AvroCodec.of(SensorReading.class, AvroEncoding.BINARY);

    private long nextOffset;

    @Test
    void shouldHoldBatchesUntilTheBarrierAndThenEmitOnePerSubtaskWithEveryRecordWhereFlinkRoutesItsKey()
            throws Exception {
        OneInputStreamOperatorTestHarness<RawRecord, InFlightBatch> h = harness(10_000, HOUR);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            ids.add("ev-" + i);
            h.processElement(new StreamRecord<>(raw("ev-" + i)));
        }
        h.processElement(new StreamRecord<>(rawBytes("garbage".getBytes(StandardCharsets.UTF_8)), 42L));
        h.setProcessingTime(HOUR - 1);

        assertThat(h.extractOutputValues()).isEmpty();
        assertThat(h.getSideOutput(DeadLetters.TAG))
                .extracting(r -> r.getValue().reason)
                .containsExactly(DeadLetterReason.UNDECODABLE.name());
        assertThat(h.getSideOutput(DeadLetters.TAG).peek().getTimestamp()).isEqualTo(42L);

        h.prepareSnapshotPreBarrier(1L);

        List<InFlightBatch> batches = h.extractOutputValues();
        assertThat(batches).hasSize(SUBTASKS);
        Set<Integer> targets = new HashSet<>();
        List<String> seen = new ArrayList<>();
        for (InFlightBatch b : batches) {
            assertThat(b.subtasks).isEqualTo(SUBTASKS);
            assertThat(targets.add(b.target)).isTrue();
            for (int i = 0; i < b.size(); i++) {
                InFlight rec = b.record(i);
                seen.add(rec.eventId);
                assertThat(b.key(i)).isEqualTo(EventKey.of(rec.eventId));
                assertThat(KeyGroupRangeAssignment.assignKeyToParallelOperator(
                                EventKey.of(rec.eventId), MAX_PARALLELISM, SUBTASKS))
                        .isEqualTo(b.target);
            }
        }
        assertThat(seen).containsExactlyInAnyOrderElementsOf(ids);
        h.close();
    }

    @Test
    void shouldEmitABatchWhenItsSubtaskHasAFullOneAndTheRestAtTheDeadline() throws Exception {
        OneInputStreamOperatorTestHarness<RawRecord, InFlightBatch> h = harness(4, 50);
        h.setProcessingTime(0);
        int sent = 0;
        while (h.extractOutputValues().isEmpty()) {
            h.processElement(new StreamRecord<>(raw("ev-" + sent++)));
        }
        assertThat(h.extractOutputValues())
                .singleElement()
                .satisfies(b -> assertThat(b.size()).isEqualTo(4));
        h.setProcessingTime(49);
        assertThat(h.extractOutputValues()).hasSize(1);
        h.setProcessingTime(50);
        int total = 0;
        for (InFlightBatch b : h.extractOutputValues()) {
            total += b.size();
        }
        assertThat(total).isEqualTo(sent);
        h.close();
    }

    @Test
    void shouldEmitWhatIsBufferedAtTheEndOfInput() throws Exception {
        OneInputStreamOperatorTestHarness<RawRecord, InFlightBatch> h = harness(10_000, HOUR);
        for (int i = 0; i < 7; i++) {
            h.processElement(new StreamRecord<>(raw("ev-" + i)));
        }
        h.endInput();
        h.close();
        int total = 0;
        for (InFlightBatch b : h.extractOutputValues()) {
            total += b.size();
        }
        assertThat(total).isEqualTo(7);
    }

    @Test
    void shouldRefuseABatchGroupedForAnotherParallelism() {
        InFlightBatch b = new InFlightBatch(1, 3, 1);
        assertThat(new DecodeBatchOperator.Routing().partition(b, 3)).isEqualTo(1);
        assertThatThrownBy(() -> new DecodeBatchOperator.Routing().partition(b, 4))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("same parallelism");
    }

    private static OneInputStreamOperatorTestHarness<RawRecord, InFlightBatch> harness(int size, long delay)
            throws Exception {
        DecodeValidateFunction fn =
                new DecodeValidateFunction(new InputContract(3, List.of(), false, 1000), AvroEncoding.BINARY);
        OneInputStreamOperatorTestHarness<RawRecord, InFlightBatch> h = new OneInputStreamOperatorTestHarness<>(
                new DecodeBatchOperator(fn, MAX_PARALLELISM, size, delay), MAX_PARALLELISM, SUBTASKS, 0);
        h.open();
        return h;
    }

    private RawRecord raw(String eventId) {
        return rawBytes(CODEC.encode(SensorReading.newBuilder()
                .setEventId(eventId)
                .setSourceId("machine-1")
                .setTask(null)
                .setEventTime(Instant.ofEpochMilli(1_700_000_000_000L))
                .setFeatures(new ArrayList<>(List.of(0.5f, -1.5f, 2f)))
                .build()));
    }

    private RawRecord rawBytes(byte[] value) {
        long offset = nextOffset++;
        return new RawRecord(null, value, "sensors", 0, offset, 0L, 0L);
    }
}
