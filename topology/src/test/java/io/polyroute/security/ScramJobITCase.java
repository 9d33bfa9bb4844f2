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
import io.polyroute.testing.JobHarness;
import io.polyroute.testing.KafkaBrokerExtension;
import io.polyroute.testing.LeakCheckExtension;
import io.polyroute.testing.LogCapture;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job against a broker that authenticates every client with SASL: the job logs in with
 * SCRAM-SHA-512 credentials given only through {@code kafka.properties.*}, serves every record
 * exactly once, and its password never reaches the logs; a client with a wrong password is refused.
 */
@Timeout(300)
@ExtendWith(LeakCheckExtension.class)
class ScramJobITCase {
    private static final String ADMIN_PASSWORD = "admin-" + UUID.randomUUID();
    private static final String JOB_PASSWORD = "job-" + UUID.randomUUID();
    private static final int RECORDS = 1_000;

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension(EmbeddedKafka.builder()
            .brokerProperty("listener.security.protocol.map", "BROKER:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT")
            .brokerProperty("sasl.enabled.mechanisms", "PLAIN,SCRAM-SHA-512")
            .brokerProperty("sasl.mechanism.inter.broker.protocol", "PLAIN")
            .brokerProperty(
                    "listener.name.broker.plain.sasl.jaas.config",
                    plainLogin("admin", ADMIN_PASSWORD).replace(";", " user_admin=\"" + ADMIN_PASSWORD + "\";"))
            .brokerProperty(
                    "listener.name.broker.scram-sha-512.sasl.jaas.config",
                    "org.apache.kafka.common.security.scram.ScramLoginModule required;")
            .clientProperty("security.protocol", "SASL_PLAINTEXT")
            .clientProperty("sasl.mechanism", "PLAIN")
            .clientProperty("sasl.jaas.config", plainLogin("admin", ADMIN_PASSWORD)));

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(2)
            .build());

    @TempDir
    Path bundles;

    @BeforeAll
    static void createTheJobsScramUser() throws Exception {
        try (Admin admin = Admin.create(KAFKA.broker().adminProperties())) {
            admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(
                            "polyroute", new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096), JOB_PASSWORD)))
                    .all()
                    .get();
        }
    }

    @Test
    void shouldServeEveryRecordWithScramCredentialsWithoutLoggingThePassword() throws Exception {
        ModelBundle bundle = SyntheticBundleBuilder.create()
                .inputDim(8)
                .hidden(16)
                .experts(4)
                .topK(2)
                .seed(6)
                .build(bundles.resolve("scram"));
        String in = KAFKA.createRandomTopic("scram-sensors", 2);
        String out = KAFKA.createRandomTopic("scram-predictions", 2);
        String dlq = KAFKA.createRandomTopic("scram-dlq", 1);
        List<SensorReading> readings = JobHarness.randomReadings("scram", RECORDS, bundle.inputDim(), List.of(), 6);
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
                "scram-" + in,
                "job.checkpoint-interval",
                "500 ms",
                "bundle.path",
                bundle.root().toString()));
        values.put("kafka.properties.security.protocol", "SASL_PLAINTEXT");
        values.put("kafka.properties.sasl.mechanism", "SCRAM-SHA-512");
        values.put("kafka.properties.sasl.jaas.config", scramLogin("polyroute", JOB_PASSWORD));

        String logs;
        try (LogCapture capture = LogCapture.start()) {
            JobHarness.runBounded(JobConfig.of(values), bundle);
            logs = capture.text();
        }

        Map<String, Prediction> predictions = JobHarness.predictionsById(KAFKA, out, RECORDS, Duration.ofSeconds(60));
        assertThat(predictions).hasSize(RECORDS);
        assertThat(logs)
                .contains("sasl.mechanism = SCRAM-SHA-512")
                .contains("sasl.jaas.config = [hidden]")
                .doesNotContain(JOB_PASSWORD)
                .doesNotContain(ADMIN_PASSWORD);
    }

    @Test
    void shouldRefuseAClientWithAWrongPassword() {
        Properties wrong = new Properties();
        wrong.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
        wrong.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "3000");
        wrong.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "5000");
        wrong.put("security.protocol", "SASL_PLAINTEXT");
        wrong.put("sasl.mechanism", "SCRAM-SHA-512");
        wrong.put("sasl.jaas.config", scramLogin("polyroute", "not-" + JOB_PASSWORD));
        try (Admin admin = Admin.create(wrong)) {
            assertThatThrownBy(() -> admin.describeCluster().clusterId().get(10, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(SaslAuthenticationException.class);
        }
    }

    private static String plainLogin(String user, String password) {
        return "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + user + "\" password=\""
                + password + "\";";
    }

    private static String scramLogin(String user, String password) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user + "\" password=\""
                + password + "\";";
    }
}
