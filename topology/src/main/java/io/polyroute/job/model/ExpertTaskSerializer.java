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

/** Serializer of {@link ExpertTask}, field by field. A new layout needs a new {@link Snapshot} version. */
public final class ExpertTaskSerializer extends RecordSerializer<ExpertTask> {
    private static final long serialVersionUID = 1L;

    public static final ExpertTaskSerializer INSTANCE = new ExpertTaskSerializer();

    @Override
    public ExpertTask createInstance() {
        return new ExpertTask(null, 0, 0, 0, null, null, null);
    }

    @Override
    public ExpertTask copy(ExpertTask from) {
        return from == null
                ? null
                : new ExpertTask(
                        from.eventId(),
                        from.stage(),
                        from.expert(),
                        from.slot(),
                        clone(from.row()),
                        from.model(),
                        from.modelPath());
    }

    @Override
    public void serialize(ExpertTask t, DataOutputView out) throws IOException {
        FieldIO.writeString(t.eventId(), out);
        out.writeInt(t.stage());
        out.writeInt(t.expert());
        out.writeInt(t.slot());
        FieldIO.writeFloats(t.row(), out);
        FieldIO.writeString(t.model(), out);
        FieldIO.writeString(t.modelPath(), out);
    }

    @Override
    public ExpertTask deserialize(DataInputView in) throws IOException {
        return read(in, 2);
    }

    static ExpertTask read(DataInputView in, int layout) throws IOException {
        String eventId = FieldIO.readString(in);
        int stage = in.readInt();
        int expert = in.readInt();
        int slot = in.readInt();
        float[] row = FieldIO.readFloats(in);
        if (layout < 2) {
            return new ExpertTask(eventId, stage, expert, slot, row);
        }
        return new ExpertTask(eventId, stage, expert, slot, row, FieldIO.readString(in), FieldIO.readString(in));
    }

    @Override
    public TypeSerializerSnapshot<ExpertTask> snapshotConfiguration() {
        return new Snapshot();
    }

    /**
     * Versions: 1, without the serving version (tasks in flight of an unaligned checkpoint); 2, the
     * layout above.
     */
    public static final class Snapshot extends VersionedSnapshot<ExpertTask> {
        public Snapshot() {
            super("ExpertTask", 2, 1);
        }

        @Override
        protected TypeSerializer<ExpertTask> serializerFor(int version) {
            return version == 1 ? Version1.INSTANCE : INSTANCE;
        }
    }

    /** Reads tasks of version 1; writes the current layout. */
    static final class Version1 extends RecordSerializer<ExpertTask> {
        private static final long serialVersionUID = 1L;
        static final Version1 INSTANCE = new Version1();

        @Override
        public ExpertTask createInstance() {
            return ExpertTaskSerializer.INSTANCE.createInstance();
        }

        @Override
        public ExpertTask copy(ExpertTask from) {
            return ExpertTaskSerializer.INSTANCE.copy(from);
        }

        @Override
        public void serialize(ExpertTask t, DataOutputView out) throws IOException {
            ExpertTaskSerializer.INSTANCE.serialize(t, out);
        }

        @Override
        public ExpertTask deserialize(DataInputView in) throws IOException {
            return read(in, 1);
        }

        @Override
        public TypeSerializerSnapshot<ExpertTask> snapshotConfiguration() {
            return new Snapshot();
        }
    }

    /** Makes Flink use this serializer wherever {@link ExpertTask} appears. */
    public static final class Factory extends TypeInfoFactory<ExpertTask> {
        @Override
        public TypeInformation<ExpertTask> createTypeInfo(Type t, Map<String, TypeInformation<?>> params) {
            return new DirectTypeInfo<>(ExpertTask.class, INSTANCE);
        }
    }
}
