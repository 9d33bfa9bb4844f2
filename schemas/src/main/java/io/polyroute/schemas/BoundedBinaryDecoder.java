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
import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.avro.io.Decoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.util.Utf8;

/**
 * An Avro binary decoder over a byte array that refuses any length or item count the remaining
 * bytes cannot hold, before anything is allocated.
 *
 * <p>Avro's own guard ({@code org.apache.avro.SystemLimitException}, configured through the
 * {@code org.apache.avro.limits.*} system properties) allows lengths up to about 2^31 by default
 * and reads its properties once per JVM, so a corrupt length in a 20-byte message can still make
 * Avro allocate gigabytes. Here a string or bytes value may not be longer than the bytes left, and a
 * block may not declare more items than there are bytes left. The item check relies on every array
 * item taking at least one byte, which {@link SchemaChecks#requireNonEmptyArrayItems} verifies for
 * each schema a codec reads; map entries always take at least one byte (their key).
 *
 * <p>Primitive values are read by Avro's direct (unbuffered) binary decoder over the same cursor,
 * so the cursor position is exact after every call.
 */
final class BoundedBinaryDecoder extends Decoder {

    private final ByteCursor cursor;
    private final Decoder in;

    BoundedBinaryDecoder(byte[] bytes, int offset) {
        this.cursor = new ByteCursor(bytes, offset);
        this.in = DecoderFactory.get().directBinaryDecoder(cursor, null);
    }

    /** Returns the index of the next unread byte. */
    int position() {
        return cursor.position();
    }

    /** Returns the number of unread bytes. */
    int remaining() {
        return cursor.remaining();
    }

    @Override
    public void readNull() throws IOException {
        in.readNull();
    }

    @Override
    public boolean readBoolean() throws IOException {
        return in.readBoolean();
    }

    @Override
    public int readInt() throws IOException {
        return in.readInt();
    }

    @Override
    public long readLong() throws IOException {
        return in.readLong();
    }

    @Override
    public float readFloat() throws IOException {
        return in.readFloat();
    }

    @Override
    public double readDouble() throws IOException {
        return in.readDouble();
    }

    @Override
    public Utf8 readString(Utf8 old) throws IOException {
        int length = readLength("string");
        int start = cursor.position();
        Utf8 result = old != null ? old : new Utf8();
        result.setByteLength(length);
        in.readFixed(result.getBytes(), 0, length);
        checkUtf8(result.getBytes(), length, start);
        return result;
    }

    @Override
    public String readString() throws IOException {
        int length = readLength("string");
        if (length == 0) {
            return "";
        }
        int start = cursor.position();
        byte[] utf8 = new byte[length];
        in.readFixed(utf8, 0, length);
        return checkUtf8(utf8, length, start);
    }

    /** Strings must be valid UTF-8: a lenient decode would turn distinct ids into one (see {@link StrictUtf8}). */
    private static String checkUtf8(byte[] bytes, int length, int position) throws DecodeFailure {
        try {
            return StrictUtf8.decode(bytes, 0, length);
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new DecodeFailure(
                    Reason.MALFORMED,
                    String.format(
                            "the string of %s at byte %d is not valid UTF-8", DecodeFailure.bytes(length), position),
                    e);
        }
    }

    @Override
    public void skipString() throws IOException {
        in.skipFixed(readLength("string"));
    }

    /** Always returns a new heap buffer: the readers here never pass one to reuse. */
    @Override
    public ByteBuffer readBytes(ByteBuffer old) throws IOException {
        byte[] value = new byte[readLength("bytes value")];
        in.readFixed(value, 0, value.length);
        return ByteBuffer.wrap(value);
    }

    @Override
    public void skipBytes() throws IOException {
        in.skipFixed(readLength("bytes value"));
    }

    @Override
    public void readFixed(byte[] bytes, int start, int length) throws IOException {
        in.readFixed(bytes, start, length);
    }

    @Override
    public void skipFixed(int length) throws IOException {
        in.skipFixed(length);
    }

    @Override
    public int readEnum() throws IOException {
        return in.readEnum();
    }

    @Override
    public long readArrayStart() throws IOException {
        return checkItems(in.readArrayStart(), "an array");
    }

    @Override
    public long arrayNext() throws IOException {
        return checkItems(in.arrayNext(), "an array");
    }

    @Override
    public long skipArray() throws IOException {
        return checkItems(in.skipArray(), "an array");
    }

    @Override
    public long readMapStart() throws IOException {
        return checkItems(in.readMapStart(), "a map");
    }

    @Override
    public long mapNext() throws IOException {
        return checkItems(in.mapNext(), "a map");
    }

    @Override
    public long skipMap() throws IOException {
        return checkItems(in.skipMap(), "a map");
    }

    @Override
    public int readIndex() throws IOException {
        return in.readIndex();
    }

    private int readLength(String kind) throws IOException {
        int start = cursor.position();
        long length = in.readLong();
        if (length < 0) {
            throw new DecodeFailure(
                    Reason.MALFORMED,
                    String.format("it declares a %s of negative length %d at byte %d", kind, length, start));
        }
        if (length > cursor.remaining()) {
            throw new DecodeFailure(
                    Reason.TRUNCATED,
                    String.format(
                            "it declares a %s of %s at byte %d, but %s",
                            kind, DecodeFailure.bytes(length), start, DecodeFailure.onlyRemaining(cursor.remaining())));
        }
        return (int) length;
    }

    private long checkItems(long count, String kind) throws IOException {
        if (count < 0) {
            throw new DecodeFailure(
                    Reason.MALFORMED,
                    String.format(
                            "it declares %s block with a negative item count before byte %d", kind, cursor.position()));
        }
        if (count > cursor.remaining()) {
            throw new DecodeFailure(
                    Reason.TRUNCATED,
                    String.format(
                            "it declares %s of %d items before byte %d, but %s",
                            kind, count, cursor.position(), DecodeFailure.onlyRemaining(cursor.remaining())));
        }
        return count;
    }
}
