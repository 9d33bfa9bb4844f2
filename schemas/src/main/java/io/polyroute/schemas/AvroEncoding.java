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

/**
 * How a record is laid out in a Kafka value or any other byte array.
 *
 * <p>Both encodings carry the same Avro binary body. They differ in whether the bytes identify the
 * schema that wrote them, which decides how a reader copes with schema evolution.
 */
public enum AvroEncoding {

    /**
     * Plain Avro binary encoding: the record body and nothing else. Compact, but the bytes do not say
     * which schema wrote them, so reader and writer must agree on it out of band.
     */
    BINARY("Avro binary"),

    /**
     * Avro single-object encoding: the two marker bytes {@code C3 01}, the 8-byte little-endian
     * CRC-64-AVRO fingerprint of the writer schema, then the binary body. A reader recognises the
     * writer schema by its fingerprint and rejects bytes written with a schema it does not know.
     */
    SINGLE_OBJECT("Avro single-object encoding");

    private final String description;

    AvroEncoding(String description) {
        this.description = description;
    }

    /** Returns a short human-readable name of the encoding, used in exception messages. */
    public String description() {
        return description;
    }
}
