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

import org.apache.flink.api.common.typeinfo.TypeInfo;

/** GATE → COMBINE: the record headers of one GATE flush bound for one COMBINE subtask (by the key group of each header's COMBINE key). */
@TypeInfo(RecordHeaderBatchSerializer.Factory.class)
public final class RecordHeaderBatch extends PartBatch<RecordHeader> {
    public RecordHeaderBatch(int target, int subtasks, int capacity) {
        super(target, subtasks, capacity);
    }
}
