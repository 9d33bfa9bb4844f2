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
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

/**
 * {@link DedupeFunction} through Flink's keyed operator test harness: the first record of an event
 * id passes, repeats within the horizon become {@code DUPLICATE} dead letters with their own bytes
 * and coordinates, the horizon is counted from the first sighting, and the ids seen survive a
 * restore from a snapshot.
 */
class DedupeFunctionTest {
    private static final Duration HORIZON = Duration.ofMinutes(5);
    private static final String DUPLICATE_MESSAGE =
            " was already received within the dedupe horizon of " + HORIZON + ".";

    private long nextOffset;

    @Test
    void shouldPassTheFirstRecordOfEachIdAndDeadLetterItsRepeats() throws Exception {
        InFlight a = record("a");
        InFlight b = record("b");
        InFlight aAgain = record("a");
        InFlight c = record("c");
        InFlight bAgain = record("b");
        InFlight aThird = record("a");
        KeyedOneInputStreamOperatorTestHarness<Tuple2<Long, Long>, InFlight, InFlight> harness = harness();

        for (InFlight r : List.of(a, b, aAgain, c, bAgain, aThird)) {
            harness.processElement(r, 0L);
        }

        assertThat(harness.extractOutputValues())
                .usingRecursiveFieldByFieldElementComparator()
                .containsExactly(a, b, c);
        assertThat(deadLetters(harness))
                .usingRecursiveFieldByFieldElementComparatorIgnoringFields("time")
                .containsExactly(duplicate(aAgain), duplicate(bAgain), duplicate(aThird));
    }

    @Test
    void shouldServeAnIdAgainOnceTheHorizonHasPassedSinceItsFirstSighting() throws Exception {
        InFlight first = record("a");
        InFlight withinHorizon = record("a");
        InFlight afterHorizon = record("a");
        KeyedOneInputStreamOperatorTestHarness<Tuple2<Long, Long>, InFlight, InFlight> harness = harness();

        harness.setStateTtlProcessingTime(0);
        harness.processElement(first, 0L);
        harness.setStateTtlProcessingTime(HORIZON.toMillis() - 1);
        harness.processElement(withinHorizon, 0L);
        harness.setStateTtlProcessingTime(HORIZON.toMillis());
        harness.processElement(afterHorizon, 0L);

        assertThat(harness.extractOutputValues())
                .usingRecursiveFieldByFieldElementComparator()
                .containsExactly(first, afterHorizon);
        assertThat(deadLetters(harness))
                .usingRecursiveFieldByFieldElementComparatorIgnoringFields("time")
                .containsExactly(duplicate(withinHorizon));
    }

    @Test
    void shouldRememberSeenIdsAcrossARestoreFromASnapshot() throws Exception {
        InFlight a = record("a");
        KeyedOneInputStreamOperatorTestHarness<Tuple2<Long, Long>, InFlight, InFlight> before = harness();
        before.processElement(a, 0L);
        OperatorSubtaskState snapshot = before.snapshot(1L, 1L);
        before.close();

        InFlight aReplayed = record("a");
        InFlight b = record("b");
        KeyedOneInputStreamOperatorTestHarness<Tuple2<Long, Long>, InFlight, InFlight> after = unopenedHarness();
        after.initializeState(snapshot);
        after.open();
        after.processElement(aReplayed, 0L);
        after.processElement(b, 0L);

        assertThat(after.extractOutputValues())
                .usingRecursiveFieldByFieldElementComparator()
                .containsExactly(b);
        assertThat(deadLetters(after))
                .usingRecursiveFieldByFieldElementComparatorIgnoringFields("time")
                .containsExactly(duplicate(aReplayed));
    }

    @Test
    void shouldRefuseAHorizonThatIsNotPositive() {
        assertThatThrownBy(() -> new DedupeFunction(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("dedupe.horizon");
        assertThatThrownBy(() -> new DedupeFunction(Duration.ofSeconds(-1))).hasMessageContaining("dedupe.horizon");
    }

    private static KeyedOneInputStreamOperatorTestHarness<Tuple2<Long, Long>, InFlight, InFlight> harness()
            throws Exception {
        KeyedOneInputStreamOperatorTestHarness<Tuple2<Long, Long>, InFlight, InFlight> h = unopenedHarness();
        h.open();
        return h;
    }

    /** {@link ProcessFunctionTestHarnesses} opens its harness; a restore needs one that is set up only. */
    private static KeyedOneInputStreamOperatorTestHarness<Tuple2<Long, Long>, InFlight, InFlight> unopenedHarness()
            throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new DedupeFunction(HORIZON)), r -> EventKey.of(r.eventId), EventKey.TYPE);
    }

    private static List<Rejected> deadLetters(
            KeyedOneInputStreamOperatorTestHarness<Tuple2<Long, Long>, InFlight, InFlight> h) {
        List<Rejected> out = new ArrayList<>();
        var side = h.getSideOutput(DeadLetters.TAG);
        if (side != null) {
            for (StreamRecord<Rejected> r : side) {
                out.add(r.getValue());
            }
        }
        return out;
    }

    private InFlight record(String eventId) {
        long offset = nextOffset++;
        InFlight r = new InFlight();
        r.eventId = eventId;
        r.sourceId = "machine-1";
        r.features = new float[] {1f, 2f};
        r.rawKey = ("key-" + offset).getBytes(StandardCharsets.UTF_8);
        r.rawValue = ("value-" + offset).getBytes(StandardCharsets.UTF_8);
        r.topic = "sensors";
        r.partition = (int) (offset % 2);
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
        r.message = "Event id " + rec.eventId + DUPLICATE_MESSAGE;
        r.eventId = rec.eventId;
        return r;
    }
}
