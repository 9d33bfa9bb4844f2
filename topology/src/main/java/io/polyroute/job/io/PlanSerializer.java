package io.polyroute.job.io;

import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Writes encoded {@code PlacementPlan}s to the plans topic (one partition keeps them in order). */
public final class PlanSerializer implements KafkaRecordSerializationSchema<byte[]> {
    private static final long serialVersionUID = 1L;

    private final String topic;

    public PlanSerializer(String topic) {
        this.topic = topic;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(byte[] plan, KafkaSinkContext context, Long timestamp) {
        return new ProducerRecord<>(topic, 0, timestamp, "plan".getBytes(StandardCharsets.UTF_8), plan);
    }
}
