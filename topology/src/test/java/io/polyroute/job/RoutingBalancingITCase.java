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

import io.polyroute.avro.ExpertChoice;
import io.polyroute.avro.Prediction;
import io.polyroute.avro.SensorReading;
import io.polyroute.job.config.JobConfig;
import io.polyroute.job.control.LoadSummary;
import io.polyroute.job.operators.Balancing;
import io.polyroute.job.verify.PredictionCheck;
import io.polyroute.kit.synthetic.SyntheticBundleBuilder;
import io.polyroute.runtime.bundle.CombineMode;
import io.polyroute.runtime.bundle.ModelBundle;
import io.polyroute.runtime.eval.Evaluation;
import io.polyroute.runtime.eval.MoeEvaluator;
import io.polyroute.runtime.eval.ReferenceModel;
import io.polyroute.runtime.onnx.RuntimeOptions;
import io.polyroute.runtime.routing.RoutingDecision;
import io.polyroute.testing.JobHarness;
import io.polyroute.testing.KafkaBrokerExtension;
import io.polyroute.testing.LeakCheckExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Routing balancing end to end (docs/design.md §6), in both execution modes, on input the plain gate sends
 * mostly to one expert: every event id answered exactly once, balanced predictions flagged and
 * equal to a recompute of their recorded routing, the others equal to reference.onnx, and the load
 * per expert over the run measurably more even than the plain gate's.
 */
@Timeout(300)
@ExtendWith(LeakCheckExtension.class)
class RoutingBalancingITCase {
    private static final int RECORDS = 3000;
    private static final int EXPERTS = 8;

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
    private static List<SensorReading> skewed;
    private static long[] plainLoad;

    @BeforeAll
    static void buildSkewedInput() throws Exception {
        bundle = SyntheticBundleBuilder.create()
                .inputDim(16)
                .hidden(32)
                .experts(EXPERTS)
                .topK(2)
                .seed(21)
                .combine(CombineMode.WEIGHTED_SUM)
                .build(bundles.resolve("ws"));
        // Keep every record whose favourite expert is the most popular one, and a few others.
        List<SensorReading> candidates = JobHarness.randomReadings("b", RECORDS * 4, bundle.inputDim(), List.of(), 5);
        RoutingDecision[] plain = plainRouting(candidates);
        int hot = mostPopular(plain);
        Random rnd = new Random(9);
        skewed = new ArrayList<>();
        plainLoad = new long[EXPERTS];
        for (int r = 0; r < candidates.size() && skewed.size() < RECORDS; r++) {
            if (plain[r].expert(0, 0) == hot || rnd.nextInt(8) == 0) {
                skewed.add(candidates.get(r));
                for (int i = 0; i < plain[r].visitedCount(); i++) {
                    plainLoad[plain[r].visitedExpert(i)]++;
                }
            }
        }
        assertThat(skewed).hasSize(RECORDS);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"fused", "expert-parallel"})
    void shouldBalanceFlagAndStillAnswerEveryRecordCorrectlyOnce(String mode) throws Exception {
        String in = KAFKA.createRandomTopic("sensors", 2);
        String out = KAFKA.createRandomTopic("predictions", 2);
        String dlq = KAFKA.createRandomTopic("dlq", 1);
        KAFKA.produceValues(in, JobHarness.encode(skewed));

        JobConfig config = JobConfig.of(Map.ofEntries(
                Map.entry("kafka.bootstrap-servers", KAFKA.bootstrapServers()),
                Map.entry("topics.input", in),
                Map.entry("topics.output", out),
                Map.entry("topics.dlq", dlq),
                Map.entry("job.name", "balance-" + in),
                Map.entry("job.mode", mode),
                Map.entry("job.parallelism", "2"),
                Map.entry("job.slots", "2"),
                Map.entry("job.checkpoint-interval", "500 ms"),
                Map.entry("batching.gate.size", "64"),
                Map.entry("rebalance.window", "100 ms"),
                Map.entry("balancing.bias.enabled", "true"),
                Map.entry("balancing.bias.gamma", "0.05"),
                Map.entry("balancing.capacity-factor", "1.25"),
                Map.entry("bundle.path", bundle.root().toString())));
        JobHarness.runBounded(config, bundle);

        Map<String, Prediction> predictions = JobHarness.predictionsById(KAFKA, out, RECORDS, Duration.ofSeconds(60));
        JobHarness.assertAnswersExactly(predictions, skewed);
        long flagged = predictions.values().stream()
                .filter(PredictionCheck::isRebalanced)
                .count();
        assertThat(flagged).as("predictions flagged by balancing").isBetween(1L, RECORDS - 1L);
        assertThat(predictions.values())
                .anySatisfy(p -> assertThat(p.getFlags().toString()).contains(Balancing.CAPACITY_OVERFLOW));

        PredictionCheck.Result check = JobHarness.check(bundle, skewed, predictions);
        assertThat(check.referenceChecked() + check.replayed()).isEqualTo(RECORDS);
        assertThat(check.replayed()).isEqualTo(flagged);
        assertThat(check.maxReferenceError()).isLessThanOrEqualTo(ReferenceModel.TOLERANCE);
        assertThat(check.maxReplayError()).isLessThanOrEqualTo(ReferenceModel.TOLERANCE);
        assertThat(check.mismatches()).isZero();

        long[] load = new long[EXPERTS];
        for (Prediction p : predictions.values()) {
            for (ExpertChoice c : p.getExperts()) {
                load[c.getExpert()]++;
            }
        }
        assertThat(LoadSummary.imbalance(load))
                .as("max/mean expert load with balancing; plain gate %.2f", LoadSummary.imbalance(plainLoad))
                .isLessThan(LoadSummary.imbalance(plainLoad) * 0.8);
    }

    private static RoutingDecision[] plainRouting(List<SensorReading> readings) {
        int d = bundle.inputDim();
        float[] x = new float[readings.size() * d];
        for (int r = 0; r < readings.size(); r++) {
            List<Float> f = readings.get(r).getFeatures();
            for (int j = 0; j < d; j++) {
                x[r * d + j] = f.get(j);
            }
        }
        try (MoeEvaluator eval = MoeEvaluator.open(bundle, RuntimeOptions.cpu())) {
            Evaluation ev = eval.evaluate(x, readings.size(), null);
            return ev.routing()[0];
        }
    }

    private static int mostPopular(RoutingDecision[] decisions) {
        long[] first = new long[EXPERTS];
        for (RoutingDecision d : decisions) {
            first[d.expert(0, 0)]++;
        }
        int best = 0;
        for (int e = 1; e < EXPERTS; e++) {
            best = first[e] > first[best] ? e : best;
        }
        return best;
    }
}
