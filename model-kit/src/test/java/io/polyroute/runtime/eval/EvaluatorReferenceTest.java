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
package io.polyroute.runtime.eval;

import static org.assertj.core.api.Assertions.assertThat;

import io.polyroute.kit.synthetic.Activation;
import io.polyroute.kit.synthetic.SyntheticBundleBuilder;
import io.polyroute.runtime.bundle.CombineMode;
import io.polyroute.runtime.bundle.ModelBundle;
import io.polyroute.runtime.bundle.StageInput;
import io.polyroute.runtime.onnx.RuntimeOptions;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The fused evaluator against each bundle's dense reference.onnx, on fresh random inputs (docs/design.md §5). */
class EvaluatorReferenceTest {
    private static final int RECORDS = 3000;

    @TempDir
    Path dir;

    static Stream<Arguments> bundles() {
        return Stream.of(
                arg(
                        "weighted_sum",
                        b -> b.combine(CombineMode.WEIGHTED_SUM).experts(8).topK(2)),
                arg(
                        "weighted_sum top-1",
                        b -> b.combine(CombineMode.WEIGHTED_SUM).experts(6).topK(1)),
                arg(
                        "tensorpoly_rank N=2",
                        b -> b.combine(CombineMode.TENSORPOLY_RANK)
                                .order(2)
                                .experts(8)
                                .topK(2)),
                arg(
                        "tensorpoly_rank N=3",
                        b -> b.combine(CombineMode.TENSORPOLY_RANK)
                                .order(3)
                                .leafDim(3)
                                .experts(6)
                                .topK(3)),
                arg(
                        "tensorpoly_order N=2",
                        b -> b.combine(CombineMode.TENSORPOLY_ORDER)
                                .order(2)
                                .experts(8)
                                .topK(2)),
                arg(
                        "tensorpoly_order N=3",
                        b -> b.combine(CombineMode.TENSORPOLY_ORDER)
                                .order(3)
                                .leafDim(3)
                                .experts(5)
                                .topK(2)),
                arg(
                        "two stages",
                        b -> b.combine(CombineMode.WEIGHTED_SUM)
                                .stages(2)
                                .experts(8)
                                .topK(2)),
                arg(
                        "two stages concat",
                        b -> b.combine(CombineMode.WEIGHTED_SUM).stages(2).stageInput(StageInput.CONCAT)),
                arg("encoder", b -> b.combine(CombineMode.WEIGHTED_SUM).encoder(12, Activation.TANH)),
                arg("shared expert", b -> b.combine(CombineMode.TENSORPOLY_RANK).sharedExpert(true)),
                arg(
                        "deep experts and shared expert",
                        b -> b.combine(CombineMode.WEIGHTED_SUM)
                                .hiddenLayers(3)
                                .sharedExpert(true)
                                .stages(2)),
                arg(
                        "inherit routing",
                        b -> b.combine(CombineMode.WEIGHTED_SUM).stages(2).inheritRouting(true)),
                arg(
                        "task routing",
                        b -> b.combine(CombineMode.WEIGHTED_SUM).gateOnTask(List.of("press", "lathe", "mill"))));
    }

    private static Arguments arg(String name, UnaryOperator<SyntheticBundleBuilder> cfg) {
        return Arguments.of(name, cfg);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bundles")
    void shouldMatchTheDenseReferenceOnRandomInputs(String name, UnaryOperator<SyntheticBundleBuilder> cfg)
            throws Exception {
        ModelBundle bundle = cfg.apply(SyntheticBundleBuilder.create()
                        .seed(name.hashCode())
                        .inputDim(16)
                        .hidden(32))
                .build(dir.resolve("b"));
        Random rnd = new Random(System.nanoTime());
        int d = bundle.inputDim();
        int od = bundle.outputDim();
        float[] x = new float[RECORDS * d];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (rnd.nextGaussian() * 1.5);
        }
        int[] tasks = new int[RECORDS];
        for (int r = 0; r < RECORDS; r++) {
            tasks[r] =
                    bundle.tasks().isEmpty() ? -1 : rnd.nextInt(bundle.tasks().size());
        }
        double worst = 0;
        try (MoeEvaluator eval = MoeEvaluator.open(bundle, RuntimeOptions.cpu());
                ReferenceModel ref = ReferenceModel.open(bundle, RuntimeOptions.cpu())) {
            // Uneven batch sizes exercise different kernels on the two sides.
            int start = 0;
            while (start < RECORDS) {
                int n = Math.min(1 + rnd.nextInt(700), RECORDS - start);
                float[] xb = java.util.Arrays.copyOfRange(x, start * d, (start + n) * d);
                int[] tb = java.util.Arrays.copyOfRange(tasks, start, start + n);
                float[] got = eval.evaluate(xb, n, tb).output();
                float[] want = ref.predict(xb, n, tb);
                for (int r = 0; r < n; r++) {
                    worst = Math.max(worst, ReferenceModel.relativeError(got, r * od, want, r * od, od));
                }
                start += n;
            }
        }
        assertThat(worst)
                .as("max relative error over %d records", RECORDS)
                .isLessThanOrEqualTo(ReferenceModel.TOLERANCE);
    }
}
