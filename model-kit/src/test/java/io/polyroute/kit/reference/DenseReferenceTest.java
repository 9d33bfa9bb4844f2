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
package io.polyroute.kit.reference;

import static org.assertj.core.api.Assertions.assertThat;

import io.polyroute.kit.synthetic.Activation;
import io.polyroute.kit.synthetic.SyntheticBundleBuilder;
import io.polyroute.runtime.bundle.CombineMode;
import io.polyroute.runtime.bundle.ModelBundle;
import io.polyroute.runtime.bundle.ModelRef;
import io.polyroute.runtime.bundle.StageInput;
import io.polyroute.runtime.onnx.ModelSession;
import io.polyroute.runtime.onnx.RuntimeOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code reference.onnx} against {@link DoubleMoe} on random records, for every mode the kit writes. */
@Timeout(120)
class DenseReferenceTest {
    private static final int RECORDS = 512;
    private static final double TOLERANCE = 1e-5;

    @TempDir
    Path dir;

    @Test
    void shouldMatchWeightedSum() throws IOException {
        check("weighted_sum", SyntheticBundleBuilder.create().experts(8).topK(2).seed(11));
    }

    @Test
    void shouldMatchWeightedSumWithTopOne() throws IOException {
        check(
                "weighted_sum k=1",
                SyntheticBundleBuilder.create().experts(5).topK(1).seed(12));
    }

    @Test
    void shouldMatchTensorPolyRankOfOrderTwo() throws IOException {
        check(
                "tensorpoly_rank N=2",
                SyntheticBundleBuilder.create()
                        .combine(CombineMode.TENSORPOLY_RANK)
                        .order(2)
                        .leafDim(4)
                        .experts(6)
                        .topK(2)
                        .seed(21));
    }

    @Test
    void shouldMatchTensorPolyRankOfOrderThreeTruncatedInsideALeaf() throws IOException {
        // d = 40 is not a multiple of m = 4: the running product is cut mid-leaf.
        check(
                "tensorpoly_rank N=3 d=40",
                SyntheticBundleBuilder.create()
                        .combine(CombineMode.TENSORPOLY_RANK)
                        .order(3)
                        .leafDim(4)
                        .outputDim(40)
                        .experts(6)
                        .topK(3)
                        .seed(22));
    }

    @Test
    void shouldMatchTensorPolyRankOfOrderThreeUntruncated() throws IOException {
        check(
                "tensorpoly_rank N=3 d=27",
                SyntheticBundleBuilder.create()
                        .combine(CombineMode.TENSORPOLY_RANK)
                        .order(3)
                        .leafDim(3)
                        .experts(4)
                        .topK(2)
                        .seed(23));
    }

    @Test
    void shouldMatchTensorPolyOrderOfOrderTwo() throws IOException {
        check(
                "tensorpoly_order N=2",
                SyntheticBundleBuilder.create()
                        .combine(CombineMode.TENSORPOLY_ORDER)
                        .order(2)
                        .leafDim(4)
                        .experts(6)
                        .topK(2)
                        .seed(31));
    }

    @Test
    void shouldMatchTensorPolyOrderOfOrderThree() throws IOException {
        check(
                "tensorpoly_order N=3 d=50",
                SyntheticBundleBuilder.create()
                        .combine(CombineMode.TENSORPOLY_ORDER)
                        .order(3)
                        .leafDim(4)
                        .outputDim(50)
                        .experts(5)
                        .topK(2)
                        .seed(32));
    }

    @Test
    void shouldMatchTwoStagesReadingThePreviousOutput() throws IOException {
        check(
                "2 stages, previous",
                SyntheticBundleBuilder.create().stages(2).experts(6).topK(2).seed(41));
    }

    @Test
    void shouldMatchTwoTensorStagesReadingConcat() throws IOException {
        // Deeper tensor stages amplify float32 rounding on records whose output is small: 3-4 such
        // stages reach 0.5-1.6e-5 on rare records, so the tolerance is checked on two.
        check(
                "2 stages, concat, tensorpoly_order",
                SyntheticBundleBuilder.create()
                        .stages(2)
                        .stageInput(StageInput.CONCAT)
                        .combine(CombineMode.TENSORPOLY_ORDER)
                        .leafDim(3)
                        .experts(4)
                        .seed(42));
    }

    @Test
    void shouldMatchStagesWithEncoders() throws IOException {
        check(
                "encoder tanh",
                SyntheticBundleBuilder.create()
                        .stages(2)
                        .stageInput(StageInput.CONCAT)
                        .encoder(12, Activation.TANH)
                        .seed(51));
        check(
                "encoder relu",
                SyntheticBundleBuilder.create()
                        .name("relu")
                        .encoder(16, Activation.RELU)
                        .seed(52));
    }

    @Test
    void shouldMatchASharedExpert() throws IOException {
        check(
                "shared expert",
                SyntheticBundleBuilder.create()
                        .sharedExpert(true)
                        .combine(CombineMode.TENSORPOLY_RANK)
                        .seed(61));
    }

    @Test
    void shouldMatchInheritedRouting() throws IOException {
        check(
                "inherit",
                SyntheticBundleBuilder.create()
                        .stages(2)
                        .stageInput(StageInput.CONCAT)
                        .inheritRouting(true)
                        .sharedExpert(true)
                        .experts(6)
                        .topK(3)
                        .seed(71));
    }

    @Test
    void shouldMatchAGateReadingTheTask() throws IOException {
        check(
                "gate_input task",
                SyntheticBundleBuilder.create()
                        .gateOnTask(List.of("press", "lathe", "oven"))
                        .stages(2)
                        .seed(81));
    }

    private void check(String label, SyntheticBundleBuilder builder) throws IOException {
        ModelBundle bundle = builder.build(dir.resolve(label.replaceAll("[^A-Za-z0-9]+", "-")));
        Random rnd = new Random(label.hashCode());
        float[] x = new float[RECORDS * bundle.inputDim()];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextGaussian();
        }
        int[] tasks = new int[RECORDS];
        for (int i = 0; i < RECORDS; i++) {
            tasks[i] = bundle.tasks().isEmpty() ? 0 : rnd.nextInt(bundle.tasks().size());
        }
        double[][] expected;
        try (DoubleMoe checker = new DoubleMoe(bundle)) {
            expected = checker.predict(x, RECORDS, tasks);
        }
        float[] actual = runReference(bundle, x, tasks);
        double error = DoubleMoe.maxRelativeError(actual, expected);
        System.out.printf("max relative error of reference.onnx, %s: %.3g%n", label, error);
        assertThat(error).as("max relative error of %s", label).isLessThanOrEqualTo(TOLERANCE);
    }

    static float[] runReference(ModelBundle bundle, float[] x, int[] tasks) {
        ModelRef ref = bundle.manifest().reference();
        try (ModelSession session = ModelSession.open(bundle.resolve(ref.file()), "reference", RuntimeOptions.cpu())) {
            String out = ref.outputName(ModelRef.DEFAULT_OUTPUT);
            if (!bundle.routesOnTask()) {
                return session.run(ref.inputName(), x, tasks.length, out);
            }
            return session.run(
                    new String[] {ref.inputName(), DenseReference.TASK_INPUT},
                    new float[][] {x, DoubleMoe.oneHot(tasks, bundle.tasks().size())},
                    tasks.length,
                    out);
        }
    }
}
