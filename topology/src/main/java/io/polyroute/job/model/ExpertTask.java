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
 * GATE → EXPERT: one per (record, visited expert), the encoded row an expert slot is to run.
 *
 * @param eventId the record's event id
 * @param stage the stage
 * @param expert the expert to run
 * @param slot the slot of the placement plan in force the expert runs on
 * @param row the encoded stage input of the record (shared by the record's tasks; never modified)
 */
/**
 * One record's stage input for one expert, addressed to an EXPERT slot.
 *
 * @param model the version that serves the record ({@code name:version}), null for the job's own bundle
 * @param modelPath where every TaskManager loads that version from; null with {@code model}
 */
@TypeInfo(ExpertTaskSerializer.Factory.class)
public record ExpertTask(String eventId, int stage, int expert, int slot, float[] row, String model, String modelPath) {

    /** A task of the job's own bundle. */
    public ExpertTask(String eventId, int stage, int expert, int slot, float[] row) {
        this(eventId, stage, expert, slot, row, null, null);
    }

    /** The result of running this task: {@code output}, or {@code error} when the expert failed. */
    public ExpertResult result(float[] output, String error) {
        return new ExpertResult(eventId, stage, expert, slot, output, error);
    }
}
