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
package io.polyroute.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.polyroute.testing.KafkaBrokerExtension;
import io.polyroute.testing.KafkaTestUtils;
import io.polyroute.testing.LeakCheckExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

@Timeout(60)
@ExtendWith(LeakCheckExtension.class)
class EmbeddedKafkaITCase {

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    private static final Duration WAIT = Duration.ofSeconds(20);

    @Test
    void shouldAnswerDescribeClusterWithOneNode() throws Exception {
        try (Admin admin = Admin.create(KAFKA.broker().adminProperties())) {
            assertThat(admin.describeCluster().nodes().get()).hasSize(1);
            assertThat(KAFKA.bootstrapServers()).startsWith("127.0.0.1:");
        }
    }

    @Test
    void shouldDeliverProducedRecordsInOrderPerPartition() {
        String topic = KAFKA.createRandomTopic("roundtrip", 1);
        List<byte[]> values =
                IntStream.range(0, 50).mapToObj(i -> bytes("v" + i)).toList();

        KAFKA.produceValues(topic, values);

        List<ConsumerRecord<byte[], byte[]>> records = KAFKA.awaitRecords(topic, 50, WAIT);
        assertThat(records)
                .extracting(r -> text(r.value()))
                .containsExactlyElementsOf(
                        IntStream.range(0, 50).mapToObj(i -> "v" + i).toList());
    }

    @Test
    void shouldReturnFromCreateTopicOnlyWhenEveryPartitionHasALeader() throws Exception {
        String topic = KAFKA.createRandomTopic("leaders", 6);
        try (Admin admin = Admin.create(KAFKA.broker().adminProperties())) {
            List<TopicPartitionInfo> partitions = admin.describeTopics(List.of(topic))
                    .allTopicNames()
                    .get()
                    .get(topic)
                    .partitions();
            assertThat(partitions).hasSize(6);
            assertThat(partitions)
                    .allSatisfy(p -> assertThat(p.leader()).isNotNull().matches(n -> !n.isEmpty(), "a node"));
        }
    }

    @Test
    void shouldFailTheTestWhenTheBrokerDoesNotAcknowledgeAProducedValue() {
        String missing = "never-created-" + System.nanoTime();
        Properties props = KAFKA.clientProperties();
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "500");

        assertThatThrownBy(() -> KafkaTestUtils.produceValues(props, missing, List.of(bytes("x"), bytes("y"))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'" + missing + "'")
                .hasMessageContaining("2 of 2 records");
    }

    @Test
    void shouldHideAbortedTransactionsFromReadCommittedConsumers() {
        String topic = KAFKA.createRandomTopic("tx", 2);
        try (KafkaProducer<byte[], byte[]> producer = transactionalProducer()) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, bytes("aborted")));
            producer.abortTransaction();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, bytes("committed-1")));
            producer.send(new ProducerRecord<>(topic, bytes("committed-2")));
            producer.commitTransaction();
        }

        assertThat(KAFKA.awaitRecords(topic, 2, WAIT))
                .extracting(r -> text(r.value()))
                .containsExactlyInAnyOrder("committed-1", "committed-2");
    }

    @Test
    void shouldNotCreateTopicsOnFirstUseByDefault() throws Exception {
        String topic = "never-created-" + System.nanoTime();
        try (Admin admin = Admin.create(KAFKA.broker().adminProperties())) {
            Properties props = KAFKA.clientProperties();
            props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "1000");
            try (KafkaProducer<byte[], byte[]> producer =
                    new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
                assertThatThrownBy(() -> producer.send(new ProducerRecord<>(topic, bytes("x")))
                                .get())
                        .hasMessageContaining(topic);
            }
            assertThat(admin.listTopics().names().get()).doesNotContain(topic);
        }
    }

    @Test
    void shouldRefuseToOverrideTheNodeIdentity() {
        assertThatThrownBy(() -> EmbeddedKafka.builder()
                        .brokerProperty("listeners", "PLAINTEXT://:9092")
                        .start())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'listeners'");
    }

    @Test
    void shouldApplyExtraBrokerPropertiesAndDeleteItsLogDirectoryOnClose() throws Exception {
        Path logDir;
        try (EmbeddedKafka second = EmbeddedKafka.builder()
                .autoCreateTopics(true)
                .brokerProperty("num.partitions", "3")
                .start()) {
            logDir = second.logDir();
            assertThat(logDir).isDirectory();
            KafkaTestUtils.produceValues(second.clientProperties(), "created-on-first-use", List.of(bytes("x")));
            try (Admin admin = Admin.create(second.adminProperties())) {
                assertThat(admin.describeTopics(List.of("created-on-first-use"))
                                .allTopicNames()
                                .get()
                                .get("created-on-first-use")
                                .partitions())
                        .hasSize(3);
            }
        }
        assertThat(Files.exists(logDir)).isFalse();
    }

    private static KafkaProducer<byte[], byte[]> transactionalProducer() {
        Properties props = KAFKA.clientProperties();
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "tx-" + System.nanoTime());
        return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
