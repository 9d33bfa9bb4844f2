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
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Serializer of {@link InFlight}, field by field in declaration order. Changing the fields of
 * {@code InFlight} means changing this class and adding a {@link Snapshot} version.
 */
public final class InFlightSerializer extends RecordSerializer<InFlight> {
    private static final long serialVersionUID = 1L;

    public static final InFlightSerializer INSTANCE = new InFlightSerializer();

    @Override
    public InFlight createInstance() {
        return new InFlight();
    }

    @Override
    public InFlight copy(InFlight from) {
        if (from == null) {
            return null;
        }
        InFlight c = new InFlight();
        c.eventId = from.eventId;
        c.sourceId = from.sourceId;
        c.task = from.task;
        c.taskIndex = from.taskIndex;
        c.eventTime = from.eventTime;
        c.readTime = from.readTime;
        c.features = from.features == null ? null : from.features.clone();
        c.previous = from.previous == null ? null : from.previous.clone();
        c.stage = from.stage;
        c.choiceStage = from.choiceStage == null ? null : from.choiceStage.clone();
        c.choiceGroup = from.choiceGroup == null ? null : from.choiceGroup.clone();
        c.choiceExpert = from.choiceExpert == null ? null : from.choiceExpert.clone();
        c.choiceSlot = from.choiceSlot == null ? null : from.choiceSlot.clone();
        c.choiceWeight = from.choiceWeight == null ? null : from.choiceWeight.clone();
        c.flags = from.flags == null ? null : from.flags.clone();
        c.rawKey = from.rawKey == null ? null : from.rawKey.clone();
        c.rawValue = from.rawValue == null ? null : from.rawValue.clone();
        c.topic = from.topic;
        c.partition = from.partition;
        c.offset = from.offset;
        c.modelName = from.modelName;
        c.modelVersion = from.modelVersion;
        c.modelPath = from.modelPath;
        return c;
    }

    @Override
    public void serialize(InFlight r, DataOutputView out) throws IOException {
        writeVersion3(r, out);
        FieldIO.writeString(r.modelName, out);
        FieldIO.writeString(r.modelVersion, out);
        FieldIO.writeString(r.modelPath, out);
    }

    /** The fields of layout 3, which every later layout starts with. */
    static void writeVersion3(InFlight r, DataOutputView out) throws IOException {
        FieldIO.writeString(r.eventId, out);
        FieldIO.writeString(r.sourceId, out);
        FieldIO.writeString(r.task, out);
        out.writeInt(r.taskIndex);
        out.writeLong(r.eventTime);
        out.writeLong(r.readTime);
        FieldIO.writeFloats(r.features, out);
        FieldIO.writeFloats(r.previous, out);
        out.writeInt(r.stage);
        FieldIO.writeInts(r.choiceStage, out);
        FieldIO.writeInts(r.choiceGroup, out);
        FieldIO.writeInts(r.choiceExpert, out);
        FieldIO.writeInts(r.choiceSlot, out);
        FieldIO.writeFloats(r.choiceWeight, out);
        FieldIO.writeStrings(r.flags, out);
        FieldIO.writeBytes(r.rawKey, out);
        FieldIO.writeBytes(r.rawValue, out);
        FieldIO.writeString(r.topic, out);
        out.writeInt(r.partition);
        out.writeLong(r.offset);
    }

    @Override
    public InFlight deserialize(DataInputView in) throws IOException {
        InFlight r = readVersion4(in);
        r.modelPath = FieldIO.readString(in);
        return r;
    }

    /** The fields of layout 4, which every later layout starts with. */
    static InFlight readVersion4(DataInputView in) throws IOException {
        InFlight r = readVersion3(in);
        r.modelName = FieldIO.readString(in);
        r.modelVersion = FieldIO.readString(in);
        return r;
    }

    /** A record of {@code layout} (3 to 5). */
    static InFlight read(DataInputView in, int layout) throws IOException {
        return switch (layout) {
            case 3 -> readVersion3(in);
            case 4 -> readVersion4(in);
            default -> INSTANCE.deserialize(in);
        };
    }

    /** The fields of layout 3, which every later layout starts with. */
    static InFlight readVersion3(DataInputView in) throws IOException {
        InFlight r = new InFlight();
        r.eventId = FieldIO.readString(in);
        r.sourceId = FieldIO.readString(in);
        r.task = FieldIO.readString(in);
        r.taskIndex = in.readInt();
        r.eventTime = in.readLong();
        r.readTime = in.readLong();
        r.features = FieldIO.readFloats(in);
        r.previous = FieldIO.readFloats(in);
        r.stage = in.readInt();
        r.choiceStage = FieldIO.readInts(in);
        r.choiceGroup = FieldIO.readInts(in);
        r.choiceExpert = FieldIO.readInts(in);
        r.choiceSlot = FieldIO.readInts(in);
        r.choiceWeight = FieldIO.readFloats(in);
        r.flags = FieldIO.readStrings(in);
        r.rawKey = FieldIO.readBytes(in);
        r.rawValue = FieldIO.readBytes(in);
        r.topic = FieldIO.readString(in);
        r.partition = in.readInt();
        r.offset = in.readLong();
        return r;
    }

    @Override
    public TypeSerializerSnapshot<InFlight> snapshotConfiguration() {
        return new Snapshot();
    }

    /**
     * Versions: 3, the layout without the serving model (the number continues the one Flink's
     * {@code SimpleTypeSerializerSnapshot} wrote for this class); 4, the layout above, which adds
     * {@code modelName} and {@code modelVersion}; 5, the layout above, which adds {@code modelPath}.
     * Versions 3 and 4 are read by {@link Older}.
     */
    public static final class Snapshot extends VersionedSnapshot<InFlight> {
        public Snapshot() {
            super("InFlight", 5, 3);
        }

        @Override
        protected TypeSerializer<InFlight> serializerFor(int version) {
            return version < 5 ? new Older(version) : INSTANCE;
        }
    }

    /** Reads state written in an older layout (3: no serving model; 4: no model path); writes the current layout. */
    static final class Older extends RecordSerializer<InFlight> {
        private static final long serialVersionUID = 1L;
        private final int layout;

        Older(int layout) {
            this.layout = layout;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Older other && other.layout == layout;
        }

        @Override
        public int hashCode() {
            return layout;
        }

        @Override
        public InFlight createInstance() {
            return new InFlight();
        }

        @Override
        public InFlight copy(InFlight from) {
            return InFlightSerializer.INSTANCE.copy(from);
        }

        @Override
        public void serialize(InFlight r, DataOutputView out) throws IOException {
            InFlightSerializer.INSTANCE.serialize(r, out);
        }

        @Override
        public InFlight deserialize(DataInputView in) throws IOException {
            return read(in, layout);
        }

        @Override
        public TypeSerializerSnapshot<InFlight> snapshotConfiguration() {
            return new Snapshot();
        }
    }

    /** Makes Flink use this serializer wherever {@link InFlight} appears. */
    public static final class Factory extends TypeInfoFactory<InFlight> {
        @Override
        public TypeInformation<InFlight> createTypeInfo(Type t, Map<String, TypeInformation<?>> params) {
            return new DirectTypeInfo<>(InFlight.class, INSTANCE);
        }
    }
}
