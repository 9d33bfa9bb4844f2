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
package io.polyroute.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.polyroute.job.config.JobConfig;
import io.polyroute.job.config.JobOptions;
import io.polyroute.job.config.TopicsOptions;
import io.polyroute.testing.KafkaBrokerExtension;
import io.polyroute.testing.KafkaTestUtils;
import io.polyroute.testing.LeakCheckExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Proves the stack the job stands on: a Flink MiniCluster reads a Kafka topic, maps every record
 * and writes it through the transactional sink; a read_committed consumer then sees every record
 * exactly once.
 */
@Timeout(120)
@ExtendWith(LeakCheckExtension.class)
class ExactlyOnceSmokeITCase {

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(2)
            .build());

    private static final int RECORDS = 2_000;

    /** Below the embedded broker's transaction.max.timeout.ms, or the sink restart-loops. */
    private static final String TRANSACTION_TIMEOUT_MS = "60000";

    @Test
    void shouldWriteEveryInputRecordExactlyOnce() throws Exception {
        JobConfig config = JobConfig.of(Map.of(
                "kafka.bootstrap-servers", KAFKA.bootstrapServers(),
                "topics.input", KAFKA.createRandomTopic("smoke-in", 2),
                "topics.output", KAFKA.createRandomTopic("smoke-out", 2),
                "job.parallelism", "2",
                "job.checkpoint-interval", "500 ms"));
        List<String> inputs =
                IntStream.range(0, RECORDS).mapToObj(i -> "event-" + i).toList();
        KAFKA.produceValues(
                config.get(TopicsOptions.INPUT),
                inputs.stream().map(ExactlyOnceSmokeITCase::bytes).toList());

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(config.get(JobOptions.PARALLELISM));
        env.enableCheckpointing(config.get(JobOptions.CHECKPOINT_INTERVAL).toMillis());
        env.fromSource(source(config), WatermarkStrategy.noWatermarks(), "input")
                .map(new Tag())
                .sinkTo(sink(config));
        env.execute("exactly-once smoke");

        List<ConsumerRecord<byte[], byte[]>> output = KafkaTestUtils.awaitRecords(
                config.kafkaClientProperties(), config.get(TopicsOptions.OUTPUT), RECORDS, Duration.ofSeconds(30));
        assertThat(output)
                .extracting(r -> text(r.value()))
                .containsExactlyInAnyOrderElementsOf(
                        inputs.stream().map(s -> s + "/seen").toList());
        assertThat(endOffsetSum(config.get(TopicsOptions.OUTPUT)))
                .as("commit markers take offsets, so a transactional write ends beyond the record count")
                .isGreaterThan(RECORDS);
    }

    private static long endOffsetSum(String topic) throws Exception {
        try (Admin admin = Admin.create(KAFKA.broker().adminProperties())) {
            Map<TopicPartition, OffsetSpec> latest =
                    admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().stream()
                            .collect(Collectors.toMap(
                                    p -> new TopicPartition(topic, p.partition()), p -> OffsetSpec.latest()));
            return admin.listOffsets(latest).all().get().values().stream()
                    .mapToLong(ListOffsetsResult.ListOffsetsResultInfo::offset)
                    .sum();
        }
    }

    private static KafkaSource<byte[]> source(JobConfig config) {
        return KafkaSource.<byte[]>builder()
                .setProperties(config.kafkaClientProperties())
                .setTopics(config.get(TopicsOptions.INPUT))
                .setGroupId(KafkaTestUtils.randomTopic("smoke-group"))
                .setStartingOffsets(OffsetsInitializer.earliest())
                .setBounded(OffsetsInitializer.latest())
                .setDeserializer(KafkaRecordDeserializationSchema.valueOnly(ByteArrayDeserializer.class))
                .build();
    }

    private static KafkaSink<byte[]> sink(JobConfig config) {
        Properties producer = config.kafkaClientProperties();
        producer.setProperty(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, TRANSACTION_TIMEOUT_MS);
        return KafkaSink.<byte[]>builder()
                .setKafkaProducerConfig(producer)
                .setRecordSerializer(KafkaRecordSerializationSchema.<byte[]>builder()
                        .setTopic(config.get(TopicsOptions.OUTPUT))
                        .setKafkaValueSerializer(ByteArraySerializer.class)
                        .build())
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .setTransactionalIdPrefix(KafkaTestUtils.randomTopic("smoke-tx"))
                .build();
    }

    /** Marks a record as processed, so the test can tell output from input. */
    private static final class Tag implements MapFunction<byte[], byte[]> {
        @Override
        public byte[] map(byte[] value) {
            return bytes(text(value) + "/seen");
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
