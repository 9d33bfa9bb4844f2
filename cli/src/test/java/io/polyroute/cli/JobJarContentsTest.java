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

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;

/**
 * The job jar is what every TaskManager of a cluster loads: the job, the servable core, the
 * contracts and the Kafka connector, and nothing else. No model kit, no in-process broker, no
 * monitor, no command line, no benchmarks, and no Flink (the cluster provides it). The reactor
 * packages the topology module before this module's tests run.
 */
class JobJarContentsTest {

    @Test
    void shouldHoldTheJobAndNoModelKitBrokerOrFlink() throws IOException {
        List<String> entries = new ArrayList<>();
        try (ZipFile jar = new ZipFile(jobJar().toFile())) {
            jar.stream().map(ZipEntry::getName).forEach(entries::add);
        }
        assertThat(entries)
                .contains(
                        "io/polyroute/job/PolyrouteJob.class",
                        "io/polyroute/runtime/eval/MoeEvaluator.class",
                        "io/polyroute/avro/SensorReading.class",
                        "org/apache/flink/connector/kafka/sink/KafkaSink.class");
        assertThat(entries)
                .noneMatch(e -> e.startsWith("io/polyroute/kit/"))
                .noneMatch(e -> e.startsWith("io/polyroute/embedded/"))
                .noneMatch(e -> e.startsWith("io/polyroute/monitor/"))
                .noneMatch(e -> e.startsWith("io/polyroute/cli/"))
                .noneMatch(e -> e.startsWith("io/polyroute/demo/"))
                .noneMatch(e -> e.startsWith("io/polyroute/bench/"))
                .noneMatch(e -> e.startsWith("kafka/server/"))
                .noneMatch(e -> e.startsWith("org/apache/kafka/streams/"))
                .noneMatch(e -> e.startsWith("org/apache/flink/streaming/api/"))
                .noneMatch(e -> e.startsWith("org/apache/flink/runtime/"))
                .noneMatch(e -> e.contains(".dSYM/"));
    }

    private static Path jobJar() throws IOException {
        Path target = Path.of("..", "topology", "target");
        assertThat(target)
                .as("topology/target; build from the root (mvn verify) so the job jar exists")
                .isDirectory();
        try (DirectoryStream<Path> jars = Files.newDirectoryStream(target, "polyroute-topology-*-job.jar")) {
            for (Path jar : jars) {
                return jar;
            }
        }
        throw new AssertionError("No polyroute-topology-*-job.jar under " + target.toAbsolutePath()
                + "; build from the root (mvn verify) so the topology module is packaged first.");
    }
}
