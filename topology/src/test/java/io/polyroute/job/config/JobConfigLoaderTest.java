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
package io.polyroute.job.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobConfigLoaderTest {

    @TempDir
    Path dir;

    @Test
    void shouldReadNestedAndDottedKeysFromTheJobFile() throws Exception {
        Path file = write("""
                kafka:
                  bootstrap-servers: broker-1:9092
                  properties:
                    security.protocol: SSL
                job:
                  mode: fused
                  slots: 4
                  checkpoint-interval: 500 ms
                batching.gate.size: 32
                """);

        JobConfig config = JobConfigLoader.load(file, List.of());

        assertThat(config.get(KafkaOptions.BOOTSTRAP_SERVERS)).isEqualTo("broker-1:9092");
        assertThat(config.get(JobOptions.MODE)).isEqualTo(JobMode.FUSED);
        assertThat(config.get(JobOptions.SLOTS)).isEqualTo(4);
        assertThat(config.get(JobOptions.CHECKPOINT_INTERVAL)).isEqualTo(Duration.ofMillis(500));
        assertThat(config.get(BatchingOptions.GATE_SIZE)).isEqualTo(32);
        assertThat(config.kafkaClientProperties()).containsEntry("security.protocol", "SSL");
    }

    @Test
    void shouldLetOverridesWinOverTheJobFile() throws Exception {
        Path file = write("job:\n  slots: 4\n");

        JobConfig config = JobConfigLoader.load(file, List.of("job.slots=8", "job.mode=expert-parallel"));

        assertThat(config.get(JobOptions.SLOTS)).isEqualTo(8);
        assertThat(config.get(JobOptions.MODE)).isEqualTo(JobMode.EXPERT_PARALLEL);
    }

    @Test
    void shouldKeepEverythingAfterTheFirstEqualsSignAsTheValue() {
        assertThat(JobConfigLoader.parseOverrides(List.of("kafka.properties.sasl.jaas.config=a=b c=d")))
                .containsEntry("kafka.properties.sasl.jaas.config", "a=b c=d");
    }

    @Test
    void shouldRejectAnOverrideWithoutEqualsSign() {
        assertThatThrownBy(() -> JobConfigLoader.parseOverrides(List.of("job.slots")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'job.slots'")
                .hasMessageContaining("key=value");
    }

    @Test
    void shouldRejectAKeySetBothNestedAndDotted() {
        assertThatThrownBy(() -> JobConfigLoader.parseYaml("job:\n  slots: 2\njob.slots: 3\n", "job.yaml"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'job.slots'")
                .hasMessageContaining("job.yaml");
    }

    @Test
    void shouldRejectAFileWhoseTopLevelIsNotAMapping() {
        assertThatThrownBy(() -> JobConfigLoader.parseYaml("- a\n- b\n", "list.yaml"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("list.yaml")
                .hasMessageContaining("mapping");
    }

    @Test
    void shouldNameTheFileAndLineOfInvalidYaml() {
        assertThatThrownBy(() -> JobConfigLoader.parseYaml("job:\n  slots: [1, 2\n", "broken.yaml"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("broken.yaml")
                .hasMessageContaining("line");
    }

    @Test
    void shouldRejectAnOptionWithoutValue() {
        assertThatThrownBy(() -> JobConfigLoader.parseYaml("bundle:\n  path:\n", "job.yaml"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'bundle.path'");
    }

    @Test
    void shouldNameTheFileThatCannotBeRead() {
        Path missing = dir.resolve("nope.yaml");
        assertThatThrownBy(() -> JobConfigLoader.load(missing, List.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(missing.toString());
    }

    @Test
    void shouldTreatAnEmptyFileAsDefaults() throws Exception {
        assertThat(JobConfigLoader.load(write(""), List.of())).isEqualTo(JobConfig.defaults());
    }

    private Path write(String yaml) throws Exception {
        Path file = dir.resolve("job.yaml");
        Files.writeString(file, yaml);
        return file;
    }
}
