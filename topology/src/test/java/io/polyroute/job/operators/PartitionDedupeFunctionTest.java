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
import io.polyroute.job.model.Rejected;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * {@link PartitionDedupeFunction} through Flink's operator test harness: repeats from the same
 * partition within the horizon become {@code DUPLICATE} dead letters with the reason text of the
 * global scope, the horizon counts from the first sighting, a repeat on another partition is not
 * caught, and the ids of each partition survive a snapshot and restore, also at another parallelism
 * where the partitions move to other subtasks.
 */
class PartitionDedupeFunctionTest {
    private static final Duration HORIZON = Duration.ofMinutes(5);
    private static final int MAX_PARALLELISM = 128;

    private long nextOffset;

    @Test
    void shouldPassTheFirstRecordOfEachIdAndDeadLetterItsRepeatsOnTheSamePartition() throws Exception {
        InFlight a = record("a", 0);
        InFlight b = record("b", 0);
        InFlight aAgain = record("a", 0);
        InFlight bAgain = record("b", 0);
        var h = harness(1, 0);

        for (InFlight r : List.of(a, b, aAgain, bAgain)) {
            h.processElement(r, 0L);
        }

        assertThat(h.extractOutputValues())
                .usingRecursiveFieldByFieldElementComparator()
                .containsExactly(a, b);
        assertThat(deadLetters(h))
                .usingRecursiveFieldByFieldElementComparatorIgnoringFields("time")
                .containsExactly(duplicate(aAgain), duplicate(bAgain));
    }

    @Test
    void shouldNotCatchARepeatThatArrivesOnAnotherPartition() throws Exception {
        InFlight a = record("a", 0);
        InFlight aElsewhere = record("a", 1);
        var h = harness(1, 0);

        h.processElement(a, 0L);
        h.processElement(aElsewhere, 0L);

        assertThat(h.extractOutputValues())
                .usingRecursiveFieldByFieldElementComparator()
                .containsExactly(a, aElsewhere);
        assertThat(deadLetters(h)).isEmpty();
    }

    @Test
    void shouldServeAnIdAgainOnceTheHorizonHasPassedSinceItsFirstSighting() throws Exception {
        InFlight first = record("a", 0);
        InFlight withinHorizon = record("a", 0);
        InFlight afterHorizon = record("a", 0);
        InFlight afterHorizonAgain = record("a", 0);
        var h = harness(1, 0);

        h.setProcessingTime(1_000);
        h.processElement(first, 0L);
        h.setProcessingTime(1_000 + HORIZON.toMillis() - 1);
        h.processElement(withinHorizon, 0L);
        h.setProcessingTime(1_000 + HORIZON.toMillis());
        h.processElement(afterHorizon, 0L);
        h.processElement(afterHorizonAgain, 0L);

        assertThat(h.extractOutputValues())
                .usingRecursiveFieldByFieldElementComparator()
                .containsExactly(first, afterHorizon);
        assertThat(deadLetters(h))
                .usingRecursiveFieldByFieldElementComparatorIgnoringFields("time")
                .containsExactly(duplicate(withinHorizon), duplicate(afterHorizonAgain));
    }

    @Test
    void shouldRememberSeenIdsAcrossARestoreFromASnapshot() throws Exception {
        var before = harness(1, 0);
        before.processElement(record("a", 0), 0L);
        before.processElement(record("b", 3), 0L);
        OperatorSubtaskState snapshot = before.snapshot(1L, 1L);
        before.close();

        InFlight aReplayed = record("a", 0);
        InFlight bReplayed = record("b", 3);
        InFlight c = record("c", 0);
        var after = restored(snapshot, 1, 1, 0);
        for (InFlight r : List.of(aReplayed, bReplayed, c)) {
            after.processElement(r, 0L);
        }

        assertThat(after.extractOutputValues())
                .usingRecursiveFieldByFieldElementComparator()
                .containsExactly(c);
        assertThat(deadLetters(after))
                .usingRecursiveFieldByFieldElementComparatorIgnoringFields("time")
                .containsExactly(duplicate(aReplayed), duplicate(bReplayed));
    }

    @Test
    void shouldForgetIdsThatExpireWhileTheJobIsDown() throws Exception {
        var before = harness(1, 0);
        before.setProcessingTime(1_000);
        before.processElement(record("a", 0), 0L);
        OperatorSubtaskState snapshot = before.snapshot(1L, 1L);
        before.close();

        InFlight aAfterHorizon = record("a", 0);
        var after = restored(snapshot, 1, 1, 0);
        after.setProcessingTime(1_000 + HORIZON.toMillis());
        after.processElement(aAfterHorizon, 0L);

        assertThat(after.extractOutputValues())
                .usingRecursiveFieldByFieldElementComparator()
                .containsExactly(aAfterHorizon);
        assertThat(deadLetters(after)).isEmpty();
    }

    /**
     * Two subtasks read partitions 0 and 1; after a restore at parallelism 3, partition 0 is read by
     * subtask 2 and partition 1 by subtask 0. Each keeps refusing the ids of its new partitions,
     * and a partition no subtask read between two restores keeps its ids through the second one.
     */
    @Test
    void shouldKeepTheIdsOfEachPartitionWhenRestoredAtAnotherParallelism() throws Exception {
        var first = harness(2, 0);
        var second = harness(2, 1);
        first.processElement(record("a", 0), 0L);
        second.processElement(record("b", 1), 0L);
        second.processElement(record("c", 2), 0L);
        OperatorSubtaskState snapshot =
                AbstractStreamOperatorTestHarness.repackageState(first.snapshot(1L, 1L), second.snapshot(1L, 1L));
        first.close();
        second.close();

        List<OneInputStreamOperatorTestHarness<InFlight, InFlight>> three = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            three.add(restored(snapshot, 2, 3, i));
        }
        InFlight aReplayed = record("a", 0);
        InFlight bReplayed = record("b", 1);
        InFlight bOnPartition0 = record("b", 0);
        three.get(2).processElement(aReplayed, 0L);
        three.get(2).processElement(bOnPartition0, 0L);
        three.get(0).processElement(bReplayed, 0L);

        assertThat(three.get(2).extractOutputValues())
                .usingRecursiveFieldByFieldElementComparator()
                .containsExactly(bOnPartition0);
        assertThat(deadLetters(three.get(2)))
                .usingRecursiveFieldByFieldElementComparatorIgnoringFields("time")
                .containsExactly(duplicate(aReplayed));
        assertThat(three.get(0).extractOutputValues()).isEmpty();
        assertThat(deadLetters(three.get(0)))
                .usingRecursiveFieldByFieldElementComparatorIgnoringFields("time")
                .containsExactly(duplicate(bReplayed));

        // Partition 2 was read by no subtask at parallelism 3; its ids survive a second restore.
        List<OperatorSubtaskState> snapshots = new ArrayList<>();
        for (var h : three) {
            snapshots.add(h.snapshot(2L, 2L));
            h.close();
        }
        OperatorSubtaskState again =
                AbstractStreamOperatorTestHarness.repackageState(snapshots.toArray(OperatorSubtaskState[]::new));
        var single = restored(again, 3, 1, 0);
        InFlight cReplayed = record("c", 2);
        InFlight aReplayedAgain = record("a", 0);
        InFlight bOnPartition0Again = record("b", 0);
        for (InFlight r : List.of(cReplayed, aReplayedAgain, bOnPartition0Again)) {
            single.processElement(r, 0L);
        }
        assertThat(single.extractOutputValues()).isEmpty();
        assertThat(deadLetters(single))
                .usingRecursiveFieldByFieldElementComparatorIgnoringFields("time")
                .containsExactly(duplicate(cReplayed), duplicate(aReplayedAgain), duplicate(bOnPartition0Again));
    }

    @Test
    void shouldRefuseAHorizonThatIsNotPositive() {
        assertThatThrownBy(() -> new PartitionDedupeFunction(Duration.ZERO)).hasMessageContaining("dedupe.horizon");
    }

    private static OneInputStreamOperatorTestHarness<InFlight, InFlight> harness(int parallelism, int subtask)
            throws Exception {
        var h = unopened(parallelism, subtask);
        h.open();
        return h;
    }

    private static OneInputStreamOperatorTestHarness<InFlight, InFlight> restored(
            OperatorSubtaskState snapshot, int oldParallelism, int parallelism, int subtask) throws Exception {
        var h = unopened(parallelism, subtask);
        h.initializeState(AbstractStreamOperatorTestHarness.repartitionOperatorState(
                snapshot, MAX_PARALLELISM, oldParallelism, parallelism, subtask));
        h.open();
        return h;
    }

    private static OneInputStreamOperatorTestHarness<InFlight, InFlight> unopened(int parallelism, int subtask)
            throws Exception {
        return new OneInputStreamOperatorTestHarness<>(
                new ProcessOperator<>(new PartitionDedupeFunction(HORIZON)), MAX_PARALLELISM, parallelism, subtask);
    }

    private static List<Rejected> deadLetters(OneInputStreamOperatorTestHarness<InFlight, InFlight> h) {
        List<Rejected> out = new ArrayList<>();
        var side = h.getSideOutput(DeadLetters.TAG);
        if (side != null) {
            for (StreamRecord<Rejected> r : side) {
                out.add(r.getValue());
            }
        }
        return out;
    }

    private InFlight record(String eventId, int partition) {
        long offset = nextOffset++;
        InFlight r = new InFlight();
        r.eventId = eventId;
        r.sourceId = "machine-1";
        r.features = new float[] {1f, 2f};
        r.rawKey = ("key-" + offset).getBytes(StandardCharsets.UTF_8);
        r.rawValue = ("value-" + offset).getBytes(StandardCharsets.UTF_8);
        r.topic = "sensors";
        r.partition = partition;
        r.offset = offset;
        return r;
    }

    private static Rejected duplicate(InFlight rec) {
        Rejected r = new Rejected();
        r.key = rec.rawKey;
        r.value = rec.rawValue;
        r.topic = rec.topic;
        r.partition = rec.partition;
        r.offset = rec.offset;
        r.reason = DeadLetterReason.DUPLICATE.name();
        r.message = "Event id " + rec.eventId + " was already received within the dedupe horizon of " + HORIZON + ".";
        r.eventId = rec.eventId;
        return r;
    }
}
