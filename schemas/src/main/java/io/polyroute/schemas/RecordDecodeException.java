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
 * Thrown when bytes cannot be decoded into an Avro record.
 *
 * <p>Decoding never fails with any other exception for bad input: whatever the bytes, a caller
 * either gets a record or this exception. The {@link #reason()} classifies the failure (for a
 * dead-letter reason or a metric), and the message is a sentence naming the record type, the byte
 * length and what was wrong, for example {@code "Cannot decode SensorReading from 12 bytes of Avro
 * binary: it declares a string of 1073741824 bytes at byte 3, but only 9 bytes remain."}
 */
public class RecordDecodeException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** What was wrong with the bytes. */
    public enum Reason {
        /** The input was a null reference rather than an array of bytes. */
        NULL_BYTES,
        /**
         * The input ends before the record is complete: it is empty, cut short, or declares a string,
         * bytes, array or map longer than the bytes that remain.
         */
        TRUNCATED,
        /**
         * Single-object or Confluent wire format: the input does not start with the format's header
         * ({@code C3 01} for single-object, the magic byte {@code 00} for Confluent).
         */
        BAD_HEADER,
        /**
         * Single-object encoding only: the header carries the fingerprint of a schema the reader
         * neither is nor was told about.
         */
        UNKNOWN_FINGERPRINT,
        /**
         * Confluent wire format only: the schema registry does not know the header's schema id, cannot
         * be reached, or holds a schema under that id that does not resolve to the reader's schema.
         */
        UNKNOWN_SCHEMA_ID,
        /**
         * The bytes do not follow the schema: an invalid variable-length number, a union branch or enum
         * symbol out of range, a negative length, or a length above Avro's configured system limit.
         */
        MALFORMED,
        /** A complete record was decoded, but bytes follow it. */
        TRAILING_BYTES
    }

    private final Reason reason;
    private final String recordType;
    private final int length;

    /**
     * Creates the exception.
     *
     * @param reason what was wrong with the bytes
     * @param recordType simple name of the Avro record that was being decoded
     * @param length number of input bytes, or -1 when the input was null
     * @param message whole-sentence description naming the record type, the length and the problem
     * @param cause the underlying Avro or I/O failure, or null
     */
    public RecordDecodeException(Reason reason, String recordType, int length, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
        this.recordType = recordType;
        this.length = length;
    }

    /** Returns what was wrong with the bytes. */
    public Reason reason() {
        return reason;
    }

    /** Returns the simple name of the Avro record that was being decoded, e.g. {@code SensorReading}. */
    public String recordType() {
        return recordType;
    }

    /** Returns the number of input bytes, or -1 when the input was null. */
    public int length() {
        return length;
    }
}
