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
package io.polyroute.cli;

import io.polyroute.avro.DeadLetter;
import io.polyroute.job.io.TopicDeserializer;
import io.polyroute.schemas.RecordDecodeException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads the committed dead letters of a topic from a point in time up to the end the topic had when
 * reading started, without a consumer group (nothing is committed, any number of readers may run).
 */
final class DeadLetterReader {
    private final Properties properties;
    private final String topic;
    private final TopicDeserializer<DeadLetter> codec;
    private final Duration timeout;

    DeadLetterReader(Properties properties, String topic, TopicDeserializer<DeadLetter> codec, Duration timeout) {
        this.properties = properties;
        this.topic = topic;
        this.codec = codec;
        this.timeout = timeout;
    }

    /**
     * Calls {@code each} for every dead letter written at or after {@code since}, partition by
     * partition in offset order; an undecodable record is passed to {@code undecodable}.
     *
     * @return the number of dead letters read
     * @throws IllegalArgumentException if the topic does not exist
     */
    long read(Instant since, Consumer<DeadLetter> each, Consumer<String> undecodable) {
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(properties, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
            if (infos == null || infos.isEmpty()) {
                throw new IllegalArgumentException("The dead-letter topic '" + topic
                        + "' does not exist; set topics.dlq (--set topics.dlq=...) to the job's topic.");
            }
            List<TopicPartition> partitions = new ArrayList<>();
            infos.forEach(i -> partitions.add(new TopicPartition(topic, i.partition())));
            consumer.assign(partitions);
            // With read_committed, the end offsets are the last stable offsets: committed data only.
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            Map<TopicPartition, Long> query = new HashMap<>();
            partitions.forEach(tp -> query.put(tp, since.toEpochMilli()));
            Map<TopicPartition, OffsetAndTimestamp> start = consumer.offsetsForTimes(query, timeout);
            Map<TopicPartition, Long> remaining = new HashMap<>();
            for (TopicPartition tp : partitions) {
                OffsetAndTimestamp at = start.get(tp);
                long from = at == null ? end.get(tp) : at.offset();
                consumer.seek(tp, from);
                if (from < end.get(tp)) {
                    remaining.put(tp, end.get(tp));
                }
            }
            long count = 0;
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!remaining.isEmpty()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Timed out after " + timeout.toSeconds()
                            + " s reading the dead-letter topic '" + topic + "'; still to read: " + remaining + ".");
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                    Long stop = remaining.get(tp);
                    if (stop == null || r.offset() >= stop) {
                        continue;
                    }
                    try {
                        each.accept(codec.decode(r.value()));
                        count++;
                    } catch (RecordDecodeException e) {
                        undecodable.accept(topic + "-" + r.partition() + "@" + r.offset() + ": " + e.getMessage());
                    }
                    deadline = System.nanoTime() + timeout.toNanos();
                }
                for (TopicPartition tp : List.copyOf(remaining.keySet())) {
                    if (consumer.position(tp) >= remaining.get(tp)) {
                        remaining.remove(tp);
                    }
                }
            }
            return count;
        }
    }
}
