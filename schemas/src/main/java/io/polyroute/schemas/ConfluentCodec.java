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
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;

/**
 * Encodes and decodes one generated Avro record type in the Schema Registry wire format used by
 * Confluent's serializers and every registry with a Confluent-compatible API: the magic byte
 * {@code 00}, the writer schema's registry id as a 4-byte big-endian integer, then the Avro binary
 * body.
 *
 * <pre>{@code
 * SchemaRegistryClient registry = new SchemaRegistryClient(settings);
 * int id = registry.register("predictions-value", Prediction.getClassSchema());
 * ConfluentCodec<Prediction> codec = ConfluentCodec.of(Prediction.class, id, registry);
 * byte[] bytes = codec.encode(prediction);          // 00, id (big-endian), Avro binary
 * Prediction copy = codec.decode(bytes);            // any writer schema that resolves to Prediction
 * }</pre>
 *
 * <p>Encoding always writes this build's schema under {@code writerId}. Decoding reads the id from
 * the header and resolves the bytes written with that schema to this build's schema by Avro's
 * schema-resolution rules, so a producer may write with an older or newer schema as long as it
 * resolves. The writer schema of an id is fetched once through the {@link SchemaLookup} and kept;
 * a failed lookup is not kept, so a registry that was briefly unreachable is asked again. Decoding
 * is as strict as {@link AvroCodec}: every failure is a {@link RecordDecodeException}. Instances are
 * safe to share between threads.
 *
 * @param <T> the generated record class
 */
public final class ConfluentCodec<T extends SpecificRecord> {

    /** The first byte of every record in the wire format. */
    public static final byte MAGIC = 0;

    /** Number of header bytes before the Avro body: the magic byte and the 4-byte schema id. */
    public static final int HEADER_LENGTH = 5;

    /** Finds the writer schema registered under an id; implemented by {@link SchemaRegistryClient}. */
    @FunctionalInterface
    public interface SchemaLookup {
        /**
         * Returns the schema registered under {@code id}.
         *
         * @throws SchemaRegistryException when the registry does not know the id or cannot be reached
         */
        Schema schemaById(int id);
    }

    /** The writer id of a codec made by {@link #reader}, which does not encode. */
    private static final int NO_WRITER = -1;

    private final AvroCodec<T> binary;
    private final int writerId;
    private final byte[] header;
    private final SchemaLookup lookup;
    private final Map<Integer, AvroCodec<T>> readersById = new ConcurrentHashMap<>();

    private ConfluentCodec(AvroCodec<T> binary, int writerId, SchemaLookup lookup) {
        this.binary = binary;
        this.writerId = writerId;
        this.header = header(writerId);
        this.lookup = lookup;
        if (writerId != NO_WRITER) {
            readersById.put(writerId, binary);
        }
    }

    /**
     * Creates a codec that writes {@code type}'s schema under {@code writerId} and looks up the writer
     * schemas of other ids through {@code lookup}.
     *
     * @throws IllegalArgumentException if {@code type} is not a generated Avro record class
     */
    public static <T extends SpecificRecord> ConfluentCodec<T> of(Class<T> type, int writerId, SchemaLookup lookup) {
        Objects.requireNonNull(lookup, "lookup must not be null");
        return new ConfluentCodec<>(AvroCodec.of(type, AvroEncoding.BINARY), writerId, lookup);
    }

    /**
     * Creates a codec that only decodes: it looks up the writer schema of every id it meets through
     * {@code lookup}, and {@link #encode} refuses to write. For a topic the job only reads.
     *
     * @throws IllegalArgumentException if {@code type} is not a generated Avro record class
     */
    public static <T extends SpecificRecord> ConfluentCodec<T> reader(Class<T> type, SchemaLookup lookup) {
        Objects.requireNonNull(lookup, "lookup must not be null");
        return new ConfluentCodec<>(AvroCodec.of(type, AvroEncoding.BINARY), NO_WRITER, lookup);
    }

    /** Returns the five header bytes for {@code schemaId}: {@code 00} and the id, big-endian. */
    public static byte[] header(int schemaId) {
        return new byte[] {
            MAGIC, (byte) (schemaId >>> 24), (byte) (schemaId >>> 16), (byte) (schemaId >>> 8), (byte) schemaId
        };
    }

    /**
     * Returns the schema id in the header of {@code bytes}.
     *
     * @throws RecordDecodeException ({@link Reason#BAD_HEADER} or {@link Reason#TRUNCATED}) when the
     *     bytes do not start with a complete header
     */
    public static int schemaId(byte[] bytes) {
        return schemaId(bytes, "a record");
    }

    private static int schemaId(byte[] bytes, String what) {
        Objects.requireNonNull(bytes, "bytes must not be null");
        if (bytes.length == 0 || bytes[0] != MAGIC) {
            throw new RecordDecodeException(
                    Reason.BAD_HEADER,
                    what,
                    bytes.length,
                    bytes.length == 0
                            ? "Cannot decode " + what
                                    + " from an empty value: the Confluent wire format needs a header."
                            : String.format(
                                    "Cannot decode %s from %d bytes in the Confluent wire format: they start with %02X"
                                            + " instead of the magic byte 00.",
                                    what, bytes.length, bytes[0]),
                    null);
        }
        if (bytes.length < HEADER_LENGTH) {
            throw new RecordDecodeException(
                    Reason.TRUNCATED,
                    what,
                    bytes.length,
                    "Cannot decode " + what + " from " + bytes.length + " bytes in the Confluent wire format: they"
                            + " end inside the " + HEADER_LENGTH + "-byte header.",
                    null);
        }
        return ((bytes[1] & 0xFF) << 24) | ((bytes[2] & 0xFF) << 16) | ((bytes[3] & 0xFF) << 8) | (bytes[4] & 0xFF);
    }

    /** Returns the id this codec writes records under. */
    public int writerId() {
        return writerId;
    }

    /** Returns the schema records are written with and read into. */
    public Schema schema() {
        return binary.schema();
    }

    /**
     * Encodes one record: the header with {@link #writerId()}, then the Avro binary body.
     *
     * @throws RecordEncodeException if the record does not fit its schema
     * @throws IllegalStateException if this codec was made by {@link #reader} and has no writer id
     */
    public byte[] encode(T record) {
        if (writerId == NO_WRITER) {
            throw new IllegalStateException("This " + binary.schema().getName()
                    + " codec only decodes: it was made without a writer schema id.");
        }
        byte[] body = binary.encode(record);
        byte[] out = Arrays.copyOf(header, HEADER_LENGTH + body.length);
        System.arraycopy(body, 0, out, HEADER_LENGTH, body.length);
        return out;
    }

    /**
     * Decodes exactly one record.
     *
     * @throws RecordDecodeException for any input that is not exactly one record of this type in the
     *     wire format, written with a schema the registry knows and that resolves to this type
     */
    public T decode(byte[] bytes) {
        String name = binary.schema().getName();
        if (bytes == null) {
            throw new RecordDecodeException(
                    Reason.NULL_BYTES, name, -1, "Cannot decode " + name + ": the input is null.", null);
        }
        int id = schemaId(bytes, name);
        AvroCodec<T> reader = readerFor(id, bytes.length);
        return reader.decode(Arrays.copyOfRange(bytes, HEADER_LENGTH, bytes.length));
    }

    private AvroCodec<T> readerFor(int id, int length) {
        AvroCodec<T> known = readersById.get(id);
        if (known != null) {
            return known;
        }
        String name = binary.schema().getName();
        AvroCodec<T> reader;
        try {
            reader = binary.withWriterSchema(lookup.schemaById(id));
        } catch (SchemaRegistryException | IllegalArgumentException e) {
            throw new RecordDecodeException(
                    Reason.UNKNOWN_SCHEMA_ID,
                    name,
                    length,
                    "Cannot decode " + name + " written with schema id " + id + ": " + e.getMessage(),
                    e);
        }
        readersById.put(id, reader);
        return reader;
    }
}
