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

import io.polyroute.avro.DeadLetter;
import io.polyroute.avro.ExpertLoad;
import io.polyroute.avro.Prediction;
import io.polyroute.avro.SensorReading;
import io.polyroute.job.config.ConfigException;
import io.polyroute.job.config.JobConfig;
import io.polyroute.job.config.RegistryOptions;
import io.polyroute.job.config.TopicEncoding;
import io.polyroute.job.config.TopicsOptions;
import io.polyroute.schemas.AvroCodec;
import io.polyroute.schemas.ConfluentCodec;
import io.polyroute.schemas.SchemaRegistryClient;
import io.polyroute.schemas.SchemaRegistryException;
import java.io.Serializable;
import java.util.Optional;
import java.util.function.Function;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.specific.SpecificRecord;

/**
 * The encoding of each topic the job reads or writes, and for topics in the {@code confluent}
 * encoding the schema ids the job writes under, resolved once at start. Serializable: the
 * operators that decode and encode records get it with the job.
 *
 * <p>{@link #resolve(JobConfig)} is the start-up check of {@code topics.encoding*} and
 * {@code registry.*}: for every written topic in the {@code confluent} encoding the subject
 * {@code <topic>-value} must hold this build's schema (or, with {@code registry.auto-register},
 * accept it as compatible, and then it is registered); for the input topic the subject's latest
 * schema, when there is one, must resolve to {@code SensorReading}. Any failure stops the start
 * with a {@link ConfigException} naming the key and the subject.
 *
 * @param input encoding of {@code topics.input}
 * @param output encoding of {@code topics.output}
 * @param dlq encoding of {@code topics.dlq}
 * @param control encoding of the load topic
 * @param outputId schema id predictions are written under, or -1 when not {@code confluent}
 * @param dlqId schema id dead letters are written under, or -1
 * @param controlId schema id load reports are written under, or -1
 * @param registry the registry, or null when no topic is {@code confluent}
 */
public record TopicFormats(
        TopicEncoding input,
        TopicEncoding output,
        TopicEncoding dlq,
        TopicEncoding control,
        int outputId,
        int dlqId,
        int controlId,
        RegistryConnection registry)
        implements Serializable {

    /** No schema id: the topic is not in the {@code confluent} encoding. */
    public static final int NO_ID = -1;

    /** Every topic in {@code encoding}, which must not be {@code confluent}; for tests and tools. */
    public static TopicFormats of(TopicEncoding encoding) {
        if (encoding == TopicEncoding.CONFLUENT) {
            throw new IllegalArgumentException("The confluent encoding needs a registry: use resolve(config).");
        }
        return new TopicFormats(encoding, encoding, encoding, encoding, NO_ID, NO_ID, NO_ID, null);
    }

    /**
     * The formats {@code config} asks for, with the schema ids of the {@code confluent} topics
     * looked up (or registered) in the registry.
     *
     * @throws ConfigException naming the key (and the subject) when the registry cannot be reached,
     *     a subject lacks the schema, or a schema is not compatible
     */
    public static TopicFormats resolve(JobConfig config) {
        TopicEncoding input = TopicsOptions.encoding(config, TopicsOptions.ENCODING_INPUT);
        TopicEncoding output = TopicsOptions.encoding(config, TopicsOptions.ENCODING_OUTPUT);
        TopicEncoding dlq = TopicsOptions.encoding(config, TopicsOptions.ENCODING_DLQ);
        TopicEncoding control = TopicsOptions.encoding(config, TopicsOptions.ENCODING_CONTROL);
        if (!TopicsOptions.usesRegistry(config.toConfiguration())) {
            return new TopicFormats(input, output, dlq, control, NO_ID, NO_ID, NO_ID, null);
        }
        RegistryConnection registry = RegistryConnection.of(config);
        SchemaRegistryClient client = registry.client();
        boolean register = config.get(RegistryOptions.AUTO_REGISTER);
        try {
            if (input == TopicEncoding.CONFLUENT) {
                checkReadable(client, config.get(TopicsOptions.INPUT), SensorReading.getClassSchema());
            }
            int outputId = output == TopicEncoding.CONFLUENT
                    ? writerId(
                            client,
                            register,
                            TopicsOptions.OUTPUT.key(),
                            config.get(TopicsOptions.OUTPUT),
                            Prediction.getClassSchema())
                    : NO_ID;
            int dlqId = dlq == TopicEncoding.CONFLUENT
                    ? writerId(
                            client,
                            register,
                            TopicsOptions.DLQ.key(),
                            config.get(TopicsOptions.DLQ),
                            DeadLetter.getClassSchema())
                    : NO_ID;
            int controlId = control == TopicEncoding.CONFLUENT
                    ? writerId(
                            client,
                            register,
                            TopicsOptions.LOAD.key(),
                            TopicsOptions.load(config),
                            ExpertLoad.getClassSchema())
                    : NO_ID;
            return new TopicFormats(input, output, dlq, control, outputId, dlqId, controlId, registry);
        } catch (SchemaRegistryException e) {
            throw new ConfigException(
                    RegistryOptions.URL.key(),
                    "The schema registry (" + RegistryOptions.URL.key() + ") refused the start-up check: "
                            + e.getMessage());
        }
    }

    /**
     * The subject's latest schema, when it has one, must resolve to {@code reader}; a subject with no
     * version is accepted (its producers have not registered yet).
     */
    static void checkReadable(SchemaRegistryClient client, String topic, Schema reader) {
        String subject = SchemaRegistryClient.valueSubject(topic);
        Optional<Schema> latest = client.latestSchema(subject);
        if (latest.isEmpty()) {
            return;
        }
        SchemaCompatibility.SchemaPairCompatibility result =
                SchemaCompatibility.checkReaderWriterCompatibility(reader, latest.get());
        if (result.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
            throw new ConfigException(
                    TopicsOptions.INPUT.key(),
                    "The latest schema of subject '" + subject + "' (the input topic " + topic + ") does not resolve"
                            + " to " + reader.getFullName() + ": " + result.getDescription());
        }
    }

    private static int writerId(
            SchemaRegistryClient client, boolean register, String key, String topic, Schema schema) {
        String subject = SchemaRegistryClient.valueSubject(topic);
        if (register) {
            if (!client.isCompatible(subject, schema)) {
                throw new ConfigException(
                        key,
                        "The " + schema.getFullName() + " schema is not compatible with the latest version of subject '"
                                + subject + "' (" + key + "=" + topic + ") under the subject's compatibility rule.");
            }
            return client.register(subject, schema);
        }
        try {
            return client.idOf(subject, schema);
        } catch (SchemaRegistryException e) {
            if (e.status() == 404) {
                throw new ConfigException(
                        RegistryOptions.AUTO_REGISTER.key(),
                        "Subject '" + subject + "' (" + key + "=" + topic + ") does not hold this build's "
                                + schema.getFullName() + " schema. Register schemas/src/main/avro/"
                                + schema.getName() + ".avsc under it, or set " + RegistryOptions.AUTO_REGISTER.key()
                                + "=true.");
            }
            throw e;
        }
    }

    /**
     * An encoder of {@code type} in {@code encoding}; {@code id} is the writer schema id for
     * {@code confluent}.
     */
    public static <T extends SpecificRecord> Function<T, byte[]> encoder(
            Class<T> type, TopicEncoding encoding, int id) {
        if (encoding == TopicEncoding.CONFLUENT) {
            ConfluentCodec<T> codec = ConfluentCodec.of(type, id, unknown -> {
                throw new SchemaRegistryException(-1, "An encoder does not look up schemas.", null);
            });
            return codec::encode;
        }
        AvroCodec<T> codec = AvroCodec.of(type, encoding.avro("topics.encoding", "the job"));
        return codec::encode;
    }
}
