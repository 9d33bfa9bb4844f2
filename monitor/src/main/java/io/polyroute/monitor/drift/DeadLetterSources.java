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

import io.polyroute.avro.DeadLetter;
import io.polyroute.avro.SensorReading;
import io.polyroute.schemas.AvroCodec;
import io.polyroute.schemas.AvroEncoding;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;

/**
 * The source of a dead letter: the {@code source_id} of its original record when that still
 * decodes as a sensor reading, else its original Kafka key as UTF-8 (sensor topics are usually
 * keyed by source id), else unknown.
 */
public final class DeadLetterSources {

    private final Function<byte[], SensorReading> readings;

    /** Sources of dead letters whose original values are readings in self-contained {@code encoding}. */
    public DeadLetterSources(AvroEncoding encoding) {
        this(AvroCodec.of(SensorReading.class, encoding)::decode);
    }

    /**
     * Sources of dead letters whose original values {@code readings} decodes (throwing for a value
     * that is not a reading), e.g. a {@code TopicDeserializer} of the input topic's encoding.
     */
    public DeadLetterSources(Function<byte[], SensorReading> readings) {
        this.readings = java.util.Objects.requireNonNull(readings, "readings must not be null");
    }

    /** The source id, or null when neither the value nor the key names one. */
    public String sourceOf(DeadLetter letter) {
        if (letter == null) {
            return null;
        }
        byte[] value = bytes(letter.getValue());
        if (value != null) {
            try {
                String id = readings.apply(value).getSourceId();
                if (id != null && !id.isEmpty()) {
                    return id;
                }
            } catch (RuntimeException e) {
                // not a reading: fall back to the key
            }
        }
        byte[] key = bytes(letter.getKey());
        return key == null || key.length == 0 ? null : new String(key, StandardCharsets.UTF_8);
    }

    private static byte[] bytes(ByteBuffer buffer) {
        if (buffer == null) {
            return null;
        }
        ByteBuffer b = buffer.duplicate();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }
}
