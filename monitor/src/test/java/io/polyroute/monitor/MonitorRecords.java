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
package io.polyroute.monitor;

import io.polyroute.avro.DeadLetter;
import io.polyroute.avro.DeadLetterReason;
import io.polyroute.avro.ExpertChoice;
import io.polyroute.avro.ExpertLoad;
import io.polyroute.avro.ExpertLoadEntry;
import io.polyroute.avro.ExpertPlacement;
import io.polyroute.avro.LoadSource;
import io.polyroute.avro.ModelRef;
import io.polyroute.avro.PlacementPlan;
import io.polyroute.avro.Prediction;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Builders of the records the monitor reads, with the fields a test cares about up front. */
final class MonitorRecords {

    private MonitorRecords() {}

    /** An expert choice at stage 0 with weight 1 (weights play no part in the monitor). */
    static ExpertChoice choice(int expert, int slot) {
        return choice(0, expert, slot);
    }

    static ExpertChoice choice(int stage, int expert, int slot) {
        return ExpertChoice.newBuilder()
                .setStage(stage)
                .setExpert(expert)
                .setGroup(0)
                .setWeight(1f)
                .setSlot(slot)
                .build();
    }

    /** A prediction emitted at {@code processedMs} after {@code latencyMs}, with one output value. */
    static Prediction prediction(
            String source, long processedMs, double latencyMs, float output, ExpertChoice... experts) {
        return Prediction.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setSourceId(source)
                .setEventTime(Instant.ofEpochMilli(processedMs - Math.round(latencyMs)))
                .setProcessedTime(Instant.ofEpochMilli(processedMs))
                .setModel(ModelRef.newBuilder().setName("demo").setVersion("1").build())
                .setOutput(List.of(output, 0.25f))
                .setExperts(List.of(experts))
                .setLatencyMs(latencyMs)
                .setFlags(List.of())
                .build();
    }

    /** A dead letter rejected at {@code timeMs} for {@code reason}. */
    static DeadLetter deadLetter(DeadLetterReason reason, long timeMs) {
        return DeadLetter.newBuilder()
                .setKey(null)
                .setValue(null)
                .setTopic("sensors")
                .setPartition(0)
                .setOffset(0)
                .setReason(reason)
                .setMessage("The record was rejected for " + reason + ".")
                .setEventId(null)
                .setTime(Instant.ofEpochMilli(timeMs))
                .build();
    }

    /** A load report over [startMs, endMs) from {@code source}'s subtask {@code subtask}. */
    static ExpertLoad load(LoadSource source, int subtask, long startMs, long endMs, ExpertLoadEntry... entries) {
        return ExpertLoad.newBuilder()
                .setWindowStart(Instant.ofEpochMilli(startMs))
                .setWindowEnd(Instant.ofEpochMilli(endMs))
                .setSource(source)
                .setSubtask(subtask)
                .setPlanVersion(1)
                .setEntries(List.of(entries))
                .build();
    }

    static ExpertLoadEntry entry(int expert, int slot, long records, long serviceNanos, int queueDepth) {
        return ExpertLoadEntry.newBuilder()
                .setStage(0)
                .setExpert(expert)
                .setSlot(slot)
                .setRecords(records)
                .setServiceNanos(serviceNanos)
                .setQueueDepth(queueDepth)
                .build();
    }

    /**
     * A plan of {@code version} created at {@code createdMs} that places expert e on slot
     * {@code e % slots}, for {@code experts} experts.
     */
    static PlacementPlan plan(long version, long createdMs, int slots, int experts, String reason) {
        List<ExpertPlacement> replicas = new ArrayList<>();
        for (int e = 0; e < experts; e++) {
            replicas.add(ExpertPlacement.newBuilder()
                    .setStage(0)
                    .setExpert(e)
                    .setSlots(List.of(e % slots))
                    .setShares(List.of(1.0))
                    .build());
        }
        return PlacementPlan.newBuilder()
                .setVersion(version)
                .setCreatedTime(Instant.ofEpochMilli(createdMs))
                .setReason(reason)
                .setPinned(false)
                .setSlots(slots)
                .setPredictedImbalance(1.1)
                .setSessionsMoved(version == 1 ? experts : 1)
                .setReplicas(replicas)
                .build();
    }
}
