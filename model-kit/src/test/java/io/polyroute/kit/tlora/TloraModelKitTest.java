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
package io.polyroute.kit.tlora;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.polyroute.runtime.bundle.BundleLoader;
import io.polyroute.runtime.bundle.ModelBundle;
import io.polyroute.runtime.bundle.RoutingMode;
import io.polyroute.runtime.bundle.StageInput;
import io.polyroute.runtime.eval.Evaluation;
import io.polyroute.runtime.eval.MoeEvaluator;
import io.polyroute.runtime.eval.ReferenceModel;
import io.polyroute.runtime.onnx.RuntimeOptions;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Timeout(60)
class TloraModelKitTest {
    private static final int RECORDS = 2000;

    @TempDir
    Path dir;

    @ParameterizedTest(name = "order {0}, route on task {1}")
    @CsvSource({"2, false", "2, true", "4, false", "4, true"})
    void servedStagesShouldMatchTheParameterMixingReference(int order, boolean onTask) throws Exception {
        TloraSpec spec = new TloraSpec(6, order, 4, 40, 24, onTask, 2, 5, 11L * order + (onTask ? 1 : 0));
        ModelBundle bundle = TloraModelKit.build(dir.resolve("tlora"), spec);
        Inputs in = inputs(bundle, 3L);

        try (MoeEvaluator eval = MoeEvaluator.open(bundle, RuntimeOptions.cpu());
                ReferenceModel ref = ReferenceModel.open(bundle, RuntimeOptions.cpu())) {
            Evaluation served = eval.evaluate(in.x, RECORDS, in.tasks);
            float[] expected = ref.predict(in.x, RECORDS, in.tasks);
            double worst = 0;
            for (int r = 0; r < RECORDS; r++) {
                worst = Math.max(worst, ReferenceModel.relativeError(served.output(), r * 24, expected, r * 24, 24));
            }
            assertThat(worst).isLessThanOrEqualTo(ReferenceModel.TOLERANCE);
        }
    }

    @Test
    void referenceShouldEqualTheFormulaComputedFromTheFactors() throws Exception {
        TloraSpec spec = new TloraSpec(5, 3, 3, 30, 20, false, 2, 5, 21L);
        ModelBundle bundle = TloraModelKit.build(dir.resolve("tlora"), spec);
        TloraFactors f = TloraFactors.draw(spec);
        Inputs in = inputs(bundle, 4L);
        try (ReferenceModel ref = ReferenceModel.open(bundle, RuntimeOptions.cpu())) {
            float[] got = ref.predict(in.x, RECORDS, null);
            double worst = 0;
            double adapterShare = 0;
            for (int r = 0; r < RECORDS; r++) {
                double[][] parts = TloraMath.forward(f, in.x, r);
                float[] want = new float[20];
                for (int j = 0; j < 20; j++) {
                    want[j] = (float) (parts[0][j] + parts[1][j]);
                }
                worst = Math.max(worst, ReferenceModel.relativeError(got, r * 20, want, 0, 20));
                adapterShare = Math.max(adapterShare, TloraMath.maxAbs(parts[1]) / TloraMath.maxAbs(parts[0]));
            }
            assertThat(worst).isLessThanOrEqualTo(1e-5);
            // The adapter term is far above the tolerance, so a wrong adapter could not pass the check.
            assertThat(adapterShare).isGreaterThan(1e-3);
        }
    }

    @Test
    void manifestShouldDeclareTwoLinearStagesWithInheritedRoutingAndTheBaseAsSharedExpert() throws Exception {
        TloraModelKit.build(dir.resolve("tlora"), 4, 2, 2, 16, 8, true, 1L);
        ModelBundle bundle = BundleLoader.load(dir.resolve("tlora"));

        assertThat(bundle.name()).isEqualTo("tlora");
        assertThat(bundle.tasks()).containsExactly("task-00", "task-01", "task-02", "task-03");
        assertThat(bundle.routesOnTask()).isTrue();
        assertThat(bundle.stage(0).expertOutputDim()).isEqualTo(2);
        assertThat(bundle.stage(1).inputMode()).isEqualTo(StageInput.CONCAT);
        assertThat(bundle.stage(1).routingMode()).isEqualTo(RoutingMode.INHERIT);
        assertThat(bundle.stage(1).sharedExpert().file()).isEqualTo("experts/base.onnx");
        assertThat(bundle.stageWidth(1)).isEqualTo(16 + 2);
        assertThat(bundle.manifest().checksums())
                .containsKeys(
                        "reference.onnx",
                        "gate.onnx",
                        "experts/skill-00-a.onnx",
                        "experts/skill-03-b.onnx",
                        "experts/base.onnx");
    }

    @Test
    void factorColumnsShouldBeTruncatedTensorProductsOfLeaves() {
        assertThat(TloraFactors.leafDim(64, 2)).isEqualTo(8);
        assertThat(TloraFactors.leafDim(65, 2)).isEqualTo(9);
        assertThat(TloraFactors.leafDim(64, 3)).isEqualTo(4);
        assertThat(TloraFactors.leafDim(100, 4)).isEqualTo(4);
        assertThat(TloraFactors.leafDim(7, 1)).isEqualTo(7);
        double[] t = TloraFactors.tensorProduct(new double[][] {{1, 2}, {3, 5}, {7, 11}}, 7);
        assertThat(t).containsExactly(21, 33, 35, 55, 42, 66, 70);
    }

    @Test
    void shouldRefuseSizesOutOfRangeWithAMessageNamingThem() {
        assertThatThrownBy(() -> TloraSpec.of(0, 2, 4, 16, 16, false, 1L))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("skills must be >= 1");
        assertThatThrownBy(() -> new TloraSpec(4, 2, 4, 16, 16, false, 5, 4, 1L))
                .hasMessageContaining("top-k must be between 1 and the skill count 4, but is 5");
        assertThatThrownBy(() -> TloraSpec.of(4, 2, 0, 16, 16, false, 1L)).hasMessageContaining("rank must be >= 1");
    }

    private record Inputs(float[] x, int[] tasks) {}

    private static Inputs inputs(ModelBundle bundle, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] x = new float[RECORDS * bundle.inputDim()];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextGaussian();
        }
        int[] tasks = null;
        if (bundle.routesOnTask()) {
            tasks = new int[RECORDS];
            for (int r = 0; r < RECORDS; r++) {
                tasks[r] = rnd.nextInt(bundle.tasks().size());
            }
        }
        return new Inputs(x, tasks);
    }
}
