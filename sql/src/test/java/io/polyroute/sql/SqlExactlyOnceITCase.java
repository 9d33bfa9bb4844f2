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
package io.polyroute.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.polyroute.avro.Prediction;
import io.polyroute.avro.SensorReading;
import io.polyroute.kit.synthetic.SyntheticBundleBuilder;
import io.polyroute.runtime.bundle.ModelBundle;
import io.polyroute.runtime.eval.ReferenceModel;
import io.polyroute.sql.pipeline.SqlPipeline;
import io.polyroute.testing.JobHarness;
import io.polyroute.testing.KafkaBrokerExtension;
import io.polyroute.testing.Poll;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.StatementSet;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly once through a failure: the SQL pipeline serves a first half of the input, its only
 * TaskManager is terminated once predictions have been committed, a fresh one starts, and the
 * second half arrives. The committed predictions then hold every event id exactly once, each equal
 * to reference.onnx within 1e-5: rows in flight in the async operator at the failure were restored
 * from the checkpoint and scored again, and the aborted transactions hid their first answers.
 */
@Timeout(240)
class SqlExactlyOnceITCase {
    private static final int HALF = 10_000;
    private static final Duration DEADLINE = Duration.ofSeconds(120);

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(2)
            .build());

    @TempDir
    static Path bundles;

    @Test
    void shouldCommitEveryPredictionOnceWhenTheTaskManagerRestarts(@InjectMiniCluster MiniCluster cluster)
            throws Exception {
        ModelBundle bundle = SyntheticBundleBuilder.create()
                .inputDim(16)
                .hidden(32)
                .experts(8)
                .topK(2)
                .seed(41)
                .build(bundles.resolve("eo"));
        List<SensorReading> readings = JobHarness.randomReadings("eo", 2 * HALF, bundle.inputDim(), List.of(), 41);
        List<byte[]> values = JobHarness.encode(readings);
        String input = KAFKA.createRandomTopic("sensors", 2);
        String output = KAFKA.createRandomTopic("predictions", 2);
        String dlq = KAFKA.createRandomTopic("dlq", 1);
        KAFKA.produceValues(input, values.subList(0, HALF));

        SqlPipeline pipeline = SqlPipeline.builder()
                .bootstrapServers(KAFKA.bootstrapServers())
                .bundlePath(bundle.root().toString())
                .topics(input, output, dlq)
                .name("sql-eo-" + input)
                .batch(64, 10)
                .build();
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 20);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(500));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        env.enableCheckpointing(500);
        StreamTableEnvironment tEnv = StreamTableEnvironment.create(env);
        pipeline.ddl().forEach(tEnv::executeSql);
        StatementSet set = tEnv.createStatementSet();
        pipeline.inserts().forEach(set::addInsertSql);
        JobClient job = set.execute().getJobClient().orElseThrow();
        try {
            Poll.until(DEADLINE, "committed predictions", () -> committed(output) > 0);
            cluster.terminateTaskManager(0).get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
            cluster.startTaskManager();
            KAFKA.produceValues(input, values.subList(HALF, 2 * HALF));
            Poll.until(DEADLINE, "a committed prediction for every reading", () -> committed(output) >= 2 * HALF);
        } finally {
            job.cancel().get(60, TimeUnit.SECONDS);
        }

        Map<String, Prediction> got = JobHarness.predictionsById(KAFKA, output, 2 * HALF, DEADLINE);
        JobHarness.assertAnswersExactly(got, readings);
        assertThat(JobHarness.maxReferenceError(bundle, readings, got)).isLessThanOrEqualTo(ReferenceModel.TOLERANCE);
    }

    /** Committed records on {@code topic}, read from the beginning. */
    private static long committed(String topic) {
        Properties p = KAFKA.clientProperties();
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
            List<TopicPartition> parts = c.partitionsFor(topic).stream()
                    .map(i -> new TopicPartition(topic, i.partition()))
                    .toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            long n = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp)) && System.nanoTime() < deadline) {
                n += c.poll(Duration.ofMillis(200)).count();
            }
            return n;
        }
    }
}
