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

import java.lang.reflect.Type;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;

/** Serializer of {@link ExpertTaskBatch}: the {@link PartBatchSerializer} layout with {@link ExpertTaskSerializer} elements. */
public final class ExpertTaskBatchSerializer extends PartBatchSerializer<ExpertTaskBatch, ExpertTask> {
    private static final long serialVersionUID = 1L;

    public static final ExpertTaskBatchSerializer INSTANCE = new ExpertTaskBatchSerializer();

    @Override
    protected TypeSerializer<ExpertTask> elements() {
        return ExpertTaskSerializer.INSTANCE;
    }

    @Override
    protected ExpertTaskBatch create(int target, int subtasks, int capacity) {
        return new ExpertTaskBatch(target, subtasks, capacity);
    }

    @Override
    public TypeSerializerSnapshot<ExpertTaskBatch> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Version 1: the {@link PartBatchSerializer} layout, elements in their serializer's current layout. */
    public static final class Snapshot extends VersionedSnapshot<ExpertTaskBatch> {
        public Snapshot() {
            super("ExpertTaskBatch", 1, 1);
        }

        @Override
        protected TypeSerializer<ExpertTaskBatch> serializerFor(int version) {
            return INSTANCE;
        }
    }

    /** Makes Flink use this serializer wherever {@link ExpertTaskBatch} appears. */
    public static final class Factory extends TypeInfoFactory<ExpertTaskBatch> {
        @Override
        public TypeInformation<ExpertTaskBatch> createTypeInfo(Type t, Map<String, TypeInformation<?>> params) {
            return new DirectTypeInfo<>(ExpertTaskBatch.class, INSTANCE);
        }
    }
}
