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
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterContainer;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;

/**
 * Fuzzes the job's first operator with random bytes, corrupted encodings and well-formed readings
 * that break the bundle's input contract. Whatever arrives, each record leaves the operator
 * exactly once: as a validated record, or as a dead letter with a reason and its original bytes.
 * The number of inputs tried is printed after the properties ran.
 */
class DecodeValidateFuzzProperties {
    private static final int DIM = 4;
    private static final List<String> TASKS = List.of("line-a", "line-b");
    private static final int MAX_BYTES = 256;
    private static final AtomicLong INPUTS = new AtomicLong();
    private static final LongAdder ACCEPTED = new LongAdder();
    private static final Map<String, LongAdder> REASONS = new ConcurrentHashMap<>();

    @Property(tries = 400)
    void arbitraryBytesAreDecodedOrDeadLettered(
            @ForAll @Size(max = 20) List<@Size(max = 400) byte[]> values, @ForAll boolean requiresTask)
            throws Exception {
        List<byte[]> withNull = new ArrayList<>(values);
        withNull.add(null);
        checkEveryRecordAccountedFor(withNull, requiresTask);
    }

    @Property(tries = 600)
    void corruptedReadingsAreDecodedOrDeadLettered(
            @ForAll("readings") List<SensorReading> readings,
            @ForAll @Size(max = 6) List<Integer> positions,
            @ForAll @Size(min = 6, max = 6) byte[] replacements,
            @ForAll("cuts") int cut,
            @ForAll boolean requiresTask)
            throws Exception {
        List<byte[]> values = new ArrayList<>();
        for (SensorReading r : readings) {
            byte[] b = AvroCodec.encode(r, AvroEncoding.BINARY);
            for (int i = 0; i < positions.size() && b.length > 0; i++) {
                b[Math.floorMod(positions.get(i), b.length)] = replacements[i];
            }
            values.add(cut == 0 ? b : Arrays.copyOf(b, Math.max(0, b.length + cut)));
        }
        checkEveryRecordAccountedFor(values, requiresTask);
    }

    @Property(tries = 600)
    void readingsThatBreakTheContractAreDeadLetteredWithTheirReason(
            @ForAll("readings") List<SensorReading> readings, @ForAll boolean requiresTask) throws Exception {
        List<byte[]> values = readings.stream()
                .map(r -> AvroCodec.encode(r, AvroEncoding.BINARY))
                .toList();
        checkEveryRecordAccountedFor(values, requiresTask);
    }

    @AfterContainer
    static void report() {
        System.out.printf(
                "decode-validate fuzz: %d inputs tried, %d accepted, dead letters by reason %s%n",
                INPUTS.get(), ACCEPTED.sum(), new TreeMap<>(REASONS));
    }

    private static void checkEveryRecordAccountedFor(List<byte[]> values, boolean requiresTask) throws Exception {
        InputContract contract = new InputContract(DIM, TASKS, requiresTask, MAX_BYTES);
        try (OneInputStreamOperatorTestHarness<RawRecord, InFlight> harness =
                ProcessFunctionTestHarnesses.forProcessFunction(
                        new DecodeValidateFunction(contract, AvroEncoding.BINARY))) {
            for (int i = 0; i < values.size(); i++) {
                byte[] value = values.get(i);
                byte[] copy = value == null ? null : value.clone();
                int outBefore = harness.extractOutputValues().size();
                int deadBefore = deadLetters(harness).size();

                harness.processElement(new RawRecord(new byte[] {7}, value, "sensors", 1, i, 0L, 0L), 0L);

                List<InFlight> out = harness.extractOutputValues();
                List<Rejected> dead = deadLetters(harness);
                int emitted = out.size() - outBefore;
                int refused = dead.size() - deadBefore;
                assertThat(emitted + refused).as("records out for input %d", i).isEqualTo(1);
                INPUTS.incrementAndGet();
                if (emitted == 1) {
                    ACCEPTED.increment();
                    checkAccepted(out.get(out.size() - 1), copy, requiresTask);
                } else {
                    Rejected r = dead.get(dead.size() - 1);
                    REASONS.computeIfAbsent(r.reason, k -> new LongAdder()).increment();
                    checkRefused(r, copy, i);
                }
            }
        }
    }

    private static void checkAccepted(InFlight rec, byte[] value, boolean requiresTask) {
        assertThat(value.length).isLessThanOrEqualTo(MAX_BYTES);
        assertThat(rec.eventId).isNotBlank();
        assertThat(rec.features).hasSize(DIM);
        for (float f : rec.features) {
            assertThat(Float.isFinite(f)).isTrue();
        }
        if (requiresTask) {
            assertThat(TASKS).contains(rec.task);
            assertThat(rec.taskIndex).isEqualTo(TASKS.indexOf(rec.task));
        }
        assertThat(rec.rawValue).isEqualTo(value);
    }

    private static void checkRefused(Rejected r, byte[] value, long offset) {
        assertThat(Arrays.stream(DeadLetterReason.values()).map(Enum::name)).contains(r.reason);
        assertThat(r.message).isNotBlank();
        assertThat(r.value).as("the dead letter keeps the original bytes").isEqualTo(value);
        assertThat(r.topic).isEqualTo("sensors");
        assertThat(r.partition).isEqualTo(1);
        assertThat(r.offset).isEqualTo(offset);
    }

    private static List<Rejected> deadLetters(OneInputStreamOperatorTestHarness<RawRecord, InFlight> harness) {
        var queue = harness.getSideOutput(DeadLetters.TAG);
        List<Rejected> out = new ArrayList<>();
        if (queue != null) {
            for (StreamRecord<Rejected> r : queue) {
                out.add(r.getValue());
            }
        }
        return out;
    }

    @Provide
    Arbitrary<Integer> cuts() {
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, Arbitraries.just(0)),
                net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(-40, 8)));
    }

    @Provide
    Arbitrary<List<SensorReading>> readings() {
        Arbitrary<String> ids = Arbitraries.oneOf(
                Arbitraries.strings().alpha().numeric().ofMinLength(1).ofMaxLength(24), Arbitraries.of("", " ", "\t"));
        Arbitrary<Float> values = Arbitraries.oneOf(
                Arbitraries.floats().between(-1e6f, 1e6f),
                Arbitraries.of(Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -0f, Float.MIN_VALUE));
        Arbitrary<List<Float>> features = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(4, values.list().ofSize(DIM)),
                net.jqwik.api.Tuple.of(1, values.list().ofMaxSize(80)));
        Arbitrary<String> tasks =
                Arbitraries.of("line-a", "line-b", "line-z", "").injectNull(0.3);
        return Combinators.combine(ids, features, tasks)
                .as((id, f, task) -> SensorReading.newBuilder()
                        .setEventId(id)
                        .setSourceId("machine-1")
                        .setTask(task)
                        .setEventTime(Instant.ofEpochMilli(1_700_000_000_000L))
                        .setFeatures(f)
                        .build())
                .list()
                .ofMinSize(1)
                .ofMaxSize(12);
    }
}
