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
package io.polyroute.sql.format;

import io.polyroute.avro.DeadLetter;
import io.polyroute.avro.Prediction;
import io.polyroute.avro.SensorReading;
import java.util.Locale;
import org.apache.avro.specific.SpecificRecord;

/** The Polyroute records the {@code polyroute-avro} format reads and writes. */
public enum WireRecord {
    SENSOR_READING(SensorReading.class),
    PREDICTION(Prediction.class),
    DEAD_LETTER(DeadLetter.class);

    private final Class<? extends SpecificRecord> type;

    WireRecord(Class<? extends SpecificRecord> type) {
        this.type = type;
    }

    public Class<? extends SpecificRecord> type() {
        return type;
    }

    /** Accepts the record's Avro name ({@code SensorReading}) or its constant ({@code sensor_reading}). */
    public static WireRecord parse(String s) {
        for (WireRecord r : values()) {
            if (r.type.getSimpleName().equalsIgnoreCase(s.trim()) || r.name().equalsIgnoreCase(s.trim())) {
                return r;
            }
        }
        throw new IllegalArgumentException(
                "Unknown record '" + s + "'; expected SensorReading, Prediction or DeadLetter.");
    }

    @Override
    public String toString() {
        return type.getSimpleName().toLowerCase(Locale.ROOT);
    }
}
