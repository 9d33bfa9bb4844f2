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
package io.polyroute.monitor.aggregate;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;

/** Checks shared by the binary formats of the aggregates. */
final class Encoding {

    /** First byte of every encoded aggregate, so the format can change without breaking old changelogs. */
    static final byte VERSION = 1;

    private Encoding() {}

    /** Wraps {@code bytes} and checks the leading format version. */
    static ByteBuffer open(byte[] bytes, String type) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        if (!buffer.hasRemaining()) {
            throw new IllegalArgumentException("An encoded " + type + " cannot be empty.");
        }
        byte version = buffer.get();
        if (version != VERSION) {
            throw new IllegalArgumentException("Unsupported " + type + " format version " + version
                    + "; this monitor reads version " + VERSION + ".");
        }
        return buffer;
    }

    /** Checks that the whole input was read. */
    static void requireConsumed(ByteBuffer buffer, String type) {
        if (buffer.hasRemaining()) {
            throw new IllegalArgumentException(
                    "An encoded " + type + " has " + buffer.remaining() + " trailing bytes.");
        }
    }

    /** Reads a non-negative count of entries that each take at least {@code entryBytes}. */
    static int readCount(ByteBuffer buffer, int entryBytes, String type) {
        try {
            int count = buffer.getInt();
            if (count < 0 || (long) count * entryBytes > buffer.remaining()) {
                throw new IllegalArgumentException("An encoded " + type + " declares " + count
                        + " entries but holds only " + buffer.remaining() + " more bytes.");
            }
            return count;
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("An encoded " + type + " is truncated.", e);
        }
    }
}
