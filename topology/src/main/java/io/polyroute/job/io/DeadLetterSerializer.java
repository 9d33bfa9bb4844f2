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
import io.polyroute.avro.DeadLetterReason;
import io.polyroute.job.config.TopicEncoding;
import io.polyroute.job.model.Rejected;
import io.polyroute.schemas.AvroEncoding;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.function.Function;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Writes refused records to the dead-letter topic as Avro {@code DeadLetter}s. */
public final class DeadLetterSerializer implements KafkaRecordSerializationSchema<Rejected> {
    private static final long serialVersionUID = 1L;

    private final String topic;
    private final TopicEncoding encoding;
    private final int schemaId;
    private transient Function<DeadLetter, byte[]> codec;

    /** Dead letters in plain binary or single-object {@code encoding}. */
    public DeadLetterSerializer(String topic, AvroEncoding encoding) {
        this(
                topic,
                encoding == AvroEncoding.BINARY ? TopicEncoding.BINARY : TopicEncoding.SINGLE_OBJECT,
                TopicFormats.NO_ID);
    }

    /** Dead letters in {@code encoding}; {@code schemaId} is the writer schema id for {@code confluent}. */
    public DeadLetterSerializer(String topic, TopicEncoding encoding, int schemaId) {
        this.topic = topic;
        this.encoding = encoding;
        this.schemaId = schemaId;
    }

    @Override
    public void open(SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext) {
        codec = TopicFormats.encoder(DeadLetter.class, encoding, schemaId);
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(Rejected r, KafkaSinkContext context, Long timestamp) {
        if (codec == null) {
            codec = TopicFormats.encoder(DeadLetter.class, encoding, schemaId);
        }
        DeadLetter dl = DeadLetter.newBuilder()
                .setKey(r.key == null ? null : ByteBuffer.wrap(r.key))
                .setValue(r.value == null ? null : ByteBuffer.wrap(r.value))
                .setTopic(r.topic == null ? "" : r.topic)
                .setPartition(r.partition)
                .setOffset(r.offset)
                .setReason(DeadLetterReason.valueOf(r.reason))
                .setMessage(r.message == null ? "" : r.message)
                .setEventId(r.eventId)
                .setTime(Instant.ofEpochMilli(r.time))
                .build();
        byte[] key = r.eventId == null ? r.key : r.eventId.getBytes(StandardCharsets.UTF_8);
        return new ProducerRecord<>(topic, null, timestamp, key, codec.apply(dl));
    }
}
