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
package io.polyroute.job.rollout;

import io.polyroute.kafka.RolloutTopics;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a serving subtask's votes to partition 0 of the rollouts topic with a plain idempotent
 * producer, marked by {@link RolloutTopics#RECORD_HEADER}. Not the job's transactional sinks: a
 * vote is an idempotent fact, and one written again after a restore counts once. Thread-safe (the
 * loader thread votes); the producer is created on the first vote.
 */
final class VotePublisher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(VotePublisher.class);

    private final String label;
    private final String topic;
    private final Map<String, String> client;
    private KafkaProducer<byte[], byte[]> producer;
    private boolean closed;

    VotePublisher(String label, String topic, Map<String, String> client) {
        this.label = label;
        this.topic = topic;
        this.client = client;
    }

    /** Sends {@code vote}; a failed send is logged (the vote timeout then refuses the version). */
    synchronized void publish(KeyedBytes vote) {
        if (closed) {
            return;
        }
        if (producer == null) {
            Properties p = new Properties();
            p.putAll(client);
            p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
            p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
            p.put(ProducerConfig.ACKS_CONFIG, "all");
            p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
            p.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
            p.remove("isolation.level");
            producer = new KafkaProducer<>(p);
        }
        RecordHeaders headers = new RecordHeaders();
        headers.add(new RecordHeader(RolloutTopics.RECORD_HEADER, RolloutTopics.VOTE.getBytes(StandardCharsets.UTF_8)));
        producer.send(new ProducerRecord<>(topic, 0, null, vote.key, vote.value, headers), (meta, e) -> {
            if (e != null) {
                LOG.warn("{}: could not write its rollout vote to {}", label, topic, e);
            }
        });
        producer.flush();
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (producer != null) {
            producer.close(java.time.Duration.ofSeconds(5));
            producer = null;
        }
    }
}
