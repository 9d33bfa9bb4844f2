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
package io.polyroute.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.polyroute.avro.Prediction;
import io.polyroute.avro.SensorReading;
import io.polyroute.job.config.JobConfig;
import io.polyroute.kit.synthetic.SyntheticBundleBuilder;
import io.polyroute.runtime.bundle.ModelBundle;
import io.polyroute.runtime.eval.ReferenceModel;
import io.polyroute.testing.JobHarness;
import io.polyroute.testing.KafkaBrokerExtension;
import io.polyroute.testing.LeakCheckExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Micro-batches are flushed before every checkpoint barrier (docs/design.md §7), in both execution modes.
 * Gate and expert batches hold 10,000 records and wait up to an hour, so neither a full batch nor
 * the delay timer ever flushes the 3,000 records of this test, and the input never ends; yet with
 * checkpoints every 500 ms the running job commits a prediction for every record, exactly once
 * and equal to reference.onnx, well within the deadline.
 */
@Timeout(180)
@ExtendWith(LeakCheckExtension.class)
class FlushBeforeBarrierITCase {
    private static final int RECORDS = 3_000;
    private static final Duration DEADLINE = Duration.ofSeconds(60);

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(2)
            .build());

    @TempDir
    static Path bundles;

    private static ModelBundle bundle;
    private static List<SensorReading> readings;
    private static String input;

    @BeforeAll
    static void writeInput() throws Exception {
        bundle = SyntheticBundleBuilder.create()
                .inputDim(16)
                .hidden(32)
                .experts(8)
                .topK(2)
                .seed(31)
                .build(bundles.resolve("ws"));
        readings = JobHarness.randomReadings("fb", RECORDS, bundle.inputDim(), List.of(), 31);
        input = KAFKA.createRandomTopic("sensors", 2);
        KAFKA.produceValues(input, JobHarness.encode(readings));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"expert-parallel", "fused"})
    void shouldCommitEveryPredictionOnceWhileBatchesNeverFillNorTimeOut(String mode) throws Exception {
        String output = KAFKA.createRandomTopic("predictions", 2);
        JobConfig config = JobHarness.withControlTopics(JobConfig.of(Map.of(
                        "kafka.bootstrap-servers",
                        KAFKA.bootstrapServers(),
                        "topics.input",
                        input,
                        "topics.output",
                        output,
                        "topics.dlq",
                        KAFKA.createRandomTopic("dlq", 1),
                        "job.name",
                        "fb-" + output,
                        "job.mode",
                        mode,
                        "job.parallelism",
                        "2",
                        "job.slots",
                        "2",
                        "job.checkpoint-interval",
                        "500 ms",
                        "bundle.path",
                        bundle.root().toString())))
                // No plan changes: activating a new plan flushes the gate, and only barriers may flush here.
                .with("rebalance.enabled", "false")
                .with("batching.gate.size", "10000")
                .with("batching.gate.max-delay", "1 h")
                .with("batching.expert.size", "10000")
                .with("batching.expert.max-delay", "1 h");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        PolyrouteJob.build(env, config, bundle);
        JobClient job = env.executeAsync(config.get(io.polyroute.job.config.JobOptions.NAME));
        try {
            Map<String, Prediction> predictions = JobHarness.predictionsById(KAFKA, output, RECORDS, DEADLINE);

            assertThat(job.getJobStatus().get(DEADLINE.toSeconds(), TimeUnit.SECONDS))
                    .as("the unbounded job is still running")
                    .isEqualTo(JobStatus.RUNNING);
            JobHarness.assertAnswersExactly(predictions, readings);
            assertThat(JobHarness.maxReferenceError(bundle, readings, predictions))
                    .isLessThanOrEqualTo(ReferenceModel.TOLERANCE);
        } finally {
            job.cancel().get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        }
    }
}
