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

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The rollout commands without a broker: help, and a bad bundle refused before anything is published. */
class RolloutCommandTest {
    @TempDir
    Path dir;

    @Test
    void shouldAnswerHelpWithEverySubcommand() {
        BundleCommandsTest.Result r = BundleCommandsTest.run("rollout", "--help");

        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("start", "promote", "rollback", "status");
    }

    @ParameterizedTest
    @ValueSource(strings = {"promote", "rollback"})
    void shouldShareTheBrokerAndTopicOptionsBetweenPromoteAndRollback(String command) {
        BundleCommandsTest.Result help = BundleCommandsTest.run("rollout", command, "--help");
        assertThat(help.code()).isZero();
        assertThat(help.out())
                .contains("--bootstrap-servers", "--set", "--timeout", "--job", "--topic", "--status-topic", "--wait");

        // A --set outside kafka.properties.* is refused by its key before any broker is contacted.
        BundleCommandsTest.Result r = BundleCommandsTest.run(
                "rollout", command, "--bootstrap-servers", "localhost:1", "--timeout", "2", "--set", "job.name=x");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("job.name").contains("kafka.properties.");
        assertThat(r.out()).doesNotContain("published");
    }

    @Test
    void shouldRefuseATamperedBundleBeforePublishingNamingTheFile() throws Exception {
        Path bundle = dir.resolve("b");
        assertThat(BundleCommandsTest.run(
                                "bundle",
                                "build",
                                "--synthetic",
                                "--experts",
                                "4",
                                "--input-dim",
                                "8",
                                "--hidden",
                                "8",
                                "--out",
                                bundle.toString())
                        .code())
                .isZero();
        Path expert;
        try (Stream<Path> s = Files.walk(bundle.resolve("1"))) {
            expert = s.filter(
                            p -> p.toString().contains("expert") && p.toString().endsWith(".onnx"))
                    .findFirst()
                    .orElseThrow();
        }
        byte[] bad = Files.readAllBytes(expert);
        bad[bad.length / 2] ^= 0x01;
        Files.write(expert, bad);

        // No broker listens on port 1: reaching it would fail differently (and later) than validation.
        BundleCommandsTest.Result r = BundleCommandsTest.run(
                "rollout",
                "start",
                "--bundle",
                bundle.toString(),
                "--bootstrap-servers",
                "localhost:1",
                "--timeout",
                "2");

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains(expert.getFileName().toString()).contains("SHA-256 mismatch");
        assertThat(r.out()).doesNotContain("published");
    }

    @Test
    void shouldRefuseAnUnknownMode() {
        BundleCommandsTest.Result r =
                BundleCommandsTest.run("rollout", "start", "--bundle", dir.toString(), "--mode", "blue-green");

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--mode must be switch, canary or shadow");
    }
}
