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
package io.polyroute.bench;

import io.polyroute.job.JobLauncher;
import io.polyroute.job.KafkaSinks;
import io.polyroute.job.PolyrouteJob;
import io.polyroute.job.config.JobConfig;
import io.polyroute.job.config.JobMode;
import io.polyroute.job.config.JobOptions;
import io.polyroute.job.config.KafkaOptions;
import io.polyroute.job.io.RawRecordDeserializer;
import io.polyroute.job.model.RawRecord;
import java.util.Properties;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * What Flink's exactly-once path costs without any model: the Polyroute job's Kafka source (same
 * deserializer, {@code read_committed}), checkpointing (same interval and storage), parallelism and
 * buffer timeout, and the same transactional Kafka sink, with a copy of each record's bytes in
 * between instead of decode, dedupe, gate, experts and combine. Its throughput is the ceiling any
 * exactly-once Flink job reaches with this input on this machine; Polyroute's ratio to it is what
 * the engine adds.
 */
final class FlinkPassthroughSystem implements BenchSystem {
    static final String NAME = "flink-eos-passthrough";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public OutputScan.Kind outputKind() {
        return OutputScan.Kind.COPY;
    }

    @Override
    public Running start(BenchContext ctx, String inTopic, String outTopic, long records) throws Exception {
        // The Polyroute job's own options for this topic pair, so both read the same settings.
        JobConfig config = new PolyrouteSystem(JobMode.FUSED).config(ctx, inTopic, outTopic, records > 0);
        StreamExecutionEnvironment env = JobLauncher.environment(config, null);
        config.getOptional(JobOptions.CHECKPOINT_DIR)
                .ifPresent(dir -> env.configure(PolyrouteJob.checkpointStorage(dir)));
        env.enableCheckpointing(config.get(JobOptions.CHECKPOINT_INTERVAL).toMillis(), CheckpointingMode.EXACTLY_ONCE);
        env.setParallelism(config.get(JobOptions.PARALLELISM));
        env.setBufferTimeout(config.get(JobOptions.BUFFER_TIMEOUT).toMillis());
        env.getConfig().enableObjectReuse();

        Properties client = config.kafkaClientProperties();
        client.putIfAbsent("isolation.level", "read_committed");
        var source = KafkaSource.<RawRecord>builder()
                .setBootstrapServers(config.get(KafkaOptions.BOOTSTRAP_SERVERS))
                .setTopics(inTopic)
                .setGroupId(config.get(JobOptions.NAME))
                .setStartingOffsets(OffsetsInitializer.earliest())
                .setDeserializer(new RawRecordDeserializer())
                .setProperties(client);
        if (records > 0) {
            source.setBounded(OffsetsInitializer.latest());
        }
        env.fromSource(source.build(), WatermarkStrategy.noWatermarks(), "kafka-sensors")
                .uid("kafka-sensors")
                .sinkTo(KafkaSinks.exactlyOnce(config, "copy", outTopic, new Copy(outTopic)))
                .name("kafka-copies")
                .uid("kafka-copies");
        return new FlinkJobRun(env.executeAsync(config.get(JobOptions.NAME)));
    }

    /** The record's own key and value, stamped with the time it is handed to the producer. */
    private static final class Copy implements KafkaRecordSerializationSchema<RawRecord> {
        private static final long serialVersionUID = 1L;

        private final String topic;

        Copy(String topic) {
            this.topic = topic;
        }

        @Override
        public ProducerRecord<byte[], byte[]> serialize(RawRecord r, KafkaSinkContext context, Long timestamp) {
            return new ProducerRecord<>(topic, null, System.currentTimeMillis(), r.key, r.value);
        }
    }
}
