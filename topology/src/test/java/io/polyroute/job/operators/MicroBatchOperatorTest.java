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

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The micro-batch base through Flink's operator harness and its processing time: a batch is
 * flushed when it is full, when its oldest record has waited the maximum delay (and not earlier,
 * even when an older timer fires), before the checkpoint barrier and at the end of input; a job
 * restored from a snapshot goes on with the same batches as one that never stopped; batch sizes
 * follow the load: the target grows under sustained full batches up to its bound, falls back when
 * the input thins, and the deadline holds whatever the target.
 */
@Timeout(60)
class MicroBatchOperatorTest {
    private static final int SIZE = 4;
    private static final long DELAY = 100;
    private static final long T0 = 1_000;

    /** Emits every flushed batch as one list of its records. */
    private static final class Batcher extends MicroBatchOperator<List<Integer>>
            implements OneInputStreamOperator<Integer, List<Integer>> {
        private static final long serialVersionUID = 1L;
        private transient List<Integer> buffer;

        Batcher() {
            this(SIZE);
        }

        Batcher(int max) {
            super(SIZE, max, DELAY);
        }

        int target() {
            return targetSize();
        }

        @Override
        public void open() throws Exception {
            super.open();
            buffer = new ArrayList<>();
        }

        @Override
        public void processElement(StreamRecord<Integer> element) throws Exception {
            buffer.add(element.getValue());
            afterBuffering();
            if (isFull()) {
                flushAndRecord();
            }
        }

        @Override
        protected int buffered() {
            return buffer == null ? 0 : buffer.size();
        }

        @Override
        protected void flushAll() {
            output.collect(new StreamRecord<>(buffer));
            buffer = new ArrayList<>();
        }
    }

    private static OneInputStreamOperatorTestHarness<Integer, List<Integer>> harness() throws Exception {
        return harness(SIZE);
    }

    private static OneInputStreamOperatorTestHarness<Integer, List<Integer>> harness(int max) throws Exception {
        var h = new OneInputStreamOperatorTestHarness<>(new Batcher(max));
        h.setProcessingTime(T0);
        return h;
    }

    private static void send(OneInputStreamOperatorTestHarness<Integer, List<Integer>> h, int from, int to)
            throws Exception {
        for (int i = from; i < to; i++) {
            h.processElement(i, 0L);
        }
    }

    @Test
    void shouldFlushABatchWhenItIsFull() throws Exception {
        try (var h = harness()) {
            h.open();
            send(h, 0, SIZE - 1);
            assertThat(h.extractOutputValues()).isEmpty();

            send(h, SIZE - 1, SIZE + 1);
            assertThat(h.extractOutputValues()).containsExactly(List.of(0, 1, 2, 3));
        }
    }

    @Test
    void shouldFlushABatchWhenItsOldestRecordHasWaitedTheMaximumDelay() throws Exception {
        try (var h = harness()) {
            h.open();
            send(h, 0, SIZE); // full: flushed, but its timer is still armed for T0 + DELAY
            h.setProcessingTime(T0 + DELAY / 2);
            send(h, SIZE, SIZE + 1);

            h.setProcessingTime(T0 + DELAY);
            assertThat(h.extractOutputValues())
                    .as("the first batch's timer does not cut the younger batch short")
                    .containsExactly(List.of(0, 1, 2, 3));

            h.setProcessingTime(T0 + DELAY / 2 + DELAY - 1);
            assertThat(h.extractOutputValues()).hasSize(1);
            h.setProcessingTime(T0 + DELAY / 2 + DELAY);
            assertThat(h.extractOutputValues()).containsExactly(List.of(0, 1, 2, 3), List.of(4));
        }
    }

    @Test
    void shouldFlushBeforeTheBarrierAndAtTheEndOfInput() throws Exception {
        try (var h = harness()) {
            h.open();
            send(h, 0, 2);
            h.prepareSnapshotPreBarrier(1L);
            assertThat(h.extractOutputValues()).containsExactly(List.of(0, 1));
            assertThat(((Batcher) h.getOperator()).buffered()).isZero();

            send(h, 2, 3);
            h.getOperator().finish();
            assertThat(h.extractOutputValues()).containsExactly(List.of(0, 1), List.of(2));
        }
    }

    @Test
    void shouldResumeTheSameBatchesAfterARestore() throws Exception {
        List<List<Integer>> uninterrupted;
        try (var h = harness()) {
            h.open();
            send(h, 0, 6);
            h.prepareSnapshotPreBarrier(1L);
            h.snapshot(1L, T0);
            send(h, 6, 11);
            uninterrupted = h.extractOutputValues();
        }

        List<List<Integer>> resumed = new ArrayList<>();
        OperatorSubtaskState snapshot;
        try (var before = harness()) {
            before.open();
            send(before, 0, 6);
            before.prepareSnapshotPreBarrier(1L);
            snapshot = before.snapshot(1L, T0);
            send(before, 6, 8); // lost with the failure: replayed from the source after the restore
            resumed.addAll(before.extractOutputValues());
        }
        try (var after = harness()) {
            after.initializeState(snapshot);
            after.open();
            send(after, 6, 11);
            resumed.addAll(after.extractOutputValues());
        }

        assertThat(uninterrupted).containsExactly(List.of(0, 1, 2, 3), List.of(4, 5), List.of(6, 7, 8, 9));
        assertThat(resumed).isEqualTo(uninterrupted);
    }

    private static List<Integer> sizes(OneInputStreamOperatorTestHarness<Integer, List<Integer>> h) {
        return h.extractOutputValues().stream().map(List::size).toList();
    }

    private static int target(OneInputStreamOperatorTestHarness<Integer, List<Integer>> h) {
        return ((Batcher) h.getOperator()).target();
    }

    @Test
    void shouldGrowTheBatchUnderSustainedFullBatchesUpToItsBound() throws Exception {
        try (var h = harness(16)) {
            h.open();
            assertThat(target(h)).isEqualTo(SIZE);
            send(h, 0, 4 + 4 + 8 + 8 + 16 * 4); // a backlog: every batch fills before its deadline
            assertThat(sizes(h))
                    .as("two full batches at each size, then double, never above 16")
                    .containsExactly(4, 4, 8, 8, 16, 16, 16, 16);
            assertThat(target(h)).isEqualTo(16);
            assertThat(h.extractOutputValues().stream().flatMap(List::stream).toList())
                    .as("every record once, in order")
                    .isEqualTo(java.util.stream.IntStream.range(0, 88).boxed().toList());
        }
    }

    @Test
    void shouldShrinkBackWhenTheInputThins() throws Exception {
        try (var h = harness(64)) {
            h.open();
            send(h, 0, 4 + 4 + 8 + 8 + 16 + 16); // grown to 32
            assertThat(target(h)).isEqualTo(32);

            long t = T0 + 10;
            h.setProcessingTime(t);
            send(h, 0, 20); // thinner input: the deadline cuts the batch before it fills
            h.setProcessingTime(t + DELAY);
            assertThat(sizes(h)).last().isEqualTo(20);
            assertThat(target(h)).as("falls to what the batch held").isEqualTo(16);

            t += 2 * DELAY;
            h.setProcessingTime(t);
            send(h, 0, 3);
            h.setProcessingTime(t + DELAY);
            assertThat(sizes(h)).last().isEqualTo(3);
            assertThat(target(h)).as("never below the batch size").isEqualTo(SIZE);

            send(h, 0, SIZE);
            assertThat(sizes(h)).last().as("cut at the batch size again").isEqualTo(SIZE);
        }
    }

    @Test
    void shouldHonourTheDeadlineAndLeaveTheTargetAloneAtBarriers() throws Exception {
        try (var h = harness(64)) {
            h.open();
            send(h, 0, 4 + 4 + 8 + 8); // grown to 16
            assertThat(target(h)).isEqualTo(16);

            send(h, 0, 5);
            h.prepareSnapshotPreBarrier(1L);
            assertThat(sizes(h)).last().isEqualTo(5);
            assertThat(target(h)).as("a barrier says nothing about the load").isEqualTo(16);

            long t = T0 + 10;
            h.setProcessingTime(t);
            send(h, 0, 15);
            h.setProcessingTime(t + DELAY - 1);
            assertThat(sizes(h)).last().isEqualTo(5);
            h.setProcessingTime(t + DELAY);
            assertThat(sizes(h))
                    .as("the oldest record waited max-delay: cut at 15 of 16")
                    .last()
                    .isEqualTo(15);
        }
    }

    @Test
    void shouldKeepFixedBatchesWhenTheBoundIsTheBatchSize() throws Exception {
        try (var h = harness(SIZE)) {
            h.open();
            send(h, 0, 10 * SIZE);
            assertThat(sizes(h)).hasSize(10).allMatch(n -> n == SIZE);
        }
    }
}
