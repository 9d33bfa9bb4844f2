package io.polyroute.job.model;

import java.io.IOException;
import java.lang.reflect.Type;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Serializer of {@link Part}: the kind first, then only the fields that kind uses (a TASK or
 * RESULT carries no header fields). Changing the fields of {@code Part} means changing this class
 * and bumping its snapshot's version.
 */
public final class PartSerializer extends TypeSerializerSingleton<Part> {
    private static final long serialVersionUID = 1L;

    public static final PartSerializer INSTANCE = new PartSerializer();

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public Part createInstance() {
        return new Part();
    }

    @Override
    public Part copy(Part from) {
        if (from == null) {
            return null;
        }
        Part c = new Part();
        c.kind = from.kind;
        c.eventId = from.eventId;
        c.stage = from.stage;
        c.expert = from.expert;
        c.slot = from.slot;
        c.vector = from.vector == null ? null : from.vector.clone();
        c.error = from.error;
        c.emittedNanos = from.emittedNanos;
        c.record = InFlightSerializer.INSTANCE.copy(from.record);
        c.groups = from.groups;
        c.k = from.k;
        c.selected = from.selected == null ? null : from.selected.clone();
        c.weights = from.weights == null ? null : from.weights.clone();
        c.slots = from.slots == null ? null : from.slots.clone();
        c.visited = from.visited;
        c.shared = from.shared == null ? null : from.shared.clone();
        c.reroutes = from.reroutes;
        return c;
    }

    @Override
    public Part copy(Part from, Part reuse) {
        return copy(from);
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(Part p, DataOutputView out) throws IOException {
        out.writeByte(p.kind);
        FieldIO.writeString(p.eventId, out);
        out.writeInt(p.stage);
        out.writeInt(p.expert);
        out.writeInt(p.slot);
        FieldIO.writeFloats(p.vector, out);
        FieldIO.writeString(p.error, out);
        out.writeLong(p.emittedNanos);
        if (p.kind != Part.HEADER) {
            return;
        }
        out.writeBoolean(p.record != null);
        if (p.record != null) {
            InFlightSerializer.INSTANCE.serialize(p.record, out);
        }
        out.writeInt(p.groups);
        out.writeInt(p.k);
        FieldIO.writeInts(p.selected, out);
        FieldIO.writeFloats(p.weights, out);
        FieldIO.writeInts(p.slots, out);
        out.writeInt(p.visited);
        FieldIO.writeFloats(p.shared, out);
        out.writeInt(p.reroutes);
    }

    @Override
    public Part deserialize(DataInputView in) throws IOException {
        Part p = new Part();
        p.kind = in.readByte();
        p.eventId = FieldIO.readString(in);
        p.stage = in.readInt();
        p.expert = in.readInt();
        p.slot = in.readInt();
        p.vector = FieldIO.readFloats(in);
        p.error = FieldIO.readString(in);
        p.emittedNanos = in.readLong();
        if (p.kind != Part.HEADER) {
            return p;
        }
        p.record = in.readBoolean() ? InFlightSerializer.INSTANCE.deserialize(in) : null;
        p.groups = in.readInt();
        p.k = in.readInt();
        p.selected = FieldIO.readInts(in);
        p.weights = FieldIO.readFloats(in);
        p.slots = FieldIO.readInts(in);
        p.visited = in.readInt();
        p.shared = FieldIO.readFloats(in);
        p.reroutes = in.readInt();
        return p;
    }

    @Override
    public Part deserialize(Part reuse, DataInputView in) throws IOException {
        return deserialize(in);
    }

    @Override
    public void copy(DataInputView in, DataOutputView out) throws IOException {
        serialize(deserialize(in), out);
    }

    @Override
    public TypeSerializerSnapshot<Part> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Snapshot of the serializer; a new field layout needs a new version. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<Part> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }

    /** Makes Flink use this serializer wherever {@link Part} appears. */
    public static final class Factory extends TypeInfoFactory<Part> {
        @Override
        public TypeInformation<Part> createTypeInfo(Type t, Map<String, TypeInformation<?>> params) {
            return new DirectTypeInfo<>(Part.class, INSTANCE);
        }
    }
}
