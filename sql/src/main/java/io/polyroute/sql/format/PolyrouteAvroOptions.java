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

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/**
 * Options of the {@code polyroute-avro} format. Inside a Kafka table they carry the format's prefix,
 * e.g. {@code 'value.polyroute-avro.record' = 'Prediction'}.
 */
public final class PolyrouteAvroOptions {
    /** The format name to put in {@code 'format'} or {@code 'value.format'}. */
    public static final String IDENTIFIER = "polyroute-avro";

    /** Column of a SensorReading table that receives the decode failure of an undecodable value. */
    public static final String DECODE_ERROR_COLUMN = "decode_error";
    /** Column of a SensorReading table that receives the value's bytes when they cannot be decoded. */
    public static final String RAW_VALUE_COLUMN = "raw_value";

    public static final ConfigOption<String> RECORD = ConfigOptions.key("record")
            .stringType()
            .defaultValue("SensorReading")
            .withDescription("The Polyroute record in the value: SensorReading, Prediction or DeadLetter."
                    + " Table columns match record fields by name.");

    public static final ConfigOption<String> ENCODING = ConfigOptions.key("encoding")
            .stringType()
            .defaultValue("binary")
            .withDescription("binary (plain Avro binary) or single-object (Avro single-object encoding), as the"
                    + " job's topics.encoding.");

    private PolyrouteAvroOptions() {}
}
