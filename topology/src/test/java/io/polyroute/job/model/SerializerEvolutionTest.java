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
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/**
 * Restores state the way a state backend does on a savepoint taken by an older build: the stored
 * snapshot is read, the new serializer's snapshot decides the compatibility, and on "after
 * migration" the values are read with the old snapshot's serializer and written with the new one.
 *
 * <p>{@code state/pending-v1.bin} and {@code state/inflight-v1.bin} were written by the serializers
 * of the build before tasks, results and headers had types of their own (one "part" type with a
 * kind byte): the versioned snapshot of the serializer, the number of values, then the values of
 * {@link #oldRecord()} and {@link #oldPendings()}.
 */
class SerializerEvolutionTest {

    @Test
    void shouldMigrateCombineStateWrittenBeforeHeadersHadATypeOfTheirOwn() throws IOException {
        TypeSerializer<Pending> current =
                TypeInformation.of(Pending.class).createSerializer(new SerializerConfigImpl());
        DataInputDeserializer in = new DataInputDeserializer(resource("state/pending-v1.bin"));
        TypeSerializerSnapshot<Pending> old = TypeSerializerSnapshot.readVersionedSnapshot(in, loader());

        TypeSerializerSchemaCompatibility<Pending> compatibility =
                current.snapshotConfiguration().resolveSchemaCompatibility(old);

        assertThat(compatibility.isCompatibleAfterMigration())
                .as("compatibility of the old Pending state: %s", compatibility)
                .isTrue();
        List<Pending> restored = readAll(old.restoreSerializer(), in);
        assertThat(restored).usingRecursiveComparison().isEqualTo(List.of(oldPendings()));
        // The migration writes every value with the new serializer; it must read back the same.
        for (Pending p : restored) {
            DataOutputSerializer out = new DataOutputSerializer(256);
            current.serialize(p, out);
            assertThat(current.deserialize(new DataInputDeserializer(out.getCopyOfBuffer())))
                    .usingRecursiveComparison()
                    .isEqualTo(p);
        }
    }

    @Test
    void shouldMigrateInFlightStateWrittenBeforeRecordsNamedTheirServingVersion() throws IOException {
        DataInputDeserializer in = new DataInputDeserializer(resource("state/inflight-v1.bin"));
        TypeSerializerSnapshot<InFlight> old = TypeSerializerSnapshot.readVersionedSnapshot(in, loader());

        assertThat(InFlightSerializer.INSTANCE
                        .snapshotConfiguration()
                        .resolveSchemaCompatibility(old)
                        .isCompatibleAfterMigration())
                .isTrue();
        List<InFlight> restored = readAll(old.restoreSerializer(), in);
        assertThat(restored).usingRecursiveComparison().isEqualTo(List.of(oldRecord()));
        assertThat(restored.get(0).modelVersion)
                .as("served by the job's own bundle")
                .isNull();
        DataOutputSerializer out = new DataOutputSerializer(256);
        InFlightSerializer.INSTANCE.serialize(restored.get(0), out);
        assertThat(InFlightSerializer.INSTANCE.deserialize(new DataInputDeserializer(out.getCopyOfBuffer())))
                .usingRecursiveComparison()
                .isEqualTo(restored.get(0));
    }

    @Test
    void shouldReadRecordsHeadersAndTasksWrittenBeforeVersionsNamedTheirPath() throws IOException {
        InFlight rec = oldRecord();
        rec.modelName = "m";
        rec.modelVersion = "2";
        DataOutputSerializer out = new DataOutputSerializer(256);
        InFlightSerializer.writeVersion3(rec, out);
        FieldIO.writeString("m", out);
        FieldIO.writeString("2", out);
        byte[] layout4 = out.getCopyOfBuffer();
        InFlightSerializer.Snapshot four = new InFlightSerializer.Snapshot();
        four.readSnapshot(4, new DataInputDeserializer(new byte[0]), loader());
        assertThat(new InFlightSerializer.Snapshot()
                        .resolveSchemaCompatibility(four)
                        .isCompatibleAfterMigration())
                .isTrue();
        InFlight back = four.restoreSerializer().deserialize(new DataInputDeserializer(layout4));
        assertThat(back).usingRecursiveComparison().isEqualTo(rec);
        assertThat(back.modelPath).isNull();

        RecordHeaderSerializer.Snapshot two = new RecordHeaderSerializer.Snapshot();
        two.readSnapshot(2, new DataInputDeserializer(new byte[0]), loader());
        DataOutputSerializer h = new DataOutputSerializer(256);
        FieldIO.writeString("ev-42", h);
        h.writeInt(1);
        h.writeBoolean(true);
        h.write(layout4);
        RecordHeader header = oldPendings()[0].header;
        h.writeInt(header.groups());
        h.writeInt(header.k());
        FieldIO.writeInts(header.selected(), h);
        FieldIO.writeFloats(header.weights(), h);
        FieldIO.writeInts(header.slots(), h);
        h.writeInt(header.visited());
        FieldIO.writeFloats(header.shared(), h);
        h.writeInt(header.reroutes());
        RecordHeader read = two.restoreSerializer().deserialize(new DataInputDeserializer(h.getCopyOfBuffer()));
        assertThat(read.record()).usingRecursiveComparison().isEqualTo(rec);
        assertThat(read.selected()).isEqualTo(header.selected());

        ExpertTaskSerializer.Snapshot one = new ExpertTaskSerializer.Snapshot();
        one.readSnapshot(1, new DataInputDeserializer(new byte[0]), loader());
        DataOutputSerializer t = new DataOutputSerializer(64);
        FieldIO.writeString("ev-1", t);
        t.writeInt(0);
        t.writeInt(3);
        t.writeInt(1);
        FieldIO.writeFloats(new float[] {1f, 2f}, t);
        ExpertTask task = one.restoreSerializer().deserialize(new DataInputDeserializer(t.getCopyOfBuffer()));
        assertThat(task.expert()).isEqualTo(3);
        assertThat(task.model()).isNull();
    }

    @Test
    void shouldMigrateFromAnOlderVersionAndRefuseOtherSnapshots() {
        TwoVersions current = new TwoVersions();

        assertThat(current.resolveSchemaCompatibility(TwoVersions.read(2)).isCompatibleAsIs())
                .isTrue();
        assertThat(current.resolveSchemaCompatibility(TwoVersions.read(1)).isCompatibleAfterMigration())
                .isTrue();
        assertThat(TwoVersions.read(1).restoreSerializer()).isSameAs(TwoVersions.LAYOUT_1);
        @SuppressWarnings({"unchecked", "rawtypes"})
        TypeSerializerSnapshot<InFlight> other = (TypeSerializerSnapshot) new ExpertTaskSerializer.Snapshot();
        assertThat(current.resolveSchemaCompatibility(other).isIncompatible()).isTrue();
    }

    @Test
    void shouldRefuseAVersionThisBuildCannotReadNamingTheRecord() throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        out.writeUTF(RecordHeaderSerializer.Snapshot.class.getName());
        out.writeInt(99);

        assertThatThrownBy(() -> TypeSerializerSnapshot.readVersionedSnapshot(
                        new DataInputDeserializer(out.getCopyOfBuffer()), loader()))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("RecordHeader")
                .hasMessageContaining("version 99")
                .hasMessageContaining("versions 1 to 3");
    }

    /** A record serializer at version 2 that still reads version 1. */
    static final class TwoVersions extends VersionedSnapshot<InFlight> {
        static final InFlightSerializer LAYOUT_1 = new InFlightSerializer();

        TwoVersions() {
            super("Test", 2, 1);
        }

        static TwoVersions read(int version) {
            TwoVersions s = new TwoVersions();
            try {
                s.readSnapshot(version, new DataInputDeserializer(new byte[0]), loader());
            } catch (IOException e) {
                throw new AssertionError(e);
            }
            return s;
        }

        @Override
        protected TypeSerializer<InFlight> serializerFor(int version) {
            return version == 1 ? LAYOUT_1 : InFlightSerializer.INSTANCE;
        }
    }

    private static <T> List<T> readAll(TypeSerializer<T> s, DataInputDeserializer in) throws IOException {
        int n = in.readInt();
        List<T> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(s.deserialize(in));
        }
        assertThat(in.available()).isZero();
        return out;
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = loader().getResourceAsStream(name)) {
            assertThat(in).as(name).isNotNull();
            return in.readAllBytes();
        }
    }

    private static ClassLoader loader() {
        return SerializerEvolutionTest.class.getClassLoader();
    }

    static InFlight oldRecord() {
        InFlight r = new InFlight();
        r.eventId = "ev-42";
        r.sourceId = "m-7";
        r.task = "line-2";
        r.taskIndex = 1;
        r.eventTime = 1_700_000_000_000L;
        r.readTime = 1_700_000_000_123L;
        r.features = new float[] {0.5f, -1.25f, 3f};
        r.previous = new float[] {0.75f, 2f};
        r.stage = 1;
        r.addChoices(0, new int[] {0, 0}, new int[] {3, 5}, new int[] {1, 0}, new float[] {0.625f, 0.375f});
        r.addFlag("bias_balanced");
        r.rawKey = new byte[] {1, 2, 3};
        r.rawValue = new byte[] {9, 8, 7, 6};
        r.topic = "sensors";
        r.partition = 4;
        r.offset = 1234L;
        return r;
    }

    static Pending[] oldPendings() {
        Pending withHeader = new Pending();
        withHeader.header = new RecordHeader(
                "ev-42",
                1,
                oldRecord(),
                2,
                1,
                new int[] {2, 6},
                new float[] {1f, 0.5f},
                new int[] {0, 1},
                2,
                new float[] {0.25f, -0.5f},
                1);
        withHeader.add(6, new float[] {1.5f, 2.5f});
        Pending resultsOnly = new Pending();
        resultsOnly.add(1, new float[] {4f, 5f});
        resultsOnly.add(3, new float[0]);
        resultsOnly.failure = "Expert e3 of stage s1 failed on this record: boom";
        return new Pending[] {withHeader, resultsOnly};
    }
}
