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
package io.polyroute.job.config;

import io.polyroute.schemas.AvroEncoding;

/**
 * How the records of one topic are laid out: one of the two self-contained Avro encodings, or the
 * Schema Registry wire format, whose five-byte header names a schema registered in a registry
 * ({@code registry.*}).
 */
public enum TopicEncoding {
    /** Plain Avro binary: the record body only; reader and writer agree on the schema out of band. */
    BINARY,
    /** Avro single-object encoding: {@code C3 01}, the schema's 8-byte fingerprint, then binary. */
    SINGLE_OBJECT,
    /**
     * Schema Registry wire format: the byte {@code 00}, the writer schema's registry id (4 bytes,
     * big-endian), then Avro binary. Used by Confluent's serializers and every registry with a
     * Confluent-compatible API.
     */
    CONFLUENT;

    /**
     * The self-contained Avro encoding this names.
     *
     * @throws ConfigException naming {@code key} for {@link #CONFLUENT}, which needs a registry, when
     *     the reader ({@code who}) cannot use one
     */
    public AvroEncoding avro(String key, String who) {
        return switch (this) {
            case BINARY -> AvroEncoding.BINARY;
            case SINGLE_OBJECT -> AvroEncoding.SINGLE_OBJECT;
            case CONFLUENT ->
                throw new ConfigException(
                        key,
                        key + "=confluent is not supported by " + who + "; set it to binary or single-object for the"
                                + " topics " + who + " reads.");
        };
    }

    /** The value as written in a job file: {@code binary}, {@code single-object} or {@code confluent}. */
    public String text() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
