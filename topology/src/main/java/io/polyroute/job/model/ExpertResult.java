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

/**
 * EXPERT → COMBINE: one expert's output row for one record, or why the expert failed on it.
 *
 * @param eventId the record's event id
 * @param stage the stage
 * @param expert the expert that ran
 * @param slot the slot it ran on
 * @param output its output row, or null when it failed
 * @param error why it failed on this record, or null
 */
@TypeInfo(ExpertResultSerializer.Factory.class)
public record ExpertResult(String eventId, int stage, int expert, int slot, float[] output, String error) {

    /** Whether the expert failed on the record. */
    public boolean failed() {
        return error != null;
    }
}
