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
package io.polyroute.kit.factory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.polyroute.runtime.bundle.BundleLoader;
import io.polyroute.runtime.bundle.ModelBundle;
import io.polyroute.runtime.eval.Evaluation;
import io.polyroute.runtime.eval.MoeEvaluator;
import io.polyroute.runtime.eval.ReferenceModel;
import io.polyroute.runtime.onnx.RuntimeOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.assertj.core.data.Percentage;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The factory bundle as built by the kit: loadable, equal to its reference, better than dense. */
@Timeout(120)
class FactoryModelKitTest {
    private static final int RECORDS = 4000;

    @TempDir
    static Path dir;

    private static FactoryBuild build;
    private static final List<String> progress = new ArrayList<>();

    @BeforeAll
    static void buildOnce() throws Exception {
        build = FactoryModelKit.build(dir.resolve("factory-moe"), FactoryModelKit.DEFAULT_SEED, progress::add);
    }

    @Test
    void shouldWriteABundleThatLoadsWithOneExpertPerMachineType() {
        ModelBundle bundle = BundleLoader.load(dir.resolve("factory-moe"));

        assertThat(bundle.name()).isEqualTo("factory-moe");
        assertThat(bundle.inputDim()).isEqualTo(32);
        assertThat(bundle.outputDim()).isEqualTo(1);
        assertThat(bundle.manifest().input().featureNames()).isEqualTo(FactorySimulator.FEATURE_NAMES);
        assertThat(bundle.manifest().outputNames()).containsExactly("health_score");
        assertThat(bundle.stage(0).experts())
                .extracting(e -> e.id())
                .containsExactlyElementsOf(FactorySimulator.MACHINE_TYPES);
        assertThat(bundle.stage(0).encoder().outputDim()).isEqualTo(16);
        assertThat(bundle.hasReference()).isTrue();
        assertThat(bundle.manifest().quality())
                .containsKeys(
                        "moe_rmse",
                        "dense_rmse",
                        "gate_regime_accuracy",
                        "moe_anomaly_precision",
                        "moe_anomaly_recall",
                        "dense_anomaly_precision",
                        "dense_anomaly_recall");
    }

    @Test
    void servedPredictionsShouldMatchTheDenseReferenceOnSimulatorRecords() {
        FactorySimulator sim = FactorySimulator.builder()
                .seed(5)
                .mix(RegimeMix.rotating(0, 60_000, 0.9))
                .build();
        float[] x = new float[RECORDS * 32];
        for (int r = 0; r < RECORDS; r++) {
            System.arraycopy(sim.next().features(), 0, x, r * 32, 32);
        }
        assertThat(worstReferenceError(x)).isLessThanOrEqualTo(ReferenceModel.TOLERANCE);
    }

    @Test
    void servedPredictionsShouldMatchTheDenseReferenceOnRandomInputs() {
        // Standardised noise around the channels' typical readings: far off the machines' manifolds.
        SplittableRandom rnd = new SplittableRandom(8);
        float[] x = new float[RECORDS * 32];
        for (int r = 0; r < RECORDS; r++) {
            for (int c = 0; c < 32; c++) {
                SensorChannel ch = FactoryPhysics.CHANNELS.get(c);
                x[r * 32 + c] = (float) (ch.base() + ch.span() * rnd.nextGaussian());
            }
        }
        assertThat(worstReferenceError(x)).isLessThanOrEqualTo(ReferenceModel.TOLERANCE);
    }

    @Test
    void moeShouldBeatTheDenseBaselineOfTheSameSizeClearly() {
        QualityReport q = build.report();

        assertThat(q.shipped().parameters()).isCloseTo(q.dense().parameters(), Percentage.withPercentage(1));
        assertThat(q.rmseRatio()).isLessThan(0.7);
        assertThat(q.shipped().f1()).isGreaterThan(q.dense().f1() + 0.03);
        assertThat(q.gateAccuracy()).isGreaterThan(0.99);
        assertThat(q.heldOutRecords()).isGreaterThanOrEqualTo(10_000);
    }

    @Test
    void qualityFiguresShouldBeThoseOfTheServedBundle() {
        FactoryDataset heldOut = FactoryFitter.heldOut(FactoryModelKit.DEFAULT_SEED, FactoryFitter.Config.DEFAULT);
        float[] x = new float[heldOut.x.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) heldOut.x[i];
        }
        try (MoeEvaluator eval = MoeEvaluator.open(build.bundle(), RuntimeOptions.cpu())) {
            Evaluation served = eval.evaluate(x, heldOut.n, null);
            double[] scores = new double[heldOut.n];
            for (int i = 0; i < heldOut.n; i++) {
                scores[i] = served.output()[i];
            }
            ModelQuality measured = ModelQuality.measure("served", 0, scores, heldOut.score);

            assertThat(measured.rmse()).isCloseTo(build.report().shipped().rmse(), within(1e-5));
            assertThat(measured.precision()).isCloseTo(build.report().shipped().precision(), within(1e-3));
            assertThat(measured.recall()).isCloseTo(build.report().shipped().recall(), within(1e-3));
        }
    }

    @Test
    void shouldReportProgressAndTheQualityTable() {
        assertThat(progress).anyMatch(l -> l.startsWith("expert 8/8 (conveyor)"));
        assertThat(progress).anyMatch(l -> l.startsWith("dense baseline:"));
        assertThat(progress).anyMatch(l -> l.contains("gate regime accuracy"));
        assertThat(build.report().toString()).contains("MoE top-1 (shipped)", "MoE top-2", "dense baseline");
        assertThat(build.elapsed().toSeconds()).isLessThan(60);
    }

    private static double worstReferenceError(float[] x) {
        ModelBundle bundle = build.bundle();
        try (MoeEvaluator eval = MoeEvaluator.open(bundle, RuntimeOptions.cpu());
                ReferenceModel ref = ReferenceModel.open(bundle, RuntimeOptions.cpu())) {
            Evaluation served = eval.evaluate(x, RECORDS, null);
            float[] expected = ref.predict(x, RECORDS, null);
            double worst = 0;
            for (int r = 0; r < RECORDS; r++) {
                worst = Math.max(worst, ReferenceModel.relativeError(served.output(), r, expected, r, 1));
            }
            return worst;
        }
    }
}
