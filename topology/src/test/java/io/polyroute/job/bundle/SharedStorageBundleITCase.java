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
package io.polyroute.job.bundle;

import static org.assertj.core.api.Assertions.assertThat;

import io.polyroute.avro.Prediction;
import io.polyroute.avro.SensorReading;
import io.polyroute.job.JobLauncher;
import io.polyroute.job.config.JobConfig;
import io.polyroute.kit.synthetic.SyntheticBundleBuilder;
import io.polyroute.runtime.bundle.ModelBundle;
import io.polyroute.runtime.eval.ReferenceModel;
import io.polyroute.testing.JobHarness;
import io.polyroute.testing.KafkaBrokerExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bundle.path} as a {@code file://} URI on a folder standing in for shared storage: the
 * client validates its own cached copy, the TaskManager fetches the bundle into its cache itself
 * (the client's copy is removed before the job starts), and every prediction matches the reference.
 */
@Timeout(300)
class SharedStorageBundleITCase {
    private static final int RECORDS = 3000;

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(2)
            .build());

    @TempDir
    static Path dir;

    private static String previousCacheDir;

    @BeforeAll
    static void useATestCache() {
        previousCacheDir = System.getProperty(BundleCache.CACHE_DIR_PROPERTY);
        System.setProperty(BundleCache.CACHE_DIR_PROPERTY, dir.resolve("cache").toString());
    }

    @AfterAll
    static void restoreCache() {
        if (previousCacheDir == null) {
            System.clearProperty(BundleCache.CACHE_DIR_PROPERTY);
        } else {
            System.setProperty(BundleCache.CACHE_DIR_PROPERTY, previousCacheDir);
        }
    }

    @Test
    void shouldServeABundleFromAFileUriThroughTheTaskManagersCache() throws Exception {
        Path shared = dir.resolve("shared-storage/models/shared-moe");
        SyntheticBundleBuilder.create()
                .name("shared-moe")
                .inputDim(10)
                .hidden(16)
                .experts(6)
                .topK(2)
                .seed(21)
                .build(shared);
        String in = KAFKA.createRandomTopic("sensors", 2);
        String out = KAFKA.createRandomTopic("predictions", 2);
        String dlq = KAFKA.createRandomTopic("dlq", 1);
        JobConfig config = JobConfig.of(Map.of(
                "kafka.bootstrap-servers",
                KAFKA.bootstrapServers(),
                "topics.input",
                in,
                "topics.output",
                out,
                "topics.dlq",
                dlq,
                "job.name",
                "shared-" + in,
                "job.mode",
                "expert-parallel",
                "job.parallelism",
                "2",
                "job.slots",
                "2",
                "job.checkpoint-interval",
                "500 ms",
                "bundle.path",
                shared.toUri().toString()));

        ModelBundle bundle = JobLauncher.loadBundle(config);
        Path cache = dir.resolve("cache");
        assertThat(bundle.root()).startsWith(cache);
        deleteTree(bundle.root()); // the TaskManager must fetch its own copy

        List<SensorReading> readings = JobHarness.randomReadings("s", RECORDS, bundle.inputDim(), List.of(), 5);
        KAFKA.produceValues(in, JobHarness.encode(readings));
        JobHarness.runBounded(config, bundle);

        Map<String, Prediction> predictions = JobHarness.predictionsById(KAFKA, out, RECORDS, Duration.ofSeconds(60));
        JobHarness.assertAnswersExactly(predictions, readings);
        assertThat(bundle.root().resolve("1/gate.onnx")).exists();
        assertThat(JobHarness.maxReferenceError(bundle, readings, predictions))
                .isLessThanOrEqualTo(ReferenceModel.TOLERANCE);
    }

    private static void deleteTree(Path root) throws Exception {
        try (Stream<Path> tree = Files.walk(root)) {
            for (Path p : (Iterable<Path>) tree.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }
}
