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
package io.polyroute.schemas;

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
import io.polyroute.avro.SensorReading;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;

/** Fully populated and minimal instances of every record, shared by the tests. */
final class SampleRecords {

    static final Instant T0 = Instant.ofEpochMilli(1_764_000_000_123L);

    private SampleRecords() {}

    static SensorReading sensorReading() {
        return SensorReading.newBuilder()
                .setEventId("evt-000042")
                .setSourceId("press-07")
                .setTask("line-B/Pumpengehäuse")
                .setEventTime(T0)
                .setFeatures(List.of(0.5f, -1.25f, 3.0e-7f, 1234.5f, 0f, -0f))
                .setAttributes(Map.of("firmware", "4.2.1", "site", "Zürich", "note", ""))
                .build();
    }

    /** Optional fields left out, no features: the smallest valid reading. */
    static SensorReading minimalSensorReading() {
        return SensorReading.newBuilder()
                .setEventId("e")
                .setSourceId("")
                .setEventTime(Instant.EPOCH)
                .setFeatures(List.of())
                .build();
    }

    static Prediction prediction() {
        return Prediction.newBuilder()
                .setEventId("evt-000042")
                .setSourceId("press-07")
                .setEventTime(T0)
                .setProcessedTime(T0.plusMillis(17))
                .setModel(ModelRef.newBuilder()
                        .setName("factory-moe")
                        .setVersion("3")
                        .build())
                .setOutput(List.of(0.25f, 0.75f))
                .setExperts(List.of(
                        expertChoice(0, 3, 0, 0.7f, 1), expertChoice(0, 5, 0, 0.3f, 0), expertChoice(1, 2, 1, 1.0f, 3)))
                .setLatencyMs(16.75)
                .setFlags(List.of("bias_balanced", "capacity_overflow"))
                .build();
    }

    static DeadLetter deadLetter() {
        return DeadLetter.newBuilder()
                .setKey(null)
                .setValue(ByteBuffer.wrap(new byte[] {(byte) 0xC3, 0x01, 0x7F, (byte) 0x80, 0x00}))
                .setTopic("sensors")
                .setPartition(3)
                .setOffset(9_876_543_210L)
                .setReason(DeadLetterReason.UNDECODABLE)
                .setMessage("Cannot decode SensorReading from 5 bytes of Avro binary: the input ends early.")
                .setEventId(null)
                .setTime(T0)
                .build();
    }

    static DeadLetter deadLetterWithKey() {
        return DeadLetter.newBuilder(deadLetter())
                .setKey(ByteBuffer.wrap("press-07".getBytes(StandardCharsets.UTF_8)))
                .setValue(ByteBuffer.wrap(new byte[0]))
                .setReason(DeadLetterReason.DUPLICATE)
                .setEventId("evt-000042")
                .build();
    }

    static ExpertLoad expertLoad() {
        return ExpertLoad.newBuilder()
                .setWindowStart(T0)
                .setWindowEnd(T0.plusSeconds(10))
                .setSource(LoadSource.EXPERT)
                .setSubtask(2)
                .setPlanVersion(7L)
                .setEntries(List.of(
                        ExpertLoadEntry.newBuilder()
                                .setExpert(3)
                                .setStage(0)
                                .setSlot(2)
                                .setRecords(1_500L)
                                .setServiceNanos(48_000_000L)
                                .setQueueDepth(12)
                                .build(),
                        ExpertLoadEntry.newBuilder()
                                .setExpert(0)
                                .setStage(1)
                                .setSlot(-1)
                                .setRecords(0L)
                                .setServiceNanos(0L)
                                .setQueueDepth(0)
                                .build()))
                .build();
    }

    static PlacementPlan placementPlan() {
        return PlacementPlan.newBuilder()
                .setVersion(8L)
                .setCreatedTime(T0)
                .setReason("Imbalance 1.42 exceeded the threshold 1.20.")
                .setPinned(false)
                .setSlots(4)
                .setPredictedImbalance(1.05)
                .setSessionsMoved(2)
                .setReplicas(List.of(
                        ExpertPlacement.newBuilder()
                                .setStage(0)
                                .setExpert(3)
                                .setSlots(List.of(1, 2))
                                .setShares(List.of(0.5, 0.5))
                                .build(),
                        ExpertPlacement.newBuilder()
                                .setStage(0)
                                .setExpert(5)
                                .setSlots(List.of(0))
                                .setShares(List.of(1.0))
                                .build()))
                .build();
    }

    /** One or more instances of every record type. */
    static List<SpecificRecord> all() {
        return List.of(
                sensorReading(),
                minimalSensorReading(),
                prediction(),
                deadLetter(),
                deadLetterWithKey(),
                expertLoad(),
                placementPlan());
    }

    private static ExpertChoice expertChoice(int stage, int expert, int group, float weight, int slot) {
        return ExpertChoice.newBuilder()
                .setStage(stage)
                .setExpert(expert)
                .setGroup(group)
                .setWeight(weight)
                .setSlot(slot)
                .build();
    }
}
