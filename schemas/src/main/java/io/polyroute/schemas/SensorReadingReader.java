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

import io.polyroute.avro.SensorReading;
import java.util.Arrays;

/**
 * Reads the fields the job needs from a {@code SensorReading} written with this build's schema,
 * straight from the bytes: no Avro datum reader, no boxed feature list, no {@code Instant}. It is
 * the fast path of the job's source; anything it does not expect (bytes written with another
 * schema, negative block counts, a length past the end, trailing bytes) makes it return
 * {@code null}, and the caller decodes with {@link AvroCodec}, which accepts or explains the record
 * exactly as before. Whenever {@link AvroCodec#decode} succeeds on bytes this reader accepts, both
 * give the same fields (the tests compare them on random and corrupted records).
 *
 * <pre>{@code
 * SensorReadingReader reader = SensorReadingReader.of(AvroEncoding.BINARY);
 * SensorReadingReader.Fields f = reader.read(value);
 * if (f == null) { SensorReading r = codec.decode(value); ... }   // exact error, or the slow path
 * }</pre>
 */
public final class SensorReadingReader {
    private static final long FINGERPRINT = SingleObjectHeader.fingerprint(SensorReading.getClassSchema());
    private static final int HEADER = 10;

    /**
     * The fields of one reading; {@code task} is null when absent. The attributes are checked but not
     * kept (the job does not use them).
     */
    public record Fields(String eventId, String sourceId, String task, long eventTimeMillis, float[] features) {}

    private final AvroEncoding encoding;

    private SensorReadingReader(AvroEncoding encoding) {
        this.encoding = encoding;
    }

    public static SensorReadingReader of(AvroEncoding encoding) {
        return new SensorReadingReader(encoding);
    }

    /** The reading's fields, or null when the bytes need {@link AvroCodec} (see the class comment). */
    public Fields read(byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        int start = 0;
        if (encoding == AvroEncoding.SINGLE_OBJECT) {
            if (bytes.length < HEADER
                    || bytes[0] != (byte) 0xC3
                    || bytes[1] != (byte) 0x01
                    || littleEndianLong(bytes, 2) != FINGERPRINT) {
                return null;
            }
            start = HEADER;
        }
        return new Cursor(bytes, start).reading();
    }

    private static long littleEndianLong(byte[] b, int at) {
        long v = 0;
        for (int i = 7; i >= 0; i--) {
            v = (v << 8) | (b[at + i] & 0xFF);
        }
        return v;
    }

    /** Signals bytes this reader leaves to {@link AvroCodec}; never escapes {@link #read}. */
    private static final class Unexpected extends Exception {
        private static final long serialVersionUID = 1L;
        static final Unexpected INSTANCE = new Unexpected();

        private Unexpected() {
            super(null, null, false, false);
        }
    }

    private static final class Cursor {
        private final byte[] b;
        private int at;

        Cursor(byte[] bytes, int start) {
            this.b = bytes;
            this.at = start;
        }

        Fields reading() {
            try {
                String eventId = string();
                String sourceId = string();
                String task = switch (unionIndex()) {
                    case 0 -> null;
                    default -> string();
                };
                long eventTime = varLong();
                float[] features = floats();
                if (unionIndex() == 1) {
                    skipStringMap();
                }
                return at == b.length ? new Fields(eventId, sourceId, task, eventTime, features) : null;
            } catch (Unexpected e) {
                return null;
            }
        }

        private int unionIndex() throws Unexpected {
            long i = varInt();
            if (i != 0 && i != 1) {
                throw Unexpected.INSTANCE;
            }
            return (int) i;
        }

        /** An Avro int: at most 5 bytes, as Avro's own decoder reads union indexes and string lengths. */
        private long varInt() throws Unexpected {
            return varint(35);
        }

        /** An Avro long: at most 10 bytes. */
        private long varLong() throws Unexpected {
            return varint(70);
        }

        private long varint(int maxShift) throws Unexpected {
            long raw = 0;
            for (int shift = 0; shift < maxShift; shift += 7) {
                if (at >= b.length) {
                    throw Unexpected.INSTANCE;
                }
                int x = b[at++] & 0xFF;
                raw |= (long) (x & 0x7F) << shift;
                if ((x & 0x80) == 0) {
                    return (raw >>> 1) ^ -(raw & 1);
                }
            }
            throw Unexpected.INSTANCE;
        }

        private int length() throws Unexpected {
            long n = varInt();
            if (n < 0 || n > b.length - at) {
                throw Unexpected.INSTANCE;
            }
            return (int) n;
        }

        private String string() throws Unexpected {
            int n = length();
            String s;
            try {
                // Invalid UTF-8 is left to AvroCodec, which refuses it with a reason.
                s = StrictUtf8.decode(b, at, n);
            } catch (java.nio.charset.CharacterCodingException e) {
                throw Unexpected.INSTANCE;
            }
            at += n;
            return s;
        }

        /** Skips a string the job does not keep, still checking it is UTF-8 as the codec does. */
        private void skipString() throws Unexpected {
            string();
        }

        private float[] floats() throws Unexpected {
            float[] out = new float[0];
            int size = 0;
            for (long count = varLong(); count != 0; count = varLong()) {
                if (count < 0 || count > (b.length - at) / Float.BYTES) {
                    throw Unexpected.INSTANCE;
                }
                int n = (int) count;
                out = size == 0 ? new float[n] : Arrays.copyOf(out, size + n);
                for (int i = 0; i < n; i++) {
                    out[size++] = Float.intBitsToFloat((b[at] & 0xFF)
                            | (b[at + 1] & 0xFF) << 8
                            | (b[at + 2] & 0xFF) << 16
                            | (b[at + 3] & 0xFF) << 24);
                    at += Float.BYTES;
                }
            }
            return out;
        }

        private void skipStringMap() throws Unexpected {
            for (long count = varLong(); count != 0; count = varLong()) {
                if (count < 0) {
                    throw Unexpected.INSTANCE;
                }
                for (long i = 0; i < count; i++) {
                    skipString();
                    skipString();
                }
            }
        }
    }
}
