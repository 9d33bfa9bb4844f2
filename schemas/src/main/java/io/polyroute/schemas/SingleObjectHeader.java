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

import io.polyroute.schemas.RecordDecodeException.Reason;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;

/**
 * The header of Avro's single-object encoding: the marker bytes {@code C3 01} followed by the
 * writer schema's 64-bit CRC-64-AVRO fingerprint, little-endian.
 */
final class SingleObjectHeader {

    /** Number of header bytes before the binary body. */
    static final int LENGTH = 10;

    private static final byte MARKER_0 = (byte) 0xC3;
    private static final byte MARKER_1 = (byte) 0x01;

    private SingleObjectHeader() {}

    /** Returns the fingerprint a single-object header carries for {@code schema}. */
    static long fingerprint(Schema schema) {
        return SchemaNormalization.parsingFingerprint64(schema);
    }

    /**
     * Reads the writer-schema fingerprint from the start of {@code bytes}.
     *
     * @throws DecodeFailure with {@link Reason#BAD_HEADER} when the marker is wrong, or
     *     {@link Reason#TRUNCATED} when the input ends inside the header
     */
    static long readFingerprint(byte[] bytes) throws DecodeFailure {
        if (bytes.length == 0) {
            throw new DecodeFailure(Reason.TRUNCATED, "the input is empty, with no single-object header");
        }
        boolean markerOk = bytes[0] == MARKER_0 && (bytes.length < 2 || bytes[1] == MARKER_1);
        if (!markerOk) {
            throw new DecodeFailure(
                    Reason.BAD_HEADER,
                    String.format(
                            "it starts with %s instead of the single-object marker C3 01",
                            bytes.length < 2
                                    ? String.format("%02X", bytes[0])
                                    : String.format("%02X %02X", bytes[0], bytes[1])));
        }
        if (bytes.length < LENGTH) {
            throw new DecodeFailure(
                    Reason.TRUNCATED, String.format("it ends inside the %d-byte single-object header", LENGTH));
        }
        long fingerprint = 0;
        for (int i = LENGTH - 1; i >= 2; i--) {
            fingerprint = (fingerprint << 8) | (bytes[i] & 0xFFL);
        }
        return fingerprint;
    }

    /** Formats a fingerprint the way it appears in messages: 16 hex digits. */
    static String format(long fingerprint) {
        return String.format("%016X", fingerprint);
    }
}
