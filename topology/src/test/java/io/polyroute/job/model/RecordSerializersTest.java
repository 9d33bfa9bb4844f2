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
import java.util.Random;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

class RecordSerializersTest {

    @Test
    void shouldBeTheSerializersFlinkPicksForTheJobRecords() {
        assertThat(TypeInformation.of(InFlight.class).createSerializer(new SerializerConfigImpl()))
                .isSameAs(InFlightSerializer.INSTANCE);
        assertThat(TypeInformation.of(ExpertTask.class).createSerializer(new SerializerConfigImpl()))
                .isSameAs(ExpertTaskSerializer.INSTANCE);
        assertThat(TypeInformation.of(ExpertResult.class).createSerializer(new SerializerConfigImpl()))
                .isSameAs(ExpertResultSerializer.INSTANCE);
        assertThat(TypeInformation.of(RecordHeader.class).createSerializer(new SerializerConfigImpl()))
                .isSameAs(RecordHeaderSerializer.INSTANCE);
        assertThat(TypeInformation.of(InFlightBatch.class).createSerializer(new SerializerConfigImpl()))
                .isSameAs(InFlightBatchSerializer.INSTANCE);
    }

    @Test
    void shouldRoundTripAndCopyBatchesWithTheirKeysAndRecordsInOrder() throws IOException {
        Random rnd = new Random(13);
        for (int n : new int[] {0, 1, 2, 37, 300}) {
            InFlightBatch b = new InFlightBatch(n % 3, 3, 1);
            for (int i = 0; i < n; i++) {
                b.add(rnd.nextLong(), rnd.nextLong(), randomRecord(rnd, i));
            }
            InFlightBatch back = roundTrip(InFlightBatchSerializer.INSTANCE, b);
            InFlightBatch copy = InFlightBatchSerializer.INSTANCE.copy(b);
            for (InFlightBatch other : new InFlightBatch[] {back, copy}) {
                assertThat(other.target).isEqualTo(b.target);
                assertThat(other.subtasks).isEqualTo(3);
                assertThat(other.size()).isEqualTo(n);
                for (int i = 0; i < n; i++) {
                    assertThat(other.key(i)).isEqualTo(b.key(i));
                    assertThat(other.record(i)).usingRecursiveComparison().isEqualTo(b.record(i));
                }
            }
            if (n > 0) {
                assertThat(copy.record(0)).isNotSameAs(b.record(0));
            }
        }
    }

    @Test
    void shouldRestoreTheBatchSerializerFromItsSnapshotAsIs() throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        TypeSerializerSnapshot.writeVersionedSnapshot(out, InFlightBatchSerializer.INSTANCE.snapshotConfiguration());
        TypeSerializerSnapshot<InFlightBatch> read = TypeSerializerSnapshot.readVersionedSnapshot(
                new DataInputDeserializer(out.getCopyOfBuffer()), getClass().getClassLoader());
        assertThat(read).isInstanceOf(InFlightBatchSerializer.Snapshot.class);
        assertThat(read.restoreSerializer()).isSameAs(InFlightBatchSerializer.INSTANCE);
        assertThat(InFlightBatchSerializer.INSTANCE
                        .snapshotConfiguration()
                        .resolveSchemaCompatibility(read)
                        .isCompatibleAsIs())
                .isTrue();
    }

    @Test
    void shouldRoundTripAndCopyEveryInFlightField() throws IOException {
        Random rnd = new Random(5);
        for (int i = 0; i < 200; i++) {
            InFlight r = randomRecord(rnd, i);
            assertThat(roundTrip(InFlightSerializer.INSTANCE, r))
                    .usingRecursiveComparison()
                    .isEqualTo(r);
            InFlight c = InFlightSerializer.INSTANCE.copy(r);
            assertThat(c).usingRecursiveComparison().isEqualTo(r);
            if (c.features != null && c.features.length > 0) {
                c.features[0] += 1;
                assertThat(r.features[0]).isNotEqualTo(c.features[0]);
            }
        }
    }

    @Test
    void shouldRoundTripAndCopyTasksResultsAndHeaders() throws IOException {
        Random rnd = new Random(9);
        for (int i = 0; i < 200; i++) {
            InFlight rec = randomRecord(rnd, i);
            ExpertTask task = i % 2 == 0
                    ? new ExpertTask(rec.eventId, i % 3, rnd.nextInt(64), rnd.nextInt(4), floats(rnd, 32))
                    : new ExpertTask(
                            rec.eventId, i % 3, rnd.nextInt(64), rnd.nextInt(4), floats(rnd, 32), "m:2", "/b/m-2");
            ExpertResult result = task.result(i % 5 == 0 ? null : floats(rnd, 8), i % 5 == 0 ? "expert failed" : null);
            RecordHeader header = new RecordHeader(
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
                    i % 4);
            assertRoundTripAndCopy(ExpertTaskSerializer.INSTANCE, task);
            assertRoundTripAndCopy(ExpertResultSerializer.INSTANCE, result);
            assertRoundTripAndCopy(RecordHeaderSerializer.INSTANCE, header);
        }
    }

    private static <T> void assertRoundTripAndCopy(TypeSerializer<T> s, T value) throws IOException {
        assertThat(roundTrip(s, value)).usingRecursiveComparison().isEqualTo(value);
        assertThat(s.copy(value)).usingRecursiveComparison().isEqualTo(value);
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

    private static InFlight randomRecord(Random rnd, int i) {
        InFlight r = new InFlight();
        r.eventId = "ev-" + i + (i % 7 == 0 ? "-ü" : "");
        r.sourceId = i % 4 == 0 ? null : "m-" + rnd.nextInt(9);
        r.task = i % 3 == 0 ? null : "line-" + i % 3;
        r.taskIndex = i % 3 - 1;
        r.eventTime = rnd.nextLong();
        r.readTime = rnd.nextLong();
        r.features = floats(rnd, 16);
        r.previous = i % 2 == 0 ? null : floats(rnd, 4);
        r.stage = i % 3;
        r.addChoices(
                0, new int[] {0, 0}, new int[] {rnd.nextInt(16), rnd.nextInt(16)}, new int[] {0, 1}, floats(rnd, 2));
        if (i % 5 == 0) {
            r.addFlag("bias_balanced");
        }
        r.rawKey = i % 6 == 0 ? null : new byte[] {1, 2, (byte) i};
        r.rawValue = new byte[rnd.nextInt(40)];
        rnd.nextBytes(r.rawValue);
        r.topic = "sensors";
        r.partition = rnd.nextInt(8);
        r.offset = rnd.nextLong();
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
