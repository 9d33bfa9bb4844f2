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

/** Serializer of {@link ExpertResult}, field by field. A new layout needs a new {@link Snapshot} version. */
public final class ExpertResultSerializer extends RecordSerializer<ExpertResult> {
    private static final long serialVersionUID = 1L;

    public static final ExpertResultSerializer INSTANCE = new ExpertResultSerializer();

    @Override
    public ExpertResult createInstance() {
        return new ExpertResult(null, 0, 0, 0, null, null);
    }

    @Override
    public ExpertResult copy(ExpertResult from) {
        return from == null
                ? null
                : new ExpertResult(
                        from.eventId(), from.stage(), from.expert(), from.slot(), clone(from.output()), from.error());
    }

    @Override
    public void serialize(ExpertResult r, DataOutputView out) throws IOException {
        FieldIO.writeString(r.eventId(), out);
        out.writeInt(r.stage());
        out.writeInt(r.expert());
        out.writeInt(r.slot());
        FieldIO.writeFloats(r.output(), out);
        FieldIO.writeString(r.error(), out);
    }

    @Override
    public ExpertResult deserialize(DataInputView in) throws IOException {
        return new ExpertResult(
                FieldIO.readString(in),
                in.readInt(),
                in.readInt(),
                in.readInt(),
                FieldIO.readFloats(in),
                FieldIO.readString(in));
    }

    @Override
    public TypeSerializerSnapshot<ExpertResult> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Versions: 1, the layout above. */
    public static final class Snapshot extends VersionedSnapshot<ExpertResult> {
        public Snapshot() {
            super("ExpertResult", 1, 1);
        }

        @Override
        protected TypeSerializer<ExpertResult> serializerFor(int version) {
            return INSTANCE;
        }
    }

    /** Makes Flink use this serializer wherever {@link ExpertResult} appears. */
    public static final class Factory extends TypeInfoFactory<ExpertResult> {
        @Override
        public TypeInformation<ExpertResult> createTypeInfo(Type t, Map<String, TypeInformation<?>> params) {
            return new DirectTypeInfo<>(ExpertResult.class, INSTANCE);
        }
    }
}
