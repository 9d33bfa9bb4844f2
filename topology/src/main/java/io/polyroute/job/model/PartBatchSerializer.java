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
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Serializer of a {@link PartBatch}: target, subtasks and count, then the elements with the
 * element type's own serializer. Changing the layout means a new snapshot version in the subclass.
 */
abstract class PartBatchSerializer<B extends PartBatch<T>, T> extends RecordSerializer<B> {
    private static final long serialVersionUID = 1L;

    /** The serializer of one element. */
    protected abstract TypeSerializer<T> elements();

    /** An empty batch. */
    protected abstract B create(int target, int subtasks, int capacity);

    @Override
    public B createInstance() {
        return create(0, 1, 1);
    }

    @Override
    public B copy(B from) {
        if (from == null) {
            return null;
        }
        B c = create(from.target, from.subtasks, from.size());
        for (int i = 0; i < from.size(); i++) {
            c.add(elements().copy(from.get(i)));
        }
        return c;
    }

    @Override
    public void serialize(B b, DataOutputView out) throws IOException {
        out.writeInt(b.target);
        out.writeInt(b.subtasks);
        out.writeInt(b.size());
        TypeSerializer<T> s = elements();
        for (int i = 0; i < b.size(); i++) {
            s.serialize(b.get(i), out);
        }
    }

    @Override
    public B deserialize(DataInputView in) throws IOException {
        int target = in.readInt();
        int subtasks = in.readInt();
        int n = in.readInt();
        if (n < 0 || subtasks < 1 || target < 0 || target >= subtasks) {
            throw new IOException("A batch of " + n + " elements for subtask " + target + " of " + subtasks + ".");
        }
        B b = create(target, subtasks, n);
        TypeSerializer<T> s = elements();
        for (int i = 0; i < n; i++) {
            b.add(s.deserialize(in));
        }
        return b;
    }
}
