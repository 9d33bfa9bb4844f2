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
package io.polyroute.monitor.drift;

import io.polyroute.avro.ExpertChoice;
import io.polyroute.avro.Prediction;
import io.polyroute.monitor.aggregate.AggregateSerde;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * What the drift detector needs of one record of a source, re-keyed by source id: a prediction's
 * selected experts and gate weights, or a dead letter. The record time travels as the Kafka
 * timestamp.
 *
 * @param deadLetter true for a dead letter (no experts)
 * @param stages stage of each selected expert
 * @param experts the selected experts, parallel to {@code stages}
 * @param weights their gate weights, parallel to {@code stages}
 */
public record RoutingEvent(boolean deadLetter, int[] stages, int[] experts, float[] weights) {

    private static final byte VERSION = 1;

    /** The routing of one prediction. */
    public static RoutingEvent of(Prediction prediction) {
        List<ExpertChoice> choices = prediction.getExperts();
        int n = choices.size();
        int[] stages = new int[n];
        int[] experts = new int[n];
        float[] weights = new float[n];
        for (int i = 0; i < n; i++) {
            ExpertChoice c = choices.get(i);
            stages[i] = c.getStage();
            experts[i] = c.getExpert();
            weights[i] = c.getWeight();
        }
        return new RoutingEvent(false, stages, experts, weights);
    }

    /** A dead letter of the source. */
    public static RoutingEvent deadLetterEvent() {
        return new RoutingEvent(true, new int[0], new int[0], new float[0]);
    }

    /** Number of selected experts. */
    public int size() {
        return experts.length;
    }

    byte[] toBytes() {
        ByteBuffer b = ByteBuffer.allocate(1 + 1 + 4 + size() * 12);
        b.put(VERSION).put((byte) (deadLetter ? 1 : 0)).putInt(size());
        for (int i = 0; i < size(); i++) {
            b.putInt(stages[i]).putInt(experts[i]).putFloat(weights[i]);
        }
        return b.array();
    }

    static RoutingEvent fromBytes(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        byte version = b.get();
        if (version != VERSION) {
            throw new IllegalArgumentException("Unsupported RoutingEvent format version " + version + ".");
        }
        boolean dead = b.get() == 1;
        int n = b.getInt();
        if (n < 0 || n * 12L != b.remaining()) {
            throw new IllegalArgumentException(
                    "An encoded RoutingEvent declares " + n + " experts but holds " + b.remaining() + " bytes.");
        }
        int[] stages = new int[n];
        int[] experts = new int[n];
        float[] weights = new float[n];
        for (int i = 0; i < n; i++) {
            stages[i] = b.getInt();
            experts[i] = b.getInt();
            weights[i] = b.getFloat();
        }
        return new RoutingEvent(dead, stages, experts, weights);
    }

    /** The serde of the repartition topic. */
    public static AggregateSerde<RoutingEvent> serde() {
        return AggregateSerde.of(RoutingEvent.class, RoutingEvent::toBytes, RoutingEvent::fromBytes);
    }
}
