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
package io.polyroute.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.polyroute.job.config.JobConfig;
import io.polyroute.job.config.JobConfigLoader;
import io.polyroute.job.config.Redaction;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * Passwords given to the job (SSL store passwords, SASL JAAS configurations) never appear in what
 * Polyroute prints: configuration dumps, {@code toString()}, {@code --help} and the messages of
 * refused configurations. The SSL integration test checks the logs of a real run.
 */
class SecretRedactionTest {
    private static final String SECRET = "s3cr3t-" + UUID.randomUUID();

    private static final Map<String, String> SECRETS = Map.of(
            "kafka.properties.security.protocol",
            "SASL_SSL",
            "kafka.properties.sasl.mechanism",
            "SCRAM-SHA-512",
            "kafka.properties.sasl.jaas.config",
            "org.apache.kafka.common.security.scram.ScramLoginModule required " + "username=\"polyroute\" password=\""
                    + SECRET + "\";",
            "kafka.properties.ssl.truststore.password",
            SECRET,
            "kafka.properties.ssl.keystore.password",
            SECRET,
            "kafka.properties.ssl.key.password",
            SECRET);

    @TempDir
    Path dir;

    @Test
    void shouldMaskEverySecretInConfigurationDumps() {
        JobConfig config = JobConfig.of(SECRETS);

        assertThat(config.toString()).doesNotContain(SECRET).contains(Redaction.MASK);
        assertThat(config.redacted().toString()).doesNotContain(SECRET);
        assertThat(config.redacted())
                .containsEntry("kafka.properties.sasl.jaas.config", Redaction.MASK)
                .containsEntry("kafka.properties.ssl.truststore.password", Redaction.MASK)
                .containsEntry("kafka.properties.ssl.keystore.password", Redaction.MASK)
                .containsEntry("kafka.properties.ssl.key.password", Redaction.MASK)
                .containsEntry("kafka.properties.sasl.mechanism", "SCRAM-SHA-512");
        assertThat(config.kafkaClientProperties())
                .as("the clients still get the real values")
                .containsEntry("ssl.truststore.password", SECRET);
    }

    static Stream<List<String>> helpInvocations() {
        String set = "kafka.properties.sasl.jaas.config=password=\"" + SECRET + "\"";
        return Stream.of(
                List.of("--help"),
                List.of("run", "--help"),
                List.of("run", "--set", set, "--help"),
                List.of("demo", "--help"),
                List.of("bundle", "build", "--help"),
                List.of("help", "run"));
    }

    @ParameterizedTest
    @MethodSource("helpInvocations")
    void shouldNeverShowASecretInHelp(List<String> args) {
        String printed = execute(args);

        assertThat(printed).isNotBlank().doesNotContain(SECRET);
    }

    @Test
    void shouldNotEchoASecretWhenTheConfigurationIsRefused() throws Exception {
        Path jobFile = dir.resolve("job.yaml");
        Files.writeString(jobFile, """
                kafka:
                  properties:
                    ssl.truststore.password: %s
                job:
                  slots: none
                """.formatted(SECRET));

        String badValue = execute(List.of("run", "--config", jobFile.toString()));
        String typo = execute(List.of("run", "--set", "kafka.propertes.ssl.keystore.password=" + SECRET));

        assertThat(badValue).contains("job.slots").doesNotContain(SECRET);
        assertThat(typo).contains("kafka.propertes.ssl.keystore.password").doesNotContain(SECRET);
    }

    @Test
    void shouldMaskSecretsReadFromAJobFile() throws Exception {
        Path jobFile = dir.resolve("secrets.yaml");
        Files.writeString(jobFile, """
                kafka:
                  bootstrap-servers: broker:9093
                  properties:
                    security.protocol: SSL
                    ssl.truststore.password: %s
                """.formatted(SECRET));

        JobConfig config = JobConfigLoader.load(jobFile, List.of());

        assertThat(config.toString()).doesNotContain(SECRET);
    }

    /** Runs the command line with the given arguments and returns what it printed, out and err. */
    private static String execute(List<String> args) {
        StringWriter out = new StringWriter();
        CommandLine cl = PolyrouteCli.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(out, true));
        cl.execute(args.toArray(String[]::new));
        return out.toString();
    }
}
