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

import java.io.InputStream;

/**
 * An unsynchronized input stream over a byte array that exposes its position, so a decoder can
 * compare declared lengths with the bytes that actually remain.
 */
final class ByteCursor extends InputStream {

    private final byte[] bytes;
    private int position;

    ByteCursor(byte[] bytes, int offset) {
        this.bytes = bytes;
        this.position = offset;
    }

    /** Returns the index of the next byte to read. */
    int position() {
        return position;
    }

    /** Returns the number of bytes not yet read. */
    int remaining() {
        return bytes.length - position;
    }

    @Override
    public int read() {
        return position < bytes.length ? bytes[position++] & 0xFF : -1;
    }

    @Override
    public int read(byte[] target, int offset, int length) {
        if (length == 0) {
            return 0;
        }
        if (position >= bytes.length) {
            return -1;
        }
        int count = Math.min(length, remaining());
        System.arraycopy(bytes, position, target, offset, count);
        position += count;
        return count;
    }

    @Override
    public long skip(long count) {
        int skipped = (int) Math.min(Math.max(count, 0L), remaining());
        position += skipped;
        return skipped;
    }

    @Override
    public int available() {
        return remaining();
    }
}
