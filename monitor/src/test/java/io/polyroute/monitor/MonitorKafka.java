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
package io.polyroute.monitor;

import io.polyroute.avro.DeadLetter;
import io.polyroute.avro.ExpertLoad;
import io.polyroute.avro.PlacementPlan;
import io.polyroute.avro.Prediction;
import io.polyroute.avro.ShadowPair;
import io.polyroute.job.config.MonitorOptions;
import io.polyroute.job.config.RolloutOptions;
import io.polyroute.schemas.AvroCodec;
import io.polyroute.schemas.AvroEncoding;
import io.polyroute.testing.KafkaBrokerExtension;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * A monitor's four topics on a test broker, a producer that writes Avro records to a chosen
 * partition with a chosen timestamp, and HTTP polling with a deadline.
 */
final class MonitorKafka implements AutoCloseable {

    final String predictions;
    final String load;
    final String plans;
    final String deadLetters;
    final String alerts;
    private final KafkaBrokerExtension kafka;
    /** The shadow topic, once {@link #withShadowTopic()} created it; null before. */
    private String shadow;

    private final KafkaProducer<byte[], byte[]> producer;
    private final boolean ownsProducer;
    /** The first send the broker did not acknowledge, shared with the copies that share the producer. */
    private final AtomicReference<Exception> sendFailure;

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /**
     * Creates random topics: predictions and load with two partitions each, plans, dead letters and
     * alerts with one.
     */
    MonitorKafka(KafkaBrokerExtension kafka) {
        this.kafka = kafka;
        predictions = kafka.createRandomTopic("predictions", 2);
        load = kafka.createRandomTopic("load", 2);
        plans = kafka.createRandomTopic("plans", 1);
        deadLetters = kafka.createRandomTopic("dlq", 1);
        alerts = kafka.createRandomTopic("alerts", 1);
        Properties props = kafka.clientProperties();
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        producer = new KafkaProducer<>(props);
        ownsProducer = true;
        sendFailure = new AtomicReference<>();
    }

    private MonitorKafka(MonitorKafka other, String deadLetters) {
        kafka = other.kafka;
        predictions = other.predictions;
        load = other.load;
        plans = other.plans;
        this.deadLetters = deadLetters;
        alerts = other.alerts;
        producer = other.producer;
        ownsProducer = false;
        sendFailure = other.sendFailure;
    }

    /** Creates a shadow topic (one partition), which the monitor then reads; returns this. */
    MonitorKafka withShadowTopic() {
        shadow = kafka.createRandomTopic("shadow", 1);
        return this;
    }

    /** The same topics and producer, with dead letters written to {@code topic}. */
    MonitorKafka withDeadLetterTopic(String topic) {
        return new MonitorKafka(this, topic);
    }

    /** Monitor options for these topics: a free HTTP port, a fresh application id and state directory. */
    MonitorSettings options(Path stateDir, Map<String, String> overrides) {
        Map<String, String> values = new HashMap<>();
        values.put("kafka.bootstrap-servers", kafka.bootstrapServers());
        values.put("topics.output", predictions);
        values.put("topics.load", load);
        values.put("topics.plans", plans);
        values.put("topics.dlq", deadLetters);
        values.put(MonitorOptions.ALERTS_TOPIC.key(), alerts);
        if (shadow != null) {
            values.put(RolloutOptions.SHADOW_TOPIC.key(), shadow);
        }
        values.put(MonitorOptions.APPLICATION_ID.key(), "monitor-" + predictions);
        values.put(MonitorOptions.HTTP_PORT.key(), "0");
        values.put(MonitorOptions.STATE_DIR.key(), stateDir.toString());
        values.putAll(overrides);
        return MonitorSettings.of(values);
    }

    void send(Prediction p, int partition) {
        send(predictions, partition, p.getProcessedTime().toEpochMilli(), p);
    }

    void send(ExpertLoad l, int partition) {
        send(load, partition, l.getWindowEnd().toEpochMilli(), l);
    }

    void send(PlacementPlan p) {
        send(plans, 0, p.getCreatedTime().toEpochMilli(), p);
    }

    void send(DeadLetter d) {
        send(deadLetters, 0, d.getTime().toEpochMilli(), d);
    }

    /** Writes a shadow pair; only after {@link #withShadowTopic()}. */
    void send(ShadowPair p) {
        if (shadow == null) {
            throw new IllegalStateException("No shadow topic: call withShadowTopic() first.");
        }
        send(shadow, 0, p.getProcessedTime().toEpochMilli(), p);
    }

    /**
     * Waits until every record sent so far is acknowledged.
     *
     * @throws IllegalStateException if the broker refused or timed out a record sent so far
     */
    void flush() {
        producer.flush();
        checkSends();
    }

    private void checkSends() {
        Exception failure = sendFailure.get();
        if (failure != null) {
            throw new IllegalStateException(
                    "A record sent to the monitor's topics was not acknowledged: " + failure, failure);
        }
    }

    /**
     * Records of the four topics that the consumer group {@code groupId} has not committed yet,
     * against the end offsets at the time of the call.
     */
    long lag(String groupId) {
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (String topic : List.of(predictions, load, plans, deadLetters)) {
                admin.describeTopics(List.of(topic))
                        .allTopicNames()
                        .get()
                        .get(topic)
                        .partitions()
                        .forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
            }
            Map<TopicPartition, Long> ends = new HashMap<>();
            admin.listOffsets(latest).all().get().forEach((tp, info) -> ends.put(tp, info.offset()));
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(groupId)
                    .partitionsToOffsetAndMetadata()
                    .get();
            long lag = 0;
            for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
                OffsetAndMetadata done = committed.get(end.getKey());
                lag += Math.max(0, end.getValue() - (done == null ? 0 : done.offset()));
            }
            return lag;
        } catch (ExecutionException e) {
            throw new IllegalStateException("Could not measure the lag of group '" + groupId + "': " + e.getCause(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while measuring the lag of group '" + groupId + "'.", e);
        }
    }

    private <T extends SpecificRecord> void send(String topic, int partition, long timestamp, T value) {
        checkSends();
        producer.send(
                new ProducerRecord<>(topic, partition, timestamp, null, AvroCodec.encode(value, AvroEncoding.BINARY)),
                (metadata, e) -> {
                    if (e != null) {
                        sendFailure.compareAndSet(null, e);
                    }
                });
    }

    /** GETs {@code path} relative to {@code base}; the body when the status is 200, otherwise empty. */
    Optional<String> get(URI base, String path) {
        try {
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(base.resolve(path))
                            .timeout(Duration.ofSeconds(10))
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? Optional.of(response.body()) : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("GET " + base.resolve(path) + " failed.", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted during GET " + path + ".", e);
        }
    }

    /**
     * Polls {@code check} every 200 ms until it returns a value or {@code timeout} runs out.
     *
     * @throws AssertionError naming {@code what} and the last value seen when time runs out
     */
    static <T> T await(String what, Duration timeout, Supplier<Optional<T>> check, Supplier<String> lastSeen) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<T> result = check.get();
            if (result.isPresent()) {
                return result.get();
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Timed out after " + timeout.toSeconds() + " s waiting for " + what
                        + "; last seen: " + lastSeen.get());
            }
            LockSupport.parkNanos(Duration.ofMillis(200).toNanos());
        }
    }

    @Override
    public void close() {
        if (ownsProducer) {
            producer.close(Duration.ofSeconds(10));
        }
    }
}
