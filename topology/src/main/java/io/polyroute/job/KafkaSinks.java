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

import io.polyroute.job.config.JobConfig;
import io.polyroute.job.config.JobOptions;
import io.polyroute.job.config.KafkaOptions;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.lineage.DefaultKafkaDatasetFacet;
import org.apache.flink.connector.kafka.lineage.DefaultKafkaDatasetIdentifier;
import org.apache.flink.connector.kafka.lineage.KafkaDatasetFacet;
import org.apache.flink.connector.kafka.lineage.KafkaDatasetFacetProvider;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.sink.TransactionNamingStrategy;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The one place the job's Kafka sinks are built. Exactly-once sinks (predictions, dead letters,
 * plans) write in transactions named {@code <job.name>-<purpose>} and reuse a pool of
 * transactional ids ({@link TransactionNamingStrategy#POOLING}): the connector's default registers
 * fresh ids at every checkpoint, which the broker keeps until they expire.
 *
 * <pre>{@code
 * stream.sinkTo(KafkaSinks.exactlyOnce(config, "predictions", topic, new PredictionSerializer(topic, ...)));
 * }</pre>
 */
public final class KafkaSinks {
    /** Kafka's default broker limit is 15 min; the sinks' transactions must stay below it. */
    static final String TRANSACTION_TIMEOUT_MS = "600000";

    private KafkaSinks() {}

    /** A transactional sink to {@code topic} whose ids start with {@code <job.name>-<purpose>}. */
    public static <T> KafkaSink<T> exactlyOnce(
            JobConfig config, String purpose, String topic, KafkaRecordSerializationSchema<T> serializer) {
        return KafkaSink.<T>builder()
                .setBootstrapServers(config.get(KafkaOptions.BOOTSTRAP_SERVERS))
                .setKafkaProducerConfig(producerProperties(config))
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .setTransactionalIdPrefix(config.get(JobOptions.NAME) + "-" + purpose)
                .setTransactionNamingStrategy(TransactionNamingStrategy.POOLING)
                // Pooled ids are tracked per topic: the connector asks the serializer which it writes.
                .setRecordSerializer(new ToTopic<>(topic, serializer))
                .build();
    }

    /** A sink without transactions, for data whose loss at a failure is harmless (load reports). */
    public static <T> KafkaSink<T> atLeastOnce(JobConfig config, KafkaRecordSerializationSchema<T> serializer) {
        return KafkaSink.<T>builder()
                .setBootstrapServers(config.get(KafkaOptions.BOOTSTRAP_SERVERS))
                .setKafkaProducerConfig(config.kafkaClientProperties())
                .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                .setRecordSerializer(serializer)
                .build();
    }

    private static Properties producerProperties(JobConfig config) {
        Properties p = config.kafkaClientProperties();
        p.putIfAbsent("transaction.timeout.ms", TRANSACTION_TIMEOUT_MS);
        PolyrouteJob.PRODUCER_DEFAULTS.forEach(p::putIfAbsent);
        return p;
    }

    /** A serializer that names the one topic it writes, as pooled transactional ids require. */
    private static final class ToTopic<T> implements KafkaRecordSerializationSchema<T>, KafkaDatasetFacetProvider {
        private static final long serialVersionUID = 1L;

        private final String topic;
        private final KafkaRecordSerializationSchema<T> serializer;

        ToTopic(String topic, KafkaRecordSerializationSchema<T> serializer) {
            this.topic = topic;
            this.serializer = serializer;
        }

        @Override
        public void open(SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext)
                throws Exception {
            serializer.open(context, sinkContext);
        }

        @Override
        public ProducerRecord<byte[], byte[]> serialize(T element, KafkaSinkContext context, Long timestamp) {
            return serializer.serialize(element, context, timestamp);
        }

        @Override
        public Optional<KafkaDatasetFacet> getKafkaDatasetFacet() {
            return Optional.of(new DefaultKafkaDatasetFacet(DefaultKafkaDatasetIdentifier.ofTopics(List.of(topic))));
        }
    }
}
