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
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

/**
 * Encodes and decodes one generated Avro record type in one {@link AvroEncoding}, with no Kafka
 * involved. Instances are immutable and safe to share between threads.
 *
 * <pre>{@code
 * AvroCodec<SensorReading> codec = AvroCodec.of(SensorReading.class, AvroEncoding.SINGLE_OBJECT);
 * byte[] bytes = codec.encode(reading);
 * SensorReading copy = codec.decode(bytes); // RecordDecodeException if the bytes are bad
 *
 * // one-off calls, backed by a shared codec per type and encoding
 * byte[] same = AvroCodec.encode(reading, AvroEncoding.SINGLE_OBJECT);
 * SensorReading again = AvroCodec.decode(same, SensorReading.class, AvroEncoding.SINGLE_OBJECT);
 * }</pre>
 *
 * <p>Decoding is strict: the whole input must be exactly one record. Truncated input, trailing
 * bytes, a wrong single-object header, an unknown schema fingerprint and corrupt lengths all fail
 * with a {@link RecordDecodeException}, and no other exception escapes {@link #decode(byte[])} for
 * any input. Lengths are checked against the bytes that remain before anything is allocated, so a
 * corrupt length cannot make the decoder allocate more than a small multiple of the input size.
 *
 * <p>Single-object encoding uses Avro's {@link BinaryMessageEncoder} (the same bytes as the
 * generated classes' {@code getEncoder()}), and decodes what their {@code getDecoder()} accepts.
 *
 * @param <T> the generated record class
 */
public final class AvroCodec<T extends SpecificRecord> {

    private static final ClassValue<AvroCodec<?>[]> SHARED = new ClassValue<>() {
        @Override
        protected AvroCodec<?>[] computeValue(Class<?> type) {
            AvroEncoding[] encodings = AvroEncoding.values();
            AvroCodec<?>[] codecs = new AvroCodec<?>[encodings.length];
            for (AvroEncoding encoding : encodings) {
                codecs[encoding.ordinal()] = create(type.asSubclass(SpecificRecord.class), encoding);
            }
            return codecs;
        }
    };

    private final Class<T> type;
    private final AvroEncoding encoding;
    private final Schema schema;
    private final SpecificData model;
    private final DatumWriter<T> writer;
    private final BinaryMessageEncoder<T> singleObjectEncoder;
    /** BINARY: the one schema every input is read as. */
    private final DatumReader<T> binaryReader;
    /** SINGLE_OBJECT: a reader for every writer schema this codec accepts, by fingerprint. */
    private final Map<Long, DatumReader<T>> readersByFingerprint;

    private AvroCodec(
            Class<T> type,
            AvroEncoding encoding,
            Schema schema,
            SpecificData model,
            Schema binaryWriterSchema,
            Map<Long, DatumReader<T>> readersByFingerprint) {
        this.type = type;
        this.encoding = encoding;
        this.schema = schema;
        this.model = model;
        this.writer = new SpecificDatumWriter<>(schema, model);
        this.singleObjectEncoder =
                encoding == AvroEncoding.SINGLE_OBJECT ? new BinaryMessageEncoder<>(model, schema) : null;
        this.binaryReader = new SpecificDatumReader<>(binaryWriterSchema, schema, model);
        this.readersByFingerprint = Map.copyOf(readersByFingerprint);
    }

    /**
     * Creates a codec for a generated record class.
     *
     * @throws IllegalArgumentException if {@code type} is not a generated Avro record class
     */
    public static <T extends SpecificRecord> AvroCodec<T> of(Class<T> type, AvroEncoding encoding) {
        Objects.requireNonNull(type, "type must not be null");
        Objects.requireNonNull(encoding, "encoding must not be null");
        return create(type, encoding);
    }

    /**
     * Encodes {@code record} with the shared codec for its class and {@code encoding}.
     *
     * @throws RecordEncodeException if the record does not fit its schema
     */
    public static <T extends SpecificRecord> byte[] encode(T record, AvroEncoding encoding) {
        Objects.requireNonNull(record, "record must not be null");
        @SuppressWarnings("unchecked")
        Class<T> type = (Class<T>) record.getClass();
        return shared(type, encoding).encode(record);
    }

    /**
     * Decodes {@code bytes} as a {@code type} with the shared codec for that class and {@code encoding}.
     *
     * @throws RecordDecodeException if the bytes are not exactly one such record
     */
    public static <T extends SpecificRecord> T decode(byte[] bytes, Class<T> type, AvroEncoding encoding) {
        return shared(type, encoding).decode(bytes);
    }

    /**
     * Returns a codec that also reads bytes written with an older (or newer) {@code writerSchema},
     * resolving them to this codec's schema by Avro's schema-resolution rules.
     *
     * <p>With {@link AvroEncoding#SINGLE_OBJECT} the writer is recognised by its fingerprint, and
     * bytes written with the current schema remain readable. With {@link AvroEncoding#BINARY} the
     * bytes do not identify their writer, so the returned codec reads every input as written with
     * {@code writerSchema}. Encoding always uses the current schema.
     *
     * @throws IllegalArgumentException if this codec's schema cannot read data written with
     *     {@code writerSchema}; the message lists the incompatibilities
     */
    public AvroCodec<T> withWriterSchema(Schema writerSchema) {
        Objects.requireNonNull(writerSchema, "writerSchema must not be null");
        requireReadable(writerSchema);
        SchemaChecks.requireNonEmptyArrayItems(writerSchema);
        Map<Long, DatumReader<T>> readers = new LinkedHashMap<>(readersByFingerprint);
        readers.put(
                SingleObjectHeader.fingerprint(writerSchema), new SpecificDatumReader<>(writerSchema, schema, model));
        Schema binaryWriter = encoding == AvroEncoding.BINARY ? writerSchema : schema;
        return new AvroCodec<>(type, encoding, schema, model, binaryWriter, readers);
    }

    /** Returns the generated record class this codec reads and writes. */
    public Class<T> type() {
        return type;
    }

    /** Returns the encoding of this codec. */
    public AvroEncoding encoding() {
        return encoding;
    }

    /** Returns the schema records are written with and read into. */
    public Schema schema() {
        return schema;
    }

    /**
     * Encodes one record.
     *
     * @throws NullPointerException if {@code record} is null
     * @throws RecordEncodeException if the record does not fit its schema, e.g. a required field is null
     */
    public byte[] encode(T record) {
        Objects.requireNonNull(record, () -> "Cannot encode a null " + schema.getName() + ".");
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try {
            if (encoding == AvroEncoding.SINGLE_OBJECT) {
                singleObjectEncoder.encode(record, out);
            } else {
                BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
                writer.write(record, encoder);
                encoder.flush();
            }
        } catch (IOException | RuntimeException e) {
            throw new RecordEncodeException(
                    String.format(
                            "Cannot encode %s as %s: %s.", schema.getName(), encoding.description(), e.getMessage()),
                    e);
        }
        return out.toByteArray();
    }

    /**
     * Decodes exactly one record from {@code bytes}.
     *
     * @throws RecordDecodeException for any input that is not exactly one record of this type
     *     (including null); never any other exception
     */
    public T decode(byte[] bytes) {
        return decode(bytes, null);
    }

    /** Decodes like {@link #decode(byte[])}; {@code topic}, when not null, is named in exception messages. */
    T decode(byte[] bytes, String topic) {
        if (bytes == null) {
            throw failure(Reason.NULL_BYTES, -1, topic, "the input is null rather than an array of bytes", null);
        }
        try {
            return encoding == AvroEncoding.SINGLE_OBJECT ? readSingleObject(bytes) : readBody(binaryReader, bytes, 0);
        } catch (DecodeFailure e) {
            throw failure(e.reason(), bytes.length, topic, e.getMessage(), e.getCause());
        }
    }

    private T readSingleObject(byte[] bytes) throws DecodeFailure {
        long fingerprint = SingleObjectHeader.readFingerprint(bytes);
        DatumReader<T> reader = readersByFingerprint.get(fingerprint);
        if (reader == null) {
            throw new DecodeFailure(
                    Reason.UNKNOWN_FINGERPRINT,
                    String.format(
                            "its header carries schema fingerprint %s, which is neither the %s schema (%s) nor a"
                                    + " registered writer schema",
                            SingleObjectHeader.format(fingerprint),
                            schema.getName(),
                            SingleObjectHeader.format(SingleObjectHeader.fingerprint(schema))));
        }
        return readBody(reader, bytes, SingleObjectHeader.LENGTH);
    }

    private T readBody(DatumReader<T> reader, byte[] bytes, int offset) throws DecodeFailure {
        BoundedBinaryDecoder in = new BoundedBinaryDecoder(bytes, offset);
        T record;
        try {
            record = reader.read(null, in);
        } catch (IOException | RuntimeException e) {
            throw DecodeFailure.explain(e, in.position(), schema.getName());
        }
        if (in.remaining() > 0) {
            throw new DecodeFailure(
                    Reason.TRAILING_BYTES,
                    String.format(
                            "a complete record ends at byte %d, followed by %s of trailing data",
                            in.position(), DecodeFailure.bytes(in.remaining())));
        }
        return record;
    }

    private RecordDecodeException failure(Reason reason, int length, String topic, String detail, Throwable cause) {
        String source = topic == null ? "" : " from topic '" + topic + "'";
        String message = length < 0
                ? String.format(
                        "Cannot decode %s%s as %s: %s.", schema.getName(), source, encoding.description(), detail)
                : String.format(
                        "Cannot decode %s from %s of %s%s: %s.",
                        schema.getName(), DecodeFailure.bytes(length), encoding.description(), source, detail);
        return new RecordDecodeException(reason, schema.getName(), length, message, cause);
    }

    private void requireReadable(Schema writerSchema) {
        SchemaPairCompatibility result = SchemaCompatibility.checkReaderWriterCompatibility(schema, writerSchema);
        if (result.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
            String problems = result.getResult().getIncompatibilities().stream()
                    .map(i -> i.getMessage() + " at " + i.getLocation())
                    .collect(Collectors.joining("; "));
            throw new IllegalArgumentException(String.format(
                    "The %s schema cannot read data written with writer schema %s: %s.",
                    schema.getName(), writerSchema.getFullName(), problems));
        }
    }

    @SuppressWarnings("unchecked")
    private static <T extends SpecificRecord> AvroCodec<T> shared(Class<T> type, AvroEncoding encoding) {
        Objects.requireNonNull(type, "type must not be null");
        Objects.requireNonNull(encoding, "encoding must not be null");
        return (AvroCodec<T>) SHARED.get(type)[encoding.ordinal()];
    }

    private static <T extends SpecificRecord> AvroCodec<T> create(Class<T> type, AvroEncoding encoding) {
        SpecificData model = SpecificData.getForClass(type);
        Schema schema;
        try {
            schema = model.getSchema(type);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(
                    "Class " + type.getName() + " is not a generated Avro record class: " + e.getMessage(), e);
        }
        if (schema.getType() != Schema.Type.RECORD) {
            throw new IllegalArgumentException(
                    "Class " + type.getName() + " has a " + schema.getType() + " schema, not a record schema.");
        }
        SchemaChecks.requireNonEmptyArrayItems(schema);
        Map<Long, DatumReader<T>> readers =
                Map.of(SingleObjectHeader.fingerprint(schema), new SpecificDatumReader<>(schema, schema, model));
        return new AvroCodec<>(type, encoding, schema, model, schema, readers);
    }
}
