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
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.polyroute.avro.Prediction;
import io.polyroute.avro.SensorReading;
import io.polyroute.job.config.JobConfig;
import io.polyroute.runtime.bundle.BundleLoader;
import io.polyroute.runtime.bundle.ModelBundle;
import io.polyroute.runtime.eval.ReferenceModel;
import io.polyroute.testing.JobHarness;
import io.polyroute.testing.KafkaBrokerExtension;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bring your own PyTorch MoE, end to end: {@code python/examples/train_moe.py} trains a small
 * mixture of experts with PyTorch on data it makes and exports it with {@code polyroute_export};
 * {@code polyroute bundle pack --reference} finishes the bundle; {@code score --check-reference}
 * passes; and the job on a Kafka broker and a Flink MiniCluster predicts what the torch model itself
 * computed for the same records, to 1e-5 relative.
 *
 * <p>Needs Debian's {@code /usr/bin/python3} with {@code python3-torch} and {@code python3-onnx},
 * which {@code .ci/run} installs; without them the test is skipped and says why.
 */
@Timeout(300)
class TorchBundleITCase {
    private static final String PYTHON = "/usr/bin/python3";

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(2)
            .build());

    @TempDir
    static Path dir;

    private static Path bundleDir;
    private static Path records;

    @BeforeAll
    static void trainAndExportWithTorch() throws Exception {
        assumeTrue(
                pythonHasTorch(),
                PYTHON + " cannot import torch and onnx; install the Debian packages python3-torch and "
                        + "python3-onnx (.ci/run does) to run the PyTorch export test");
        bundleDir = dir.resolve("torch-moe");
        records = dir.resolve("records.jsonl");
        Path python = repositoryRoot().resolve("python");
        Path log = dir.resolve("train.log");
        ProcessBuilder pb = new ProcessBuilder(
                        PYTHON,
                        python.resolve("examples/train_moe.py").toString(),
                        "--out",
                        bundleDir.toString(),
                        "--records",
                        records.toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().put("PYTHONPATH", python.toString());
        pb.environment().put("OMP_NUM_THREADS", "1");
        pb.environment().put("PYTHONDONTWRITEBYTECODE", "1");
        Process p = pb.start();
        boolean done = p.waitFor(180, TimeUnit.SECONDS);
        if (!done) {
            p.destroyForcibly();
        }
        String out = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(done).as("train_moe.py finished in time:\n" + out).isTrue();
        assertThat(p.exitValue()).as("train_moe.py exit code:\n" + out).isZero();
        assertThat(out).contains("held-out MSE");
    }

    @Test
    void shouldPackCheckAndServeTheTorchModelAsTorchComputesIt() throws Exception {
        // bundle.yaml as exported has no checksums: only pack makes it a bundle.
        assertThat(Files.readString(bundleDir.resolve("bundle.yaml"))).doesNotContain("checksums");
        BundleCommandsTest.Result pack = BundleCommandsTest.run("bundle", "pack", bundleDir.toString(), "--reference");
        assertThat(pack.code()).as(pack.err()).isZero();
        assertThat(pack.out()).contains("packed torch-moe version 1");

        BundleCommandsTest.Result score = BundleCommandsTest.run(
                "score", "--bundle", bundleDir.toString(), "--input", records.toString(), "--check-reference");
        assertThat(score.code()).as(score.out() + score.err()).isZero();
        assertThat(score.out()).contains("checked=2000 ");
        System.out.print("score --check-reference: " + score.out());

        ModelBundle bundle = BundleLoader.load(bundleDir);
        assertThat(bundle.manifest().outputNames())
                .as("output.names written by the exporter")
                .containsExactly("target_a", "target_b");
        List<SensorReading> readings = new ArrayList<>();
        List<float[]> torchOutputs = new ArrayList<>();
        readRecords(readings, torchOutputs);
        assertThat(readings).hasSize(2000);

        for (String mode : List.of("fused", "expert-parallel")) {
            Map<String, Prediction> predictions = runJob(bundle, readings, mode);
            JobHarness.assertAnswersExactly(predictions, readings);
            double worst = 0;
            for (int r = 0; r < readings.size(); r++) {
                Prediction p = predictions.get(readings.get(r).getEventId());
                assertThat(p.getOutputNames()).containsExactly("target_a", "target_b");
                float[] got = new float[bundle.outputDim()];
                for (int i = 0; i < got.length; i++) {
                    got[i] = p.getOutput().get(i);
                }
                worst = Math.max(worst, ReferenceModel.relativeError(got, 0, torchOutputs.get(r), 0, got.length));
            }
            System.out.printf("%s job: max relative error against torch %.3e%n", mode, worst);
            assertThat(worst)
                    .as(mode + ": largest relative error against the torch model's own outputs")
                    .isLessThanOrEqualTo(ReferenceModel.TOLERANCE);
        }
    }

    private static Map<String, Prediction> runJob(ModelBundle bundle, List<SensorReading> readings, String mode)
            throws Exception {
        String in = KAFKA.createRandomTopic("sensors", 2);
        String out = KAFKA.createRandomTopic("predictions", 2);
        String dlq = KAFKA.createRandomTopic("dlq", 1);
        KAFKA.produceValues(in, JobHarness.encode(readings));
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
                "torch-" + in,
                "job.mode",
                mode,
                "job.parallelism",
                "2",
                "job.slots",
                "2",
                "job.checkpoint-interval",
                "500 ms",
                "bundle.path",
                bundle.root().toString()));
        JobHarness.runBounded(config, bundle);
        return JobHarness.predictionsById(KAFKA, out, readings.size(), Duration.ofSeconds(60));
    }

    private static void readRecords(List<SensorReading> readings, List<float[]> outputs) throws Exception {
        ObjectMapper json = new ObjectMapper();
        long now = System.currentTimeMillis();
        for (String line : Files.readAllLines(records)) {
            JsonNode n = json.readTree(line);
            List<Float> features = new ArrayList<>();
            n.get("features").forEach(v -> features.add((float) v.asDouble()));
            float[] y = new float[n.get("output").size()];
            for (int i = 0; i < y.length; i++) {
                y[i] = (float) n.get("output").get(i).asDouble();
            }
            readings.add(SensorReading.newBuilder()
                    .setEventId(n.get("event_id").asText())
                    .setSourceId("torch")
                    .setTask(null)
                    .setEventTime(Instant.ofEpochMilli(now))
                    .setFeatures(features)
                    .build());
            outputs.add(y);
        }
    }

    private static boolean pythonHasTorch() throws Exception {
        if (!new File(PYTHON).canExecute()) {
            return false;
        }
        Process p = new ProcessBuilder(PYTHON, "-c", "import torch, onnx")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
    }

    /** The repository root: the parent of the module folder Maven runs the tests in. */
    private static Path repositoryRoot() {
        Path module = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        Path root = Files.isDirectory(module.resolve("python")) ? module : module.getParent();
        assertThat(root.resolve("python/polyroute_export/__init__.py")).exists();
        return root;
    }
}
