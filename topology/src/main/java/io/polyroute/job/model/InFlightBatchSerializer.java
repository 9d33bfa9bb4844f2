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
 * Serializer of {@link InFlightBatch}: target, subtasks and count, then the key columns (all high
 * halves, all low halves), then the records with {@link InFlightSerializer}. Changing the layout
 * means a new {@link Snapshot} version.
 */
public final class InFlightBatchSerializer extends RecordSerializer<InFlightBatch> {
    private static final long serialVersionUID = 1L;

    public static final InFlightBatchSerializer INSTANCE = new InFlightBatchSerializer();

    @Override
    public InFlightBatch createInstance() {
        return new InFlightBatch(0, 1, 1);
    }

    @Override
    public InFlightBatch copy(InFlightBatch from) {
        if (from == null) {
            return null;
        }
        InFlightBatch c = new InFlightBatch(from.target, from.subtasks, from.size());
        for (int i = 0; i < from.size(); i++) {
            c.add(from.keyHigh(i), from.keyLow(i), InFlightSerializer.INSTANCE.copy(from.record(i)));
        }
        return c;
    }

    @Override
    public void serialize(InFlightBatch b, DataOutputView out) throws IOException {
        int n = b.size();
        out.writeInt(b.target);
        out.writeInt(b.subtasks);
        out.writeInt(n);
        for (int i = 0; i < n; i++) {
            out.writeLong(b.keyHigh(i));
        }
        for (int i = 0; i < n; i++) {
            out.writeLong(b.keyLow(i));
        }
        for (int i = 0; i < n; i++) {
            InFlightSerializer.INSTANCE.serialize(b.record(i), out);
        }
    }

    @Override
    public InFlightBatch deserialize(DataInputView in) throws IOException {
        int target = in.readInt();
        int subtasks = in.readInt();
        int n = in.readInt();
        if (n < 0) {
            throw new IOException("A batch of " + n + " records.");
        }
        long[] high = new long[n];
        long[] low = new long[n];
        for (int i = 0; i < n; i++) {
            high[i] = in.readLong();
        }
        for (int i = 0; i < n; i++) {
            low[i] = in.readLong();
        }
        InFlightBatch b = new InFlightBatch(target, subtasks, n);
        for (int i = 0; i < n; i++) {
            b.add(high[i], low[i], InFlightSerializer.INSTANCE.deserialize(in));
        }
        return b;
    }

    @Override
    public TypeSerializerSnapshot<InFlightBatch> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Version 1: the layout above, records in {@link InFlightSerializer}'s current layout. */
    public static final class Snapshot extends VersionedSnapshot<InFlightBatch> {
        public Snapshot() {
            super("InFlightBatch", 1, 1);
        }

        @Override
        protected TypeSerializer<InFlightBatch> serializerFor(int version) {
            return INSTANCE;
        }
    }

    /** Makes Flink use this serializer wherever {@link InFlightBatch} appears. */
    public static final class Factory extends TypeInfoFactory<InFlightBatch> {
        @Override
        public TypeInformation<InFlightBatch> createTypeInfo(Type t, Map<String, TypeInformation<?>> params) {
            return new DirectTypeInfo<>(InFlightBatch.class, INSTANCE);
        }
    }
}
