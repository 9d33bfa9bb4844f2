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
import java.lang.reflect.Type;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Serializer of {@link RecordHeader}, field by field; COMBINE keeps headers in keyed state, so a
 * new layout needs a new {@link Snapshot} version and a reader of the old one.
 */
public final class RecordHeaderSerializer extends RecordSerializer<RecordHeader> {
    private static final long serialVersionUID = 1L;

    public static final RecordHeaderSerializer INSTANCE = new RecordHeaderSerializer();

    @Override
    public RecordHeader createInstance() {
        return new RecordHeader(null, 0, null, 0, 0, null, null, null, 0, null, 0);
    }

    @Override
    public RecordHeader copy(RecordHeader from) {
        if (from == null) {
            return null;
        }
        return new RecordHeader(
                from.eventId(),
                from.stage(),
                InFlightSerializer.INSTANCE.copy(from.record()),
                from.groups(),
                from.k(),
                clone(from.selected()),
                clone(from.weights()),
                clone(from.slots()),
                from.visited(),
                clone(from.shared()),
                from.reroutes());
    }

    @Override
    public void serialize(RecordHeader h, DataOutputView out) throws IOException {
        FieldIO.writeString(h.eventId(), out);
        out.writeInt(h.stage());
        out.writeBoolean(h.record() != null);
        if (h.record() != null) {
            InFlightSerializer.INSTANCE.serialize(h.record(), out);
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
        return read(in, 5);
    }

    /** A header whose record has {@code InFlight} layout {@code inFlightLayout}. */
    static RecordHeader read(DataInputView in, int inFlightLayout) throws IOException {
        String eventId = FieldIO.readString(in);
        int stage = in.readInt();
        InFlight record = !in.readBoolean() ? null : InFlightSerializer.read(in, inFlightLayout);
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
     * Versions: 1, the layout above with its record in {@code InFlight} layout 3; 2, with its record
     * in {@code InFlight} layout 4 (the record names its serving version); 3, the layout above (the
     * record also names where its version is loaded from). State written before headers had a type of
     * their own (a {@link PartSerializer.Snapshot}) migrates: its headers are read with the old layout.
     */
    public static final class Snapshot extends VersionedSnapshot<RecordHeader> {
        public Snapshot() {
            super("RecordHeader", 3, 1);
        }

        @Override
        protected TypeSerializer<RecordHeader> serializerFor(int version) {
            return version < 3 ? new Older(version + 2) : INSTANCE;
        }

        @Override
        public TypeSerializerSchemaCompatibility<RecordHeader> resolveSchemaCompatibility(
                TypeSerializerSnapshot<RecordHeader> old) {
            if (old instanceof PartSerializer.Snapshot) {
                return TypeSerializerSchemaCompatibility.compatibleAfterMigration();
            }
            return super.resolveSchemaCompatibility(old);
        }
    }

    /** Reads headers of an older version (their record in an older {@code InFlight} layout); writes the current layout. */
    static final class Older extends RecordSerializer<RecordHeader> {
        private static final long serialVersionUID = 1L;
        private final int inFlightLayout;

        Older(int inFlightLayout) {
            this.inFlightLayout = inFlightLayout;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Older other && other.inFlightLayout == inFlightLayout;
        }

        @Override
        public int hashCode() {
            return inFlightLayout;
        }

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
            RecordHeaderSerializer.INSTANCE.serialize(h, out);
        }

        @Override
        public RecordHeader deserialize(DataInputView in) throws IOException {
            return read(in, inFlightLayout);
        }

        @Override
        public TypeSerializerSnapshot<RecordHeader> snapshotConfiguration() {
            return new Snapshot();
        }
    }

    /** Makes Flink use this serializer wherever {@link RecordHeader} appears. */
    public static final class Factory extends TypeInfoFactory<RecordHeader> {
        @Override
        public TypeInformation<RecordHeader> createTypeInfo(Type t, Map<String, TypeInformation<?>> params) {
            return new DirectTypeInfo<>(RecordHeader.class, INSTANCE);
        }
    }
}
