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
package io.polyroute.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.polyroute.avro.Prediction;
import io.polyroute.avro.SensorReading;
import io.polyroute.embedded.EmbeddedKafka;
import io.polyroute.job.config.JobConfig;
import io.polyroute.kit.synthetic.SyntheticBundleBuilder;
import io.polyroute.runtime.bundle.ModelBundle;
import io.polyroute.runtime.eval.ReferenceModel;
import io.polyroute.testing.JobHarness;
import io.polyroute.testing.KafkaBrokerExtension;
import io.polyroute.testing.LeakCheckExtension;
import io.polyroute.testing.LogCapture;
import io.polyroute.testing.TestCertificates;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job against a broker whose only client listener speaks TLS, with a certificate made for
 * this test: the job reads and writes over SSL through the {@code kafka.properties.*}
 * pass-through, its passwords never reach the logs, and clients that speak plaintext or do not
 * trust the certificate are refused.
 */
@Timeout(300)
@ExtendWith(LeakCheckExtension.class)
class SslJobITCase {
    private static final Path TLS_DIR = tempDir();
    private static final TestCertificates TLS = TestCertificates.create(TLS_DIR);
    private static final int RECORDS = 2_000;

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension(EmbeddedKafka.builder()
            .brokerProperty("listener.security.protocol.map", "BROKER:SSL,CONTROLLER:PLAINTEXT")
            .brokerProperty("ssl.keystore.type", "PKCS12")
            .brokerProperty("ssl.keystore.location", TLS.keyStore().toString())
            .brokerProperty("ssl.keystore.password", TLS.keyStorePassword())
            .brokerProperty("ssl.key.password", TLS.keyStorePassword())
            .brokerProperty("ssl.truststore.type", "PKCS12")
            .brokerProperty("ssl.truststore.location", TLS.trustStore().toString())
            .brokerProperty("ssl.truststore.password", TLS.trustStorePassword())
            .clientProperty("security.protocol", "SSL")
            .clientProperty("ssl.truststore.type", "PKCS12")
            .clientProperty("ssl.truststore.location", TLS.trustStore().toString())
            .clientProperty("ssl.truststore.password", TLS.trustStorePassword()));

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(2)
            .build());

    @TempDir
    Path bundles;

    @Test
    void shouldServeEveryRecordOverSslWithoutLoggingAPassword() throws Exception {
        ModelBundle bundle = SyntheticBundleBuilder.create()
                .inputDim(8)
                .hidden(16)
                .experts(4)
                .topK(2)
                .seed(5)
                .build(bundles.resolve("ssl"));
        String in = KAFKA.createRandomTopic("ssl-sensors", 2);
        String out = KAFKA.createRandomTopic("ssl-predictions", 2);
        String dlq = KAFKA.createRandomTopic("ssl-dlq", 1);
        List<SensorReading> readings = JobHarness.randomReadings("tls", RECORDS, bundle.inputDim(), List.of(), 5);
        KAFKA.produceValues(in, JobHarness.encode(readings));

        Map<String, String> values = new HashMap<>(Map.of(
                "kafka.bootstrap-servers",
                KAFKA.bootstrapServers(),
                "topics.input",
                in,
                "topics.output",
                out,
                "topics.dlq",
                dlq,
                "job.name",
                "ssl-" + in,
                "job.checkpoint-interval",
                "500 ms",
                "bundle.path",
                bundle.root().toString()));
        values.put("kafka.properties.security.protocol", "SSL");
        values.put("kafka.properties.ssl.truststore.type", "PKCS12");
        values.put("kafka.properties.ssl.truststore.location", TLS.trustStore().toString());
        values.put("kafka.properties.ssl.truststore.password", TLS.trustStorePassword());
        JobConfig config = JobConfig.of(values);

        String logs;
        try (LogCapture capture = LogCapture.start()) {
            JobHarness.runBounded(config, bundle);
            logs = capture.text();
        }

        Map<String, Prediction> predictions = JobHarness.predictionsById(KAFKA, out, RECORDS, Duration.ofSeconds(60));
        assertThat(predictions).hasSize(RECORDS);
        assertThat(JobHarness.maxReferenceError(bundle, readings, predictions))
                .isLessThanOrEqualTo(ReferenceModel.TOLERANCE);
        assertThat(logs)
                .as("the capture saw the Kafka clients' configuration dumps, with the password hidden")
                .contains("security.protocol = SSL")
                .contains("ssl.truststore.password = [hidden]")
                .doesNotContain(TLS.trustStorePassword())
                .doesNotContain(TLS.keyStorePassword());
        assertThat(config.toString()).doesNotContain(TLS.trustStorePassword());
    }

    @Test
    void shouldRefuseAPlaintextClient() {
        Properties plaintext = new Properties();
        plaintext.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
        plaintext.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000");
        plaintext.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "4000");
        try (Admin admin = Admin.create(plaintext)) {
            assertThatThrownBy(() -> admin.describeCluster().clusterId().get(10, TimeUnit.SECONDS))
                    .hasRootCauseInstanceOf(org.apache.kafka.common.errors.TimeoutException.class);
        }

        plaintext.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "3000");
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(plaintext, new ByteArraySerializer(), new ByteArraySerializer())) {
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>("any-topic", new byte[] {1}))
                            .get(10, TimeUnit.SECONDS))
                    .hasRootCauseInstanceOf(org.apache.kafka.common.errors.TimeoutException.class);
        }
    }

    @Test
    void shouldRefuseAnSslClientThatDoesNotTrustTheCertificate() {
        Properties untrusting = new Properties();
        untrusting.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
        untrusting.put("security.protocol", "SSL");
        untrusting.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "3000");
        untrusting.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "5000");
        try (Admin admin = Admin.create(untrusting)) {
            assertThatThrownBy(() -> admin.describeCluster().clusterId().get(10, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(org.apache.kafka.common.errors.SslAuthenticationException.class);
        }
    }

    @AfterAll
    static void deleteCertificates() throws IOException {
        try (var files = Files.list(TLS_DIR)) {
            for (Path f : files.toList()) {
                Files.delete(f);
            }
        }
        Files.delete(TLS_DIR);
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("polyroute-tls-");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create a folder for the test certificates.", e);
        }
    }
}
