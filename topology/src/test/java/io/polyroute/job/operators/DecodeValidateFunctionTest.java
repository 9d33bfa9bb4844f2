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

import io.polyroute.avro.DeadLetterReason;
import io.polyroute.avro.SensorReading;
import io.polyroute.job.model.InFlight;
import io.polyroute.job.model.RawRecord;
import io.polyroute.job.model.Rejected;
import io.polyroute.schemas.AvroCodec;
import io.polyroute.schemas.AvroEncoding;
import io.polyroute.schemas.RecordDecodeException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

/**
 * {@link DecodeValidateFunction} through Flink's operator test harness: valid readings come out
 * decoded with their Kafka coordinates and original bytes; each kind of bad record comes out on
 * the dead-letter side output with its reason, message, bytes and coordinates; nothing is dropped.
 */
class DecodeValidateFunctionTest {
    private static final String TOPIC = "sensors";
    private static final long EVENT_TIME = 1_700_000_000_000L;
    private static final long READ_TIME = 1_700_000_000_500L;
    private static final AvroCodec<SensorReading> CODEC = AvroCodec.of(SensorReading.class, AvroEncoding.BINARY);
    private static final InputContract ROUTES_ON_TASK = new InputContract(3, List.of("press", "lathe"), true, 200);

    private long nextOffset;

    @Test
    void shouldDecodeValidReadingsAndDeadLetterEveryBadKindWithReasonBytesAndCoordinates() throws Exception {
        RawRecord press = raw("k0", encode(reading("a", r -> {})));
        RawRecord lathe = raw("k1", encode(reading("b", r -> r.setTask("lathe"))));
        RawRecord tombstone = raw("k2", null);
        RawRecord oversized = raw("k3", encode(reading("c", r -> r.setSourceId("m".repeat(200)))));
        RawRecord garbage = raw("k4", "not avro".getBytes(StandardCharsets.UTF_8));
        RawRecord emptyId = raw("k5", encode(reading("", r -> {})));
        RawRecord blankId = raw(null, encode(reading(" ", r -> {})));
        RawRecord wide = raw("k6", encode(reading("d", r -> r.getFeatures().add(4f))));
        RawRecord nan = raw("k7", encode(reading("e", r -> r.getFeatures().set(1, Float.NaN))));
        RawRecord infinite = raw("k8", encode(reading("f", r -> r.getFeatures().set(2, Float.POSITIVE_INFINITY))));
        RawRecord drill = raw("k9", encode(reading("g", r -> r.setTask("drill"))));
        RawRecord noTask = raw("k10", encode(reading("h", r -> r.setTask(null))));

        OneInputStreamOperatorTestHarness<RawRecord, InFlight> harness = harness(ROUTES_ON_TASK);
        for (RawRecord r : List.of(
                press, tombstone, oversized, garbage, emptyId, blankId, lathe, wide, nan, infinite, drill, noTask)) {
            harness.processElement(r, 0L);
        }

        assertThat(harness.extractOutputValues())
                .usingRecursiveFieldByFieldElementComparator()
                .containsExactly(inFlight(press, "a", "press", 0), inFlight(lathe, "b", "lathe", 1));
        assertThat(deadLetters(harness))
                .usingRecursiveFieldByFieldElementComparatorIgnoringFields("time")
                .containsExactly(
                        rejected(
                                tombstone,
                                DeadLetterReason.NULL_VALUE,
                                "The record has no value (a tombstone or a null payload).",
                                null),
                        rejected(
                                oversized,
                                DeadLetterReason.OVERSIZED,
                                "The record value has " + oversized.value.length
                                        + " bytes, more than input.max-record-bytes = 200.",
                                null),
                        rejected(garbage, DeadLetterReason.UNDECODABLE, decodeError(garbage.value), null),
                        rejected(emptyId, DeadLetterReason.MISSING_ID, "The record has an empty event_id.", null),
                        rejected(blankId, DeadLetterReason.MISSING_ID, "The record has an empty event_id.", null),
                        rejected(
                                wide,
                                DeadLetterReason.WRONG_DIMENSION,
                                "The record has 4 features, but the bundle expects 3.",
                                "d"),
                        rejected(nan, DeadLetterReason.NON_FINITE, "Feature 1 is NaN; features must be finite.", "e"),
                        rejected(
                                infinite,
                                DeadLetterReason.NON_FINITE,
                                "Feature 2 is Infinity; features must be finite.",
                                "f"),
                        rejected(
                                drill,
                                DeadLetterReason.UNKNOWN_TASK,
                                "The task 'drill' is not one of the bundle's tasks [press, lathe].",
                                "g"),
                        rejected(
                                noTask,
                                DeadLetterReason.UNKNOWN_TASK,
                                "The task 'null' is not one of the bundle's tasks [press, lathe].",
                                "h"));
    }

    @Test
    void shouldDeadLetterAnEventIdThatBeginsWithTheShadowCopysMark() throws Exception {
        RawRecord marked = raw("k0", encode(reading("\u0000a", r -> {})));
        RawRecord inside = raw("k1", encode(reading("a\u0000", r -> {})));
        OneInputStreamOperatorTestHarness<RawRecord, InFlight> harness = harness(ROUTES_ON_TASK);
        harness.processElement(marked, 0L);
        harness.processElement(inside, 0L);

        assertThat(harness.extractOutputValues())
                .usingRecursiveFieldByFieldElementComparator()
                .containsExactly(inFlight(inside, "a\u0000", "press", 0));
        assertThat(deadLetters(harness))
                .usingRecursiveFieldByFieldElementComparatorIgnoringFields("time")
                .containsExactly(rejected(
                        marked,
                        DeadLetterReason.MISSING_ID,
                        "The record's event_id begins with U+0000, which the job reserves.",
                        "\u0000a"));
    }

    @Test
    void shouldIgnoreTheTaskWhenNoStageRoutesOnIt() throws Exception {
        RawRecord unknownTask = raw("k", encode(reading("a", r -> r.setTask("drill"))));
        RawRecord noTask = raw("k", encode(reading("b", r -> r.setTask(null))));
        OneInputStreamOperatorTestHarness<RawRecord, InFlight> harness =
                harness(new InputContract(3, List.of(), false, 200));

        harness.processElement(unknownTask, 0L);
        harness.processElement(noTask, 0L);

        assertThat(harness.extractOutputValues())
                .usingRecursiveFieldByFieldElementComparator()
                .containsExactly(inFlight(unknownTask, "a", "drill", -1), inFlight(noTask, "b", null, -1));
        assertThat(deadLetters(harness)).isEmpty();
    }

    @Test
    void shouldDeadLetterEventIdsThatAreNotUtf8InsteadOfMergingThem() throws Exception {
        // Two ids that differ only in invalid bytes: a lenient decoder turns both into "evt-\uFFFD",
        // and the second would be refused as a DUPLICATE of a record it never was.
        RawRecord first = raw("k0", withByte(encode(reading("evt-#", r -> {})), (byte) 0xFF));
        RawRecord second = raw("k1", withByte(encode(reading("evt-#", r -> {})), (byte) 0xFE));
        RawRecord badTask = raw("k2", withByte(encode(reading("ok", r -> r.setTask("pr#ss"))), (byte) 0xC0));
        OneInputStreamOperatorTestHarness<RawRecord, InFlight> harness = harness(ROUTES_ON_TASK);

        harness.processElement(first, 0L);
        harness.processElement(second, 0L);
        harness.processElement(badTask, 0L);

        assertThat(harness.extractOutputValues()).isEmpty();
        assertThat(deadLetters(harness))
                .usingRecursiveFieldByFieldElementComparatorIgnoringFields("time")
                .containsExactly(
                        rejected(first, DeadLetterReason.UNDECODABLE, decodeError(first.value), null),
                        rejected(second, DeadLetterReason.UNDECODABLE, decodeError(second.value), null),
                        rejected(badTask, DeadLetterReason.UNDECODABLE, decodeError(badTask.value), null));
        assertThat(deadLetters(harness)).allSatisfy(r -> assertThat(r.message).contains("not valid UTF-8"));
    }

    /** {@code bytes} with its one '#' replaced by {@code b}. */
    private static byte[] withByte(byte[] bytes, byte b) {
        int at = -1;
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == '#') {
                assertThat(at).isEqualTo(-1);
                at = i;
            }
        }
        assertThat(at).isNotNegative();
        bytes[at] = b;
        return bytes;
    }

    private static OneInputStreamOperatorTestHarness<RawRecord, InFlight> harness(InputContract contract)
            throws Exception {
        return ProcessFunctionTestHarnesses.forProcessFunction(
                new DecodeValidateFunction(contract, AvroEncoding.BINARY));
    }

    private static List<Rejected> deadLetters(OneInputStreamOperatorTestHarness<RawRecord, InFlight> harness) {
        List<Rejected> out = new ArrayList<>();
        var side = harness.getSideOutput(DeadLetters.TAG);
        if (side != null) {
            for (StreamRecord<Rejected> r : side) {
                out.add(r.getValue());
            }
        }
        return out;
    }

    private RawRecord raw(String key, byte[] value) {
        long offset = nextOffset++;
        return new RawRecord(
                key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                value,
                TOPIC,
                (int) (offset % 3),
                offset,
                EVENT_TIME,
                READ_TIME);
    }

    private static SensorReading reading(String eventId, Consumer<SensorReading> change) {
        SensorReading r = SensorReading.newBuilder()
                .setEventId(eventId)
                .setSourceId("machine-1")
                .setTask("press")
                .setEventTime(Instant.ofEpochMilli(EVENT_TIME))
                .setFeatures(new ArrayList<>(List.of(0.5f, -1.5f, 2f)))
                .build();
        change.accept(r);
        return r;
    }

    private static byte[] encode(SensorReading r) {
        return CODEC.encode(r);
    }

    private static String decodeError(byte[] value) {
        try {
            CODEC.decode(value);
        } catch (RecordDecodeException e) {
            return e.getMessage();
        }
        throw new AssertionError("The bytes decode, so they cannot stand for an undecodable record.");
    }

    /** What the function must emit for a valid raw record. */
    private static InFlight inFlight(RawRecord raw, String eventId, String task, int taskIndex) {
        InFlight f = new InFlight();
        f.eventId = eventId;
        f.sourceId = "machine-1";
        f.task = task;
        f.taskIndex = taskIndex;
        f.eventTime = EVENT_TIME;
        f.readTime = READ_TIME;
        f.features = new float[] {0.5f, -1.5f, 2f};
        f.rawKey = raw.key;
        f.rawValue = raw.value;
        f.topic = TOPIC;
        f.partition = raw.partition;
        f.offset = raw.offset;
        return f;
    }

    private static Rejected rejected(RawRecord raw, DeadLetterReason reason, String message, String eventId) {
        Rejected r = new Rejected();
        r.key = raw.key;
        r.value = raw.value;
        r.topic = TOPIC;
        r.partition = raw.partition;
        r.offset = raw.offset;
        r.reason = reason.name();
        r.message = message;
        r.eventId = eventId;
        return r;
    }
}
