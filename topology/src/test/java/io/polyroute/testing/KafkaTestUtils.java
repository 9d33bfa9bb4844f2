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
package io.polyroute.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Static helpers for tests against a Kafka broker: unique names, producing, awaiting records. */
public final class KafkaTestUtils {

    private static final Duration POLL_INTERVAL = Duration.ofMillis(100);

    private KafkaTestUtils() {}

    /** A topic name unique to this run, e.g. {@code sensors-3f9a1c2e}, so tests never share data. */
    public static String randomTopic(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /**
     * Writes the values (no keys) with an idempotent producer and waits until every one is
     * acknowledged.
     *
     * @throws IllegalStateException if the broker does not acknowledge a record; see {@link #awaitAcks}
     */
    public static void produceValues(Properties clientProps, String topic, List<byte[]> values) {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(values.size());
        for (byte[] value : values) {
            records.add(new ProducerRecord<>(topic, value));
        }
        produce(clientProps, records);
    }

    /**
     * Writes the records as given (keys, values, partitions) with an idempotent producer, one at
     * a time in order, and returns where each one landed, in the same order.
     *
     * @throws IllegalStateException if the broker does not acknowledge a record; see {@link #awaitAcks}
     */
    public static List<RecordMetadata> produce(Properties clientProps, List<ProducerRecord<byte[], byte[]>> records) {
        Properties props = new Properties();
        props.putAll(clientProps);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        List<Future<RecordMetadata>> sent = new ArrayList<>(records.size());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
            for (ProducerRecord<byte[], byte[]> r : records) {
                sent.add(producer.send(r));
            }
            producer.flush();
            return awaitAcks(sent, records.isEmpty() ? "(none)" : records.get(0).topic());
        } catch (IllegalStateException e) {
            if (!records.isEmpty()) {
                e.addSuppressed(new IllegalStateException("Broker state after the failure: "
                        + leaders(clientProps, records.get(0).topic())));
            }
            throw e;
        }
    }

    /**
     * The leader of each partition of {@code topic} as the broker describes it now, for error
     * messages: a partition without a leader accepts no writes.
     */
    static String leaders(Properties clientProps, String topic) {
        Properties props = new Properties();
        props.putAll(clientProps);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "5000");
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        try (Admin admin = Admin.create(props)) {
            StringBuilder sb = new StringBuilder("leaders of '" + topic + "':");
            for (TopicPartitionInfo p : admin.describeTopics(List.of(topic))
                    .allTopicNames()
                    .get(5, TimeUnit.SECONDS)
                    .get(topic)
                    .partitions()) {
                sb.append(' ')
                        .append(p.partition())
                        .append('=')
                        .append(
                                p.leader() == null || p.leader().isEmpty()
                                        ? "none"
                                        : p.leader().idString());
            }
            return sb.toString();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted while describing '" + topic + "'";
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            return "could not describe '" + topic + "': " + e;
        }
    }

    /**
     * Waits for the results of {@code send} calls (after a {@code flush}, they are all complete) and
     * returns them in order. A send that failed fails the test here, with the broker's reason,
     * instead of leaving a topic with fewer records than the test thinks it wrote.
     *
     * @param topic named in the error message
     * @throws IllegalStateException naming the topic, how many records failed and the first reason
     */
    public static List<RecordMetadata> awaitAcks(List<Future<RecordMetadata>> sends, String topic) {
        List<RecordMetadata> out = new ArrayList<>(sends.size());
        int failed = 0;
        Throwable first = null;
        for (Future<RecordMetadata> f : sends) {
            try {
                out.add(f.get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while producing to topic '" + topic + "'.", e);
            } catch (ExecutionException e) {
                failed++;
                if (first == null) {
                    first = e.getCause();
                }
            }
        }
        if (first != null) {
            throw new IllegalStateException(
                    "Producing to topic '" + topic + "' failed for " + failed + " of " + sends.size() + " records: "
                            + first,
                    first);
        }
        return out;
    }

    /**
     * The sum over the partitions of {@code topic} of the last stable offset, the end a
     * read_committed consumer can read up to. It grows when a transaction commits, so a value
     * above zero means some transactional output is visible.
     */
    public static long readCommittedEnd(Properties adminProps, String topic) throws Exception {
        try (Admin admin = Admin.create(adminProps)) {
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (TopicPartitionInfo p : admin.describeTopics(List.of(topic))
                    .allTopicNames()
                    .get()
                    .get(topic)
                    .partitions()) {
                latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest());
            }
            return admin
                    .listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
                    .all()
                    .get()
                    .values()
                    .stream()
                    .mapToLong(ListOffsetsResult.ListOffsetsResultInfo::offset)
                    .sum();
        }
    }

    /**
     * Reads {@code topic} from the beginning with {@code isolation.level=read_committed} until at
     * least {@code count} records have arrived and the consumer has reached the end of every
     * partition, then returns everything it read. Reading to the end means extra records (for
     * example duplicates) are returned too, so callers can assert an exact count.
     *
     * @param consumerProps client properties; deserializers default to byte arrays, the group id
     *     is not needed because partitions are assigned directly
     * @throws AssertionError if fewer than {@code count} records arrive before the timeout
     */
    public static List<ConsumerRecord<byte[], byte[]>> awaitRecords(
            Properties consumerProps, String topic, int count, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<ConsumerRecord<byte[], byte[]>> received = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(readCommitted(consumerProps))) {
            List<TopicPartition> partitions = awaitPartitions(consumer, topic, deadline);
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (System.nanoTime() < deadline) {
                consumer.poll(POLL_INTERVAL).forEach(received::add);
                if (received.size() >= count && atEnd(consumer, partitions)) {
                    return received;
                }
            }
        }
        throw new AssertionError("Expected at least " + count + " committed records on topic '" + topic + "' within "
                + timeout.toMillis() + " ms, but received " + received.size() + ".");
    }

    private static Properties readCommitted(Properties consumerProps) {
        Properties props = new Properties();
        props.putAll(consumerProps);
        props.putIfAbsent(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.putIfAbsent(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        return props;
    }

    private static List<TopicPartition> awaitPartitions(KafkaConsumer<?, ?> consumer, String topic, long deadline) {
        while (System.nanoTime() < deadline) {
            long remainingMs = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
            List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofMillis(remainingMs));
            if (infos != null && !infos.isEmpty()) {
                return infos.stream()
                        .map(i -> new TopicPartition(i.topic(), i.partition()))
                        .toList();
            }
        }
        throw new AssertionError("Topic '" + topic + "' did not appear before the deadline.");
    }

    /** True when the position is at the last stable offset of every partition. */
    private static boolean atEnd(KafkaConsumer<?, ?> consumer, List<TopicPartition> partitions) {
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
        return partitions.stream().allMatch(tp -> consumer.position(tp) >= end.get(tp));
    }
}
