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
package io.polyroute.job.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.List;
import java.util.Random;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/**
 * The batches of the expert-parallel shuffles ({@link ExpertTaskBatch}, {@link ExpertResultBatch},
 * {@link RecordHeaderBatch}) are the types Flink picks, and their serializers round-trip and copy
 * target, subtasks and every element in order, empty batches included.
 */
class PartBatchSerializersTest {
    private static final int[] SIZES = {0, 1, 2, 37, 300};

    @Test
    void shouldBeTheSerializersFlinkPicksForTheBatches() {
        assertThat(TypeInformation.of(ExpertTaskBatch.class).createSerializer(new SerializerConfigImpl()))
                .isSameAs(ExpertTaskBatchSerializer.INSTANCE);
        assertThat(TypeInformation.of(ExpertResultBatch.class).createSerializer(new SerializerConfigImpl()))
                .isSameAs(ExpertResultBatchSerializer.INSTANCE);
        assertThat(TypeInformation.of(RecordHeaderBatch.class).createSerializer(new SerializerConfigImpl()))
                .isSameAs(RecordHeaderBatchSerializer.INSTANCE);
    }

    @Test
    void shouldRoundTripAndCopyTaskBatches() throws IOException {
        Random rnd = new Random(3);
        for (int n : SIZES) {
            ExpertTaskBatch b = new ExpertTaskBatch(n % 4, 4, 1);
            for (int i = 0; i < n; i++) {
                b.add(task(rnd, i));
            }
            assertRoundTripAndCopy(ExpertTaskBatchSerializer.INSTANCE, b, 4);
        }
    }

    @Test
    void shouldRoundTripAndCopyResultBatches() throws IOException {
        Random rnd = new Random(5);
        for (int n : SIZES) {
            ExpertResultBatch b = new ExpertResultBatch(n % 3, 3, 1);
            for (int i = 0; i < n; i++) {
                ExpertTask t = task(rnd, i);
                b.add(i % 5 == 0 ? t.result(null, "expert failed") : t.result(floats(rnd, 8), null));
            }
            assertRoundTripAndCopy(ExpertResultBatchSerializer.INSTANCE, b, 3);
        }
    }

    @Test
    void shouldRoundTripAndCopyHeaderBatches() throws IOException {
        Random rnd = new Random(7);
        for (int n : SIZES) {
            RecordHeaderBatch b = new RecordHeaderBatch(n % 2, 2, 1);
            for (int i = 0; i < n; i++) {
                InFlight rec = record(rnd, i);
                b.add(new RecordHeader(
                        rec.eventId,
                        1,
                        rec,
                        2,
                        2,
                        new int[] {3, 1, 7, 0},
                        floats(rnd, 4),
                        new int[] {1, 1, 0, 0},
                        4,
                        i % 2 == 0 ? null : floats(rnd, 8),
                        i % 4));
            }
            assertRoundTripAndCopy(RecordHeaderBatchSerializer.INSTANCE, b, 2);
        }
    }

    @Test
    void shouldCreateAnEmptyBatchForTheFirstSubtask() {
        for (PartBatch<?> b : new PartBatch<?>[] {
            ExpertTaskBatchSerializer.INSTANCE.createInstance(),
            ExpertResultBatchSerializer.INSTANCE.createInstance(),
            RecordHeaderBatchSerializer.INSTANCE.createInstance()
        }) {
            assertThat(b.target).isZero();
            assertThat(b.subtasks).isEqualTo(1);
            assertThat(b.isEmpty()).isTrue();
        }
    }

    private static <B extends PartBatch<?>> void assertRoundTripAndCopy(TypeSerializer<B> s, B b, int subtasks)
            throws IOException {
        B back = roundTrip(s, b);
        B copy = s.copy(b);
        for (B other : List.of(back, copy)) {
            assertThat(other).isNotSameAs(b).hasSameClassAs(b);
            assertThat(other.target).isEqualTo(b.target);
            assertThat(other.subtasks).isEqualTo(subtasks);
            assertThat(other.size()).isEqualTo(b.size());
            for (int i = 0; i < b.size(); i++) {
                assertThat(other.get(i)).usingRecursiveComparison().isEqualTo(b.get(i));
            }
        }
        if (b.size() > 0) {
            assertThat(copy.get(0)).as("a copy holds copies").isNotSameAs(b.get(0));
        }
    }

    private static <T> T roundTrip(TypeSerializer<T> s, T value) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        s.serialize(value, out);
        DataOutputSerializer copied = new DataOutputSerializer(64);
        s.copy(new DataInputDeserializer(out.getCopyOfBuffer()), copied);
        assertThat(copied.getCopyOfBuffer()).isEqualTo(out.getCopyOfBuffer());
        DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
        T back = s.deserialize(in);
        assertThat(in.available()).isZero();
        return back;
    }

    private static ExpertTask task(Random rnd, int i) {
        return i % 2 == 0
                ? new ExpertTask("ev-" + i, i % 3, rnd.nextInt(64), rnd.nextInt(4), floats(rnd, 32))
                : new ExpertTask("ev-" + i, i % 3, rnd.nextInt(64), rnd.nextInt(4), floats(rnd, 32), "m:2", "/b/m-2");
    }

    private static InFlight record(Random rnd, int i) {
        InFlight r = new InFlight();
        r.eventId = "ev-" + i + (i % 7 == 0 ? "-ü" : "");
        r.sourceId = i % 4 == 0 ? null : "m-" + rnd.nextInt(9);
        r.taskIndex = i % 3 - 1;
        r.features = floats(rnd, 16);
        r.previous = i % 2 == 0 ? null : floats(rnd, 4);
        r.rawValue = new byte[rnd.nextInt(40)];
        rnd.nextBytes(r.rawValue);
        r.topic = "sensors";
        return r;
    }

    private static float[] floats(Random rnd, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = rnd.nextFloat();
        }
        return a;
    }
}
