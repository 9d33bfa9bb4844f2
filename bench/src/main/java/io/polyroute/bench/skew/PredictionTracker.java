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
package io.polyroute.bench.skew;

import io.polyroute.avro.Prediction;
import io.polyroute.schemas.AvroCodec;
import io.polyroute.schemas.AvroEncoding;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads a predictions topic (read_committed) until a given number of distinct event ids has
 * arrived, counting duplicates, the first and last processing time, and keeping the outputs of a
 * sample of ids for the reference check. Runs on the caller's thread.
 */
final class PredictionTracker {
    private final Properties client;
    private final String topic;
    private final Set<String> sampleIds;
    private final Set<String> seen = new HashSet<>();
    private final Map<String, float[]> sampled = new HashMap<>();
    private long duplicates;
    /** Processing time of every distinct prediction, in arrival order. */
    private long[] processed = new long[1024];

    PredictionTracker(Properties client, String topic, Set<String> sampleIds) {
        this.client = client;
        this.topic = topic;
        this.sampleIds = sampleIds;
    }

    /**
     * Reads until {@code expected} distinct ids have arrived, then to the end of the topic.
     *
     * @throws IllegalStateException if they do not arrive within {@code timeout}
     */
    void awaitAll(long expected, Duration timeout, Runnable progress) {
        Properties p = new Properties();
        p.putAll(client);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        AvroCodec<Prediction> codec = AvroCodec.of(Prediction.class, AvroEncoding.BINARY);
        long deadline = System.nanoTime() + timeout.toNanos();
        long nextProgress = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
            List<TopicPartition> parts = consumer.partitionsFor(topic, timeout).stream()
                    .map(i -> new TopicPartition(topic, i.partition()))
                    .toList();
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            while (seen.size() < expected || !atEnd(consumer, parts)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Only " + seen.size() + " of " + expected
                            + " predictions arrived on " + topic + " within " + timeout.toSeconds() + " s.");
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    add(codec.decode(r.value()));
                }
                if (System.nanoTime() > nextProgress) {
                    progress.run();
                    nextProgress = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                }
            }
        }
    }

    private void add(Prediction pr) {
        String id = pr.getEventId();
        if (!seen.add(id)) {
            duplicates++;
            return;
        }
        if (seen.size() > processed.length) {
            processed = java.util.Arrays.copyOf(processed, processed.length * 2);
        }
        processed[seen.size() - 1] = pr.getProcessedTime().toEpochMilli();
        if (sampleIds.contains(id)) {
            List<Float> out = pr.getOutput();
            float[] y = new float[out.size()];
            for (int i = 0; i < y.length; i++) {
                y[i] = out.get(i);
            }
            sampled.put(id, y);
        }
    }

    private static boolean atEnd(KafkaConsumer<?, ?> consumer, List<TopicPartition> parts) {
        Map<TopicPartition, Long> end = consumer.endOffsets(parts);
        return parts.stream().allMatch(tp -> consumer.position(tp) >= end.get(tp));
    }

    long distinct() {
        return seen.size();
    }

    long duplicates() {
        return duplicates;
    }

    /**
     * Predictions per second from the point where {@code skip} (a fraction) of them had been made to
     * the last one, by processing time: {@code skip} leaves out the job's start-up.
     */
    double rate(double skip) {
        int n = seen.size();
        if (n < 2) {
            return 0;
        }
        long[] t = java.util.Arrays.copyOf(processed, n);
        java.util.Arrays.sort(t);
        int from = (int) Math.min(n - 2, Math.floor(skip * n));
        return (n - 1 - from) / (Math.max(1, t[n - 1] - t[from]) / 1000.0);
    }

    /** Seconds from the first to the last prediction, by processing time. */
    double seconds() {
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (int i = 0; i < seen.size(); i++) {
            min = Math.min(min, processed[i]);
            max = Math.max(max, processed[i]);
        }
        return seen.isEmpty() ? 0 : (max - min) / 1000.0;
    }

    Map<String, float[]> sampled() {
        return sampled;
    }
}
