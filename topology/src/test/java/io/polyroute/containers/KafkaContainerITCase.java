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
package io.polyroute.containers;

import static org.assertj.core.api.Assertions.assertThat;

import io.polyroute.avro.Prediction;
import io.polyroute.avro.SensorReading;
import io.polyroute.job.config.JobConfig;
import io.polyroute.kit.synthetic.SyntheticBundleBuilder;
import io.polyroute.runtime.bundle.ModelBundle;
import io.polyroute.runtime.eval.ReferenceModel;
import io.polyroute.schemas.AvroCodec;
import io.polyroute.schemas.AvroEncoding;
import io.polyroute.testing.JobHarness;
import io.polyroute.testing.KafkaTestUtils;
import io.polyroute.testing.LeakCheckExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The job against the official Apache Kafka image in a container, the way Docker users run it.
 * Runs wherever a Docker engine is available; elsewhere JUnit reports it as skipped because
 * Docker is not available.
 */
@Testcontainers(disabledWithoutDocker = true)
@Timeout(600)
@ExtendWith(LeakCheckExtension.class)
class KafkaContainerITCase {
    private static final int RECORDS = 5_000;

    @Container
    static final KafkaContainer KAFKA = new KafkaContainer(DockerImageName.parse("apache/kafka:4.2.0"));

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(2)
            .build());

    @TempDir
    Path bundles;

    @Test
    void shouldServeEveryRecordFromAKafkaContainerExactlyOnce() throws Exception {
        ModelBundle bundle = SyntheticBundleBuilder.create()
                .inputDim(8)
                .hidden(16)
                .experts(4)
                .topK(2)
                .seed(9)
                .build(bundles.resolve("containers"));
        Properties client = new Properties();
        client.put("bootstrap.servers", KAFKA.getBootstrapServers());
        String in = KafkaTestUtils.randomTopic("sensors");
        String out = KafkaTestUtils.randomTopic("predictions");
        String dlq = KafkaTestUtils.randomTopic("dlq");
        try (Admin admin = Admin.create(client)) {
            admin.createTopics(List.of(
                            new NewTopic(in, 2, (short) 1),
                            new NewTopic(out, 2, (short) 1),
                            new NewTopic(dlq, 1, (short) 1)))
                    .all()
                    .get();
        }
        List<SensorReading> readings = JobHarness.randomReadings("tc", RECORDS, bundle.inputDim(), List.of(), 9);
        KafkaTestUtils.produceValues(client, in, JobHarness.encode(readings));

        Map<String, String> values = new HashMap<>(Map.of(
                "kafka.bootstrap-servers",
                KAFKA.getBootstrapServers(),
                "topics.input",
                in,
                "topics.output",
                out,
                "topics.dlq",
                dlq,
                "job.name",
                "containers-" + in,
                "job.checkpoint-interval",
                "500 ms",
                "bundle.path",
                bundle.root().toString()));
        JobHarness.runBounded(JobConfig.of(values), bundle);

        AvroCodec<Prediction> codec = AvroCodec.of(Prediction.class, AvroEncoding.BINARY);
        Map<String, Prediction> predictions = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r :
                KafkaTestUtils.awaitRecords(client, out, RECORDS, Duration.ofSeconds(120))) {
            Prediction p = codec.decode(r.value());
            assertThat(predictions.put(p.getEventId(), p))
                    .as("second prediction for %s", p.getEventId())
                    .isNull();
        }
        assertThat(predictions).hasSize(RECORDS);
        assertThat(JobHarness.maxReferenceError(bundle, readings, predictions))
                .isLessThanOrEqualTo(ReferenceModel.TOLERANCE);
    }
}
