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

import java.util.Map;
import java.util.Objects;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A Kafka {@link Serde}, {@link Serializer} and {@link Deserializer} for one generated Avro record
 * type, backed by an {@link AvroCodec}. Instances are stateless apart from the codec and safe to
 * share between threads, producers and consumers.
 *
 * <pre>{@code
 * AvroSerde<SensorReading> serde = AvroSerdes.sensorReading(AvroEncoding.SINGLE_OBJECT);
 * KafkaConsumer<byte[], SensorReading> consumer =
 *         new KafkaConsumer<>(props, new ByteArrayDeserializer(), serde.deserializer());
 * }</pre>
 *
 * <p>Following Kafka's convention for tombstones, a null record serializes to null and null bytes
 * deserialize to null; every other undecodable value fails with a {@link RecordDecodeException}
 * that names the topic. Use {@link AvroCodec#decode(byte[])} to treat null bytes as an error
 * instead.
 *
 * @param <T> the generated record class
 */
public final class AvroSerde<T extends SpecificRecord> implements Serde<T>, Serializer<T>, Deserializer<T> {

    private final AvroCodec<T> codec;

    /** Creates a serde over {@code codec}. */
    public AvroSerde(AvroCodec<T> codec) {
        this.codec = Objects.requireNonNull(codec, "codec must not be null");
    }

    /** Creates a serde for a generated record class and an encoding. */
    public static <T extends SpecificRecord> AvroSerde<T> of(Class<T> type, AvroEncoding encoding) {
        return new AvroSerde<>(AvroCodec.of(type, encoding));
    }

    /** Returns the codec behind this serde. */
    public AvroCodec<T> codec() {
        return codec;
    }

    /** Does nothing: the record type and encoding are fixed when the serde is created. */
    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {}

    /**
     * Encodes {@code data}, or returns null for a null record.
     *
     * @throws RecordEncodeException if the record does not fit its schema
     */
    @Override
    public byte[] serialize(String topic, T data) {
        return data == null ? null : codec.encode(data);
    }

    /**
     * Decodes {@code data}, or returns null for null bytes.
     *
     * @throws RecordDecodeException if the bytes are not exactly one record; the message names the topic
     */
    @Override
    public T deserialize(String topic, byte[] data) {
        return data == null ? null : codec.decode(data, topic);
    }

    /** Returns this instance. */
    @Override
    public Serializer<T> serializer() {
        return this;
    }

    /** Returns this instance. */
    @Override
    public Deserializer<T> deserializer() {
        return this;
    }

    /** Does nothing: the serde holds no resources. */
    @Override
    public void close() {}

    @Override
    public String toString() {
        return "AvroSerde[" + codec.schema().getName() + ", " + codec.encoding() + "]";
    }
}
