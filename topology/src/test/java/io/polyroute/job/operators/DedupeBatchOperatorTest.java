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
import io.polyroute.job.model.InFlight;
import io.polyroute.job.model.InFlightBatch;
import io.polyroute.job.model.Rejected;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * {@link DedupeBatchOperator} through Flink's keyed operator test harness, with batches routed as
 * {@link DecodeBatchOperator} routes them: repeats within a batch and across batches become
 * {@code DUPLICATE} dead letters; the ids seen survive a restore at another parallelism (2 → 3),
 * because every key's state lands on the subtask its batches now reach; state written by the
 * record-by-record {@link DedupeFunction} restores into it; and a batch addressed to another
 * subtask, or a max parallelism other than the routing's, is refused.
 */
class DedupeBatchOperatorTest {
    private static final Duration HORIZON = Duration.ofMinutes(5);
    private static final int MAX_PARALLELISM = 128;

    private long nextOffset;

    @Test
    void shouldPassTheFirstRecordOfEachIdAndDeadLetterRepeatsWithinAndAcrossBatches() throws Exception {
        var h = batchHarness(1, 0, null);
        InFlightBatch first = batch(0, 1, List.of("a", "b", "a"));
        InFlightBatch second = batch(0, 1, List.of("c", "b"));
        h.processElement(new StreamRecord<>(first));
        h.processElement(new StreamRecord<>(second));

        assertThat(h.extractOutputValues()).extracting(r -> r.eventId).containsExactly("a", "b", "c");
        assertThat(deadLetters(h)).extracting(r -> r.eventId).containsExactly("a", "b");
        assertThat(deadLetters(h)).allSatisfy(r -> assertThat(r.reason).isEqualTo(DeadLetterReason.DUPLICATE.name()));
        assertThat(deadLetters(h).get(0).offset).isEqualTo(first.record(2).offset);
        h.close();
    }

    @Test
    void shouldKeepEveryIdSeenWhenRestoredWithThreeSubtasksInsteadOfTwo() throws Exception {
        List<String> before = ids("old-", 400);
        OperatorSubtaskState[] snapshots = new OperatorSubtaskState[2];
        for (int s = 0; s < 2; s++) {
            var h = batchHarness(2, s, null);
            h.processElement(new StreamRecord<>(batch(s, 2, routed(before, s, 2))));
            assertThat(h.extractOutputValues()).hasSize(routed(before, s, 2).size());
            snapshots[s] = h.snapshot(1L, 1L);
            h.close();
        }
        assertRestoredAtThreeKnowsEveryId(AbstractStreamOperatorTestHarness.repackageState(snapshots), before);
    }

    @Test
    void shouldRestoreStateTheRecordByRecordDedupeWroteAtAnotherParallelism() throws Exception {
        List<String> before = ids("old-", 400);
        OperatorSubtaskState[] snapshots = new OperatorSubtaskState[2];
        for (int s = 0; s < 2; s++) {
            KeyedOneInputStreamOperatorTestHarness<Tuple2<Long, Long>, InFlight, InFlight> h =
                    new KeyedOneInputStreamOperatorTestHarness<>(
                            new KeyedProcessOperator<>(new DedupeFunction(HORIZON)),
                            r -> EventKey.of(r.eventId),
                            EventKey.TYPE,
                            MAX_PARALLELISM,
                            2,
                            s);
            h.open();
            for (String id : routed(before, s, 2)) {
                h.processElement(new StreamRecord<>(record(id)));
            }
            snapshots[s] = h.snapshot(1L, 1L);
            h.close();
        }
        assertRestoredAtThreeKnowsEveryId(AbstractStreamOperatorTestHarness.repackageState(snapshots), before);
    }

    private void assertRestoredAtThreeKnowsEveryId(OperatorSubtaskState all, List<String> before) throws Exception {
        List<String> fresh = ids("new-", 60);
        List<String> passed = new ArrayList<>();
        List<String> duplicates = new ArrayList<>();
        for (int s = 0; s < 3; s++) {
            OperatorSubtaskState mine =
                    AbstractStreamOperatorTestHarness.repartitionOperatorState(all, MAX_PARALLELISM, 2, 3, s);
            var h = batchHarness(3, s, mine);
            List<String> again = new ArrayList<>(routed(before, s, 3));
            again.addAll(routed(fresh, s, 3));
            h.processElement(new StreamRecord<>(batch(s, 3, again)));
            h.extractOutputValues().forEach(r -> passed.add(r.eventId));
            deadLetters(h).forEach(r -> duplicates.add(r.eventId));
            h.close();
        }
        assertThat(duplicates).containsExactlyInAnyOrderElementsOf(before);
        assertThat(passed).containsExactlyInAnyOrderElementsOf(fresh);
    }

    @Test
    void shouldRefuseABatchForAnotherSubtaskAndAnotherMaxParallelism() throws Exception {
        var h = batchHarness(2, 0, null);
        // The heap backend refuses the batch's first key (outside this subtask's key groups) before
        // the operator's own check does; either way the batch is not processed here.
        assertThatThrownBy(() -> h.processElement(new StreamRecord<>(batch(1, 2, routed(ids("x-", 50), 1, 2)))))
                .isInstanceOf(RuntimeException.class);
        assertThat(h.extractOutputValues()).isEmpty();
        h.close();

        var other = new KeyedOneInputStreamOperatorTestHarness<>(
                new DedupeBatchOperator(HORIZON, MAX_PARALLELISM),
                new DecodeBatchOperator.FirstKey(),
                EventKey.TYPE,
                256,
                2,
                0);
        assertThatThrownBy(other::open)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("max parallelism 256");
    }

    private static KeyedOneInputStreamOperatorTestHarness<Tuple2<Long, Long>, InFlightBatch, InFlight> batchHarness(
            int subtasks, int subtask, OperatorSubtaskState restore) throws Exception {
        OneInputStreamOperator<InFlightBatch, InFlight> op = new DedupeBatchOperator(HORIZON, MAX_PARALLELISM);
        var h = new KeyedOneInputStreamOperatorTestHarness<>(
                op, new DecodeBatchOperator.FirstKey(), EventKey.TYPE, MAX_PARALLELISM, subtasks, subtask);
        if (restore != null) {
            h.initializeState(restore);
        }
        h.open();
        return h;
    }

    private static List<String> ids(String prefix, int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(prefix + i);
        }
        return out;
    }

    /** The ids of {@code ids} that Flink's keyed routing gives to {@code subtask} of {@code subtasks}. */
    private static List<String> routed(List<String> ids, int subtask, int subtasks) {
        List<String> out = new ArrayList<>();
        for (String id : ids) {
            long[] k = EventKey.hash(id);
            if (DecodeBatchOperator.subtaskOf(k[0], k[1], MAX_PARALLELISM, subtasks) == subtask) {
                out.add(id);
            }
        }
        return out;
    }

    private InFlightBatch batch(int target, int subtasks, List<String> ids) {
        InFlightBatch b = new InFlightBatch(target, subtasks, ids.size());
        for (String id : ids) {
            long[] k = EventKey.hash(id);
            b.add(k[0], k[1], record(id));
        }
        return b;
    }

    private InFlight record(String eventId) {
        long offset = nextOffset++;
        InFlight r = new InFlight();
        r.eventId = eventId;
        r.features = new float[] {1f, 2f};
        r.rawValue = ("value-" + offset).getBytes(StandardCharsets.UTF_8);
        r.topic = "sensors";
        r.offset = offset;
        return r;
    }

    private static List<Rejected> deadLetters(
            KeyedOneInputStreamOperatorTestHarness<Tuple2<Long, Long>, InFlightBatch, InFlight> h) {
        List<Rejected> out = new ArrayList<>();
        var side = h.getSideOutput(DeadLetters.TAG);
        if (side != null) {
            for (StreamRecord<Rejected> r : side) {
                out.add(r.getValue());
            }
        }
        return out;
    }
}
