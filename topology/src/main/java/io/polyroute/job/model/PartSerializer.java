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

import java.io.IOException;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Reads COMBINE state written before tasks, results and headers had types of their own, when one
 * message type ("part", a kind byte first) stood for all three. Only headers were kept in state;
 * this serializer reads such a header into a {@link RecordHeader}. Restore only: nothing writes
 * this layout any more, and {@link RecordHeaderSerializer.Snapshot} migrates state that holds it.
 * The class and its snapshot keep their names because savepoints refer to them by name.
 */
public final class PartSerializer extends RecordSerializer<RecordHeader> {
    private static final long serialVersionUID = 1L;

    /** The kind byte of a header in the old layout. */
    private static final byte HEADER = 3;

    public static final PartSerializer INSTANCE = new PartSerializer();

    @Override
    public RecordHeader createInstance() {
        return RecordHeaderSerializer.INSTANCE.createInstance();
    }

    @Override
    public RecordHeader copy(RecordHeader from) {
        return RecordHeaderSerializer.INSTANCE.copy(from);
    }

    @Override
    public void serialize(RecordHeader h, DataOutputView out) throws IOException {
        out.writeByte(HEADER);
        FieldIO.writeString(h.eventId(), out);
        out.writeInt(h.stage());
        out.writeInt(0);
        out.writeInt(0);
        FieldIO.writeFloats(null, out);
        FieldIO.writeString(null, out);
        out.writeLong(0L);
        out.writeBoolean(h.record() != null);
        if (h.record() != null) {
            InFlightSerializer.writeVersion3(h.record(), out);
        }
        out.writeInt(h.groups());
        out.writeInt(h.k());
        FieldIO.writeInts(h.selected(), out);
        FieldIO.writeFloats(h.weights(), out);
        FieldIO.writeInts(h.slots(), out);
        out.writeInt(h.visited());
        FieldIO.writeFloats(h.shared(), out);
        out.writeInt(h.reroutes());
    }

    @Override
    public RecordHeader deserialize(DataInputView in) throws IOException {
        byte kind = in.readByte();
        String eventId = FieldIO.readString(in);
        if (kind != HEADER) {
            throw new IOException("COMBINE state holds a part of kind " + kind + " for event " + eventId
                    + " where a header (kind " + HEADER + ") was expected; the state is corrupted.");
        }
        int stage = in.readInt();
        in.readInt(); // expert: unused by headers
        in.readInt(); // slot: unused by headers
        FieldIO.readFloats(in); // vector: unused by headers
        FieldIO.readString(in); // error: unused by headers
        in.readLong(); // emission time: never read
        // Restore only: such state predates the serving version, so its records have InFlight layout 3.
        InFlight record = in.readBoolean() ? InFlightSerializer.readVersion3(in) : null;
        return new RecordHeader(
                eventId,
                stage,
                record,
                in.readInt(),
                in.readInt(),
                FieldIO.readInts(in),
                FieldIO.readFloats(in),
                FieldIO.readInts(in),
                in.readInt(),
                FieldIO.readFloats(in),
                in.readInt());
    }

    @Override
    public TypeSerializerSnapshot<RecordHeader> snapshotConfiguration() {
        return new Snapshot();
    }

    /**
     * The snapshot such state names. Version 3 (the number Flink's {@code SimpleTypeSerializerSnapshot}
     * wrote) is the only layout there is; nothing resolves to it as a new serializer.
     */
    public static final class Snapshot extends VersionedSnapshot<RecordHeader> {
        public Snapshot() {
            super("part", 3, 3);
        }

        @Override
        protected TypeSerializer<RecordHeader> serializerFor(int version) {
            return INSTANCE;
        }

        @Override
        public TypeSerializerSchemaCompatibility<RecordHeader> resolveSchemaCompatibility(
                TypeSerializerSnapshot<RecordHeader> old) {
            return TypeSerializerSchemaCompatibility.incompatible();
        }
    }
}
