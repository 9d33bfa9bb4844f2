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

import io.polyroute.job.control.PlanCodec;
import io.polyroute.runtime.placement.PlanVersion;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Follows a plans topic (partition 0, read_committed, from the beginning) and keeps every plan it
 * has seen, in topic order. Not thread-safe: poll from the test thread.
 */
public final class PlanWatcher implements AutoCloseable {
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final List<PlanVersion> plans = new ArrayList<>();
    /** The bundle version each plan names (empty when it names none), parallel to {@link #plans}. */
    private final List<String> bundleVersions = new ArrayList<>();

    public PlanWatcher(Properties clientProperties, String topic) {
        Properties p = new Properties();
        p.putAll(clientProperties);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        consumer = new KafkaConsumer<>(p);
        TopicPartition tp = new TopicPartition(topic, 0);
        consumer.assign(List.of(tp));
        consumer.seekToBeginning(List.of(tp));
    }

    /** Reads what has arrived within {@code wait}; returns every plan seen so far. */
    public List<PlanVersion> poll(Duration wait) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(wait)) {
            plans.add(PlanCodec.decode(r.value()));
            bundleVersions.add(PlanCodec.decodeAvro(r.value()).getBundleVersion());
        }
        return List.copyOf(plans);
    }

    /** Every plan seen so far that names bundle version {@code version}, in topic order. */
    public List<PlanVersion> plansOf(String version) {
        List<PlanVersion> out = new ArrayList<>();
        for (int i = 0; i < plans.size(); i++) {
            if (bundleVersions.get(i).equals(version)) {
                out.add(plans.get(i));
            }
        }
        return out;
    }

    /** Every plan seen so far, in topic order. */
    public List<PlanVersion> plans() {
        return List.copyOf(plans);
    }

    /** The newest plan seen so far (highest version). */
    public Optional<PlanVersion> latest() {
        return plans.stream().max((a, b) -> Long.compare(a.version(), b.version()));
    }

    /** The highest version seen so far, 0 (the static placement) when none. */
    public long latestVersion() {
        return latest().map(PlanVersion::version).orElse(0L);
    }

    /** Polls until a plan satisfying {@code condition} has been seen, or the timeout passes. */
    public Optional<PlanVersion> await(Predicate<PlanVersion> condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        do {
            Optional<PlanVersion> hit =
                    poll(Duration.ofMillis(200)).stream().filter(condition).findFirst();
            if (hit.isPresent()) {
                return hit;
            }
        } while (System.nanoTime() < deadline);
        return Optional.empty();
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }
}
