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
package io.polyroute.job.io;

import io.polyroute.avro.ExpertLoad;
import io.polyroute.avro.Prediction;
import io.polyroute.job.config.JobConfig;
import io.polyroute.job.config.TopicEncoding;
import io.polyroute.job.config.TopicsOptions;
import io.polyroute.schemas.AvroCodec;
import io.polyroute.schemas.AvroSerde;
import io.polyroute.schemas.AvroSerdes;
import io.polyroute.schemas.ConfluentCodec;
import io.polyroute.schemas.RecordDecodeException;
import java.util.Objects;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.configuration.ConfigOption;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads the records of one of the job's topics in the encoding its {@code topics.encoding*} option
 * names, for the tools that read what the job wrote (the monitor, {@code polyroute dlq}): plain
 * Avro binary, single-object encoding, or the Schema Registry wire format, whose writer schema is
 * looked up by the id in each record's header in the registry {@code registry.*} describes, with
 * the same client and secrets as the job, and resolved to this build's schema.
 *
 * <pre>{@code
 * TopicDeserializer<DeadLetter> letters =
 *         TopicDeserializer.forTopic(config, TopicsOptions.ENCODING_DLQ, DeadLetter.class);
 * DeadLetter letter = letters.decode(record.value());
 * }</pre>
 *
 * <p>Safe to share between threads: the wire format's codec keeps the writer schema of each id it
 * has met. Every failure is a {@link RecordDecodeException}; a registry that does not know an id
 * or cannot be reached is one with reason {@code UNKNOWN_SCHEMA_ID} naming the id, and is asked
 * again for the next record with that id.
 *
 * @param <T> the generated record class
 */
public final class TopicDeserializer<T extends SpecificRecord> implements Deserializer<T> {

    private final TopicEncoding encoding;
    private final AvroSerde<T> selfContained;
    private final ConfluentCodec<T> wire;

    private TopicDeserializer(TopicEncoding encoding, AvroSerde<T> selfContained, ConfluentCodec<T> wire) {
        this.encoding = encoding;
        this.selfContained = selfContained;
        this.wire = wire;
    }

    /**
     * A reader of {@code type} in {@code encoding}; {@code registry} finds the writer schemas of
     * the {@code confluent} encoding and may be null for the others.
     *
     * @throws IllegalArgumentException when {@code encoding} is {@code confluent} and
     *     {@code registry} is null
     */
    public static <T extends SpecificRecord> TopicDeserializer<T> of(
            Class<T> type, TopicEncoding encoding, ConfluentCodec.SchemaLookup registry) {
        Objects.requireNonNull(type, "type must not be null");
        Objects.requireNonNull(encoding, "encoding must not be null");
        if (encoding == TopicEncoding.CONFLUENT) {
            if (registry == null) {
                throw new IllegalArgumentException(
                        "The confluent encoding of " + type.getSimpleName() + " needs a schema registry.");
            }
            return new TopicDeserializer<>(encoding, null, ConfluentCodec.reader(type, registry));
        }
        return new TopicDeserializer<>(encoding, new AvroSerde<>(selfContained(type, encoding)), null);
    }

    /**
     * A reader of {@code type} for the topic whose encoding {@code encodingOption} sets in
     * {@code config} ({@code topics.encoding.output}, {@code .dlq}, {@code .control} or
     * {@code .input}, else {@code topics.encoding}), with a registry client made from
     * {@code registry.*} when that encoding is {@code confluent}.
     *
     * @throws io.polyroute.job.config.ConfigException naming the {@code registry.*} key when the
     *     registry's URL is missing or a file or variable it names cannot be read
     */
    public static <T extends SpecificRecord> TopicDeserializer<T> forTopic(
            JobConfig config, ConfigOption<String> encodingOption, Class<T> type) {
        TopicEncoding encoding = TopicsOptions.encoding(config, encodingOption);
        return of(
                type,
                encoding,
                encoding == TopicEncoding.CONFLUENT
                        ? RegistryConnection.of(config).client()
                        : null);
    }

    /**
     * Predictions also read the single-object bytes of releases before {@code output_names}, load
     * reports those before {@code bundle_name} and {@code bundle_version}.
     */
    @SuppressWarnings("unchecked")
    private static <T extends SpecificRecord> AvroCodec<T> selfContained(Class<T> type, TopicEncoding encoding) {
        var avro = encoding.avro("topics.encoding", "this reader");
        if (type == Prediction.class) {
            return (AvroCodec<T>) AvroSerdes.prediction(avro).codec();
        }
        if (type == ExpertLoad.class) {
            return (AvroCodec<T>) AvroSerdes.expertLoad(avro).codec();
        }
        return AvroCodec.of(type, avro);
    }

    /** The encoding this reader expects. */
    public TopicEncoding encoding() {
        return encoding;
    }

    /**
     * Decodes exactly one record.
     *
     * @throws RecordDecodeException for anything else, including null bytes
     */
    public T decode(byte[] bytes) {
        return wire != null ? wire.decode(bytes) : selfContained.codec().decode(bytes);
    }

    /**
     * Decodes {@code data}, or returns null for null bytes (a tombstone), following Kafka's
     * convention.
     *
     * @throws RecordDecodeException if the bytes are not exactly one record; for the self-contained
     *     encodings the message names the topic
     */
    @Override
    public T deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        return wire != null ? wire.decode(data) : selfContained.deserialize(topic, data);
    }

    @Override
    public String toString() {
        return "TopicDeserializer[" + encoding.text() + "]";
    }
}
