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

import io.polyroute.embedded.EmbeddedKafka;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts one {@link EmbeddedKafka} broker per test class and stops it after the last test.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
 *
 * @Test
 * void shouldDoSomething() {
 *     String topic = KAFKA.createRandomTopic("sensors", 2);
 *     ...
 * }
 * }</pre>
 *
 * <p>Tests share the broker, so each one should work on its own random topics.
 */
public final class KafkaBrokerExtension implements BeforeAllCallback, AfterAllCallback {

    private final EmbeddedKafka.Builder builder;
    private EmbeddedKafka broker;

    /** A broker with {@link EmbeddedKafka}'s defaults. */
    public KafkaBrokerExtension() {
        this(EmbeddedKafka.builder());
    }

    /** A broker configured by the given builder, started before the first test. */
    public KafkaBrokerExtension(EmbeddedKafka.Builder builder) {
        this.builder = builder;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        broker = builder.start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (broker != null) {
            broker.close();
            broker = null;
        }
    }

    /** The running broker. */
    public EmbeddedKafka broker() {
        if (broker == null) {
            throw new IllegalStateException(
                    "The broker runs only between beforeAll and afterAll; register the extension as a static field "
                            + "with @RegisterExtension. Current state: not running.");
        }
        return broker;
    }

    /** The running broker's bootstrap servers. */
    public String bootstrapServers() {
        return broker().bootstrapServers();
    }

    /** Properties every client of the broker needs (bootstrap servers and security settings). */
    public Properties clientProperties() {
        return broker().clientProperties();
    }

    /** Creates a topic with a random name that starts with {@code prefix} and returns the name. */
    public String createRandomTopic(String prefix, int partitions) {
        String topic = KafkaTestUtils.randomTopic(prefix);
        broker().createTopic(topic, partitions);
        return topic;
    }

    /** Writes the values to {@code topic}; see {@link KafkaTestUtils#produceValues}. */
    public void produceValues(String topic, List<byte[]> values) {
        KafkaTestUtils.produceValues(clientProperties(), topic, values);
    }

    /** Writes the records as given and returns where each landed; see {@link KafkaTestUtils#produce}. */
    public List<RecordMetadata> produce(List<ProducerRecord<byte[], byte[]>> records) {
        return KafkaTestUtils.produce(clientProperties(), records);
    }

    /** How far a read_committed consumer can read {@code topic}; see {@link KafkaTestUtils#readCommittedEnd}. */
    public long readCommittedEnd(String topic) throws Exception {
        return KafkaTestUtils.readCommittedEnd(broker().adminProperties(), topic);
    }

    /** Reads committed records from {@code topic}; see {@link KafkaTestUtils#awaitRecords}. */
    public List<ConsumerRecord<byte[], byte[]>> awaitRecords(String topic, int count, Duration timeout) {
        return KafkaTestUtils.awaitRecords(clientProperties(), topic, count, timeout);
    }
}
