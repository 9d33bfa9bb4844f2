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
package io.polyroute.kafka;

import io.polyroute.avro.ExpertLoad;
import io.polyroute.avro.PlacementPlan;
import io.polyroute.job.control.PlanCodec;
import io.polyroute.job.control.PlanOrigin;
import io.polyroute.runtime.placement.PlanVersion;
import io.polyroute.schemas.AvroCodec;
import io.polyroute.schemas.AvroEncoding;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads and writes the control loop's topics from outside the job (the {@code plan} commands, the
 * skew benchmark): placement plans on {@code topics.plans}, load reports on {@code topics.load}.
 * Reads are {@code read_committed}, so a plan the rebalancer has not committed yet is not seen.
 */
public final class ControlTopics {
    private static final Logger LOG = LoggerFactory.getLogger(ControlTopics.class);
    /** Key of every plan record; the rebalancer's sink writes the same one. */
    private static final byte[] PLAN_KEY = "plan".getBytes(StandardCharsets.UTF_8);
    /** The two marker bytes of Avro single-object encoding. */
    private static final byte MARKER_0 = (byte) 0xC3;

    private static final byte MARKER_1 = (byte) 0x01;

    private ControlTopics() {}

    /** A plan read from the plans topic and whom it is for. */
    public record PublishedPlan(PlanVersion plan, PlanOrigin origin) {}

    /**
     * Every committed plan on {@code topic}, in topic order. Records that are no valid plan (garbage
     * written to the topic) are skipped with a WARN line, as the job skips them.
     */
    public static List<PublishedPlan> readPublishedPlans(Properties client, String topic, Duration timeout) {
        List<PublishedPlan> plans = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : read(client, topic, -1, timeout)) {
            try {
                PlacementPlan avro = PlanCodec.decodeAvro(r.value());
                plans.add(new PublishedPlan(PlanCodec.fromAvro(avro), PlanOrigin.of(avro)));
            } catch (RuntimeException e) {
                LOG.warn(
                        "Skipped the record at {}-{}@{}: it is not a valid PlacementPlan: {}",
                        topic,
                        r.partition(),
                        r.offset(),
                        e.getMessage());
            }
        }
        return plans;
    }

    /** Every committed plan on {@code topic}, in topic order, skipping records that are no valid plan. */
    public static List<PlanVersion> readPlans(Properties client, String topic, Duration timeout) {
        return readPublishedPlans(client, topic, timeout).stream()
                .map(PublishedPlan::plan)
                .toList();
    }

    /** The committed plan with the highest version on {@code topic}, if any. */
    public static Optional<PlanVersion> latestPlan(Properties client, String topic, Duration timeout) {
        return readPlans(client, topic, timeout).stream().max(Comparator.comparingLong(PlanVersion::version));
    }

    /**
     * The committed plan with the highest version on {@code topic} among those for job {@code job}
     * (or naming no job), if any.
     */
    public static Optional<PublishedPlan> latestPlan(Properties client, String topic, String job, Duration timeout) {
        return readPublishedPlans(client, topic, timeout).stream()
                .filter(p -> p.origin().job().isEmpty() || p.origin().job().equals(job))
                .max(Comparator.comparingLong(p -> p.plan().version()));
    }

    /**
     * The committed load reports of {@code topic}: the last {@code tailPerPartition} of each
     * partition, or all of them when it is negative. Binary and single-object encodings are told
     * apart by the latter's marker bytes.
     */
    public static List<ExpertLoad> readLoads(Properties client, String topic, int tailPerPartition, Duration timeout) {
        AvroCodec<ExpertLoad> binary = AvroCodec.of(ExpertLoad.class, AvroEncoding.BINARY);
        AvroCodec<ExpertLoad> singleObject = AvroCodec.of(ExpertLoad.class, AvroEncoding.SINGLE_OBJECT);
        List<ExpertLoad> out = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : read(client, topic, tailPerPartition, timeout)) {
            byte[] v = r.value();
            boolean marked = v != null && v.length > 1 && v[0] == MARKER_0 && v[1] == MARKER_1;
            try {
                out.add((marked ? singleObject : binary).decode(v));
            } catch (RuntimeException e) {
                throw new IllegalStateException(
                        "The record at " + topic + "-" + r.partition() + "@" + r.offset()
                                + " is not a valid ExpertLoad: " + e.getMessage(),
                        e);
            }
        }
        return out;
    }

    /** Publishes {@code plan}, naming no job or bundle, to partition 0 of {@code topic}; waits for the acknowledgement. */
    public static void publish(Properties client, String topic, PlanVersion plan, Duration timeout) {
        publish(client, topic, plan, PlanOrigin.UNKNOWN, timeout);
    }

    /** Publishes {@code plan} for {@code origin} to partition 0 of {@code topic}; waits for the acknowledgement. */
    public static void publish(Properties client, String topic, PlanVersion plan, PlanOrigin origin, Duration timeout) {
        Properties p = new Properties();
        p.putAll(client);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(timeout.toMillis()));
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
            producer.send(new ProducerRecord<>(
                            topic, 0, plan.timestampMillis(), PLAN_KEY, PlanCodec.encode(plan, origin)))
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException(
                    "Could not publish plan " + plan.version() + " to " + topic + ": "
                            + e.getCause().getMessage(),
                    e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException(
                    "Publishing plan " + plan.version() + " to " + topic + " was not acknowledged " + "within "
                            + timeout.toMillis() + " ms.",
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(
                    "Interrupted while publishing plan " + plan.version() + " to " + topic + ".", e);
        }
    }

    static List<ConsumerRecord<byte[], byte[]>> read(Properties client, String topic, int tail, Duration timeout) {
        Properties p = new Properties();
        p.putAll(client);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        long deadline = System.nanoTime() + timeout.toNanos();
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
            if (infos == null || infos.isEmpty()) {
                throw new IllegalStateException("Topic '" + topic + "' does not exist on "
                        + client.getProperty(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG) + ".");
            }
            List<TopicPartition> partitions = infos.stream()
                    .map(i -> new TopicPartition(topic, i.partition()))
                    .toList();
            consumer.assign(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            Map<TopicPartition, Long> begin = consumer.beginningOffsets(partitions, timeout);
            for (TopicPartition tp : partitions) {
                consumer.seek(tp, tail < 0 ? begin.get(tp) : Math.max(begin.get(tp), end.get(tp) - tail));
            }
            while (!partitions.stream().allMatch(tp -> consumer.position(tp) >= end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(
                            "Could not read " + topic + " to its end within " + timeout.toMillis() + " ms.");
                }
                consumer.poll(Duration.ofMillis(100)).forEach(out::add);
            }
        }
        return out;
    }
}
