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
import io.polyroute.runtime.bundle.CombineMode;
import io.polyroute.runtime.bundle.ModelBundle;
import io.polyroute.runtime.eval.ReferenceModel;
import io.polyroute.testing.JobHarness;
import io.polyroute.testing.KafkaBrokerExtension;
import io.polyroute.testing.LeakCheckExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Both execution modes against the bundle's reference.onnx on 20,000 random records, for every
 * combine mode and a two-stage bundle: every event id answered exactly once, every prediction
 * within 1e-5 relative error of the dense reference.
 */
@Timeout(600)
@ExtendWith(LeakCheckExtension.class)
class JobReferenceITCase {
    private static final int RECORDS = 20_000;

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(2)
            .build());

    @TempDir
    static Path bundles;

    private static ModelBundle weightedSum;
    private static ModelBundle rank;
    private static ModelBundle order;
    private static ModelBundle twoStage;

    @BeforeAll
    static void buildBundles() throws Exception {
        SyntheticBundleBuilder base = SyntheticBundleBuilder.create()
                .inputDim(16)
                .hidden(32)
                .experts(8)
                .topK(2);
        weightedSum = base.seed(1).combine(CombineMode.WEIGHTED_SUM).build(bundles.resolve("ws"));
        rank = SyntheticBundleBuilder.create()
                .inputDim(16)
                .hidden(32)
                .experts(8)
                .topK(2)
                .seed(2)
                .combine(CombineMode.TENSORPOLY_RANK)
                .order(2)
                .build(bundles.resolve("rank"));
        order = SyntheticBundleBuilder.create()
                .inputDim(16)
                .hidden(32)
                .experts(8)
                .topK(2)
                .seed(3)
                .combine(CombineMode.TENSORPOLY_ORDER)
                .order(2)
                .build(bundles.resolve("order"));
        twoStage = SyntheticBundleBuilder.create()
                .inputDim(16)
                .hidden(32)
                .experts(8)
                .topK(2)
                .seed(4)
                .combine(CombineMode.WEIGHTED_SUM)
                .stages(2)
                .build(bundles.resolve("deep"));
    }

    static Stream<Arguments> cases() {
        return Stream.of("fused", "expert-parallel")
                .flatMap(mode -> Stream.of(
                        Arguments.of(mode, "weighted_sum"),
                        Arguments.of(mode, "tensorpoly_rank"),
                        Arguments.of(mode, "tensorpoly_order"),
                        Arguments.of(mode, "two-stage")));
    }

    @ParameterizedTest(name = "{0} / {1}")
    @MethodSource("cases")
    void shouldMatchTheReferenceOnEveryRecordExactlyOnce(String mode, String bundleName) throws Exception {
        ModelBundle bundle = switch (bundleName) {
            case "weighted_sum" -> weightedSum;
            case "tensorpoly_rank" -> rank;
            case "tensorpoly_order" -> order;
            default -> twoStage;
        };
        String in = KAFKA.createRandomTopic("sensors", 2);
        String out = KAFKA.createRandomTopic("predictions", 2);
        String dlq = KAFKA.createRandomTopic("dlq", 1);
        List<SensorReading> readings =
                JobHarness.randomReadings("r", RECORDS, bundle.inputDim(), List.of(), mode.hashCode());
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
                "ref-" + in,
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

        Map<String, Prediction> predictions = JobHarness.predictionsById(KAFKA, out, RECORDS, Duration.ofSeconds(60));
        assertThat(predictions).hasSize(RECORDS);
        assertThat(JobHarness.maxReferenceError(bundle, readings, predictions))
                .isLessThanOrEqualTo(ReferenceModel.TOLERANCE);
        Prediction any = predictions.get("r-0");
        assertThat(any.getExperts())
                .hasSize(bundle.stageCount() * bundle.stage(0).groups() * 2);
        assertThat(any.getModel().getName()).isEqualTo(bundle.name());
    }
}
