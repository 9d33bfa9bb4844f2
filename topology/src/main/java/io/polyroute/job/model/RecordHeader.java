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
 * GATE → COMBINE: one per record and stage, what COMBINE needs besides the expert results: the
 * record, its routing decision, the slots its experts run on and the shared expert's row.
 *
 * @param eventId the record's event id
 * @param stage the stage
 * @param record the record
 * @param groups routing groups of the decision
 * @param k experts selected per group
 * @param selected selected experts, {@code [groups·k]} row-major over (group, rank)
 * @param weights their weights
 * @param slots the slot of each entry of {@code selected}
 * @param visited how many distinct experts the record visits (results to wait for)
 * @param shared the shared expert's output row, or null
 * @param reroutes how optional balancing changed the selection ({@code RoutingDecision} reroute bits)
 */
@TypeInfo(RecordHeaderSerializer.Factory.class)
public record RecordHeader(
        String eventId,
        int stage,
        InFlight record,
        int groups,
        int k,
        int[] selected,
        float[] weights,
        int[] slots,
        int visited,
        float[] shared,
        int reroutes) {}
