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
import static org.assertj.core.api.Assertions.within;

import ai.onnx.proto.OnnxMl;
import io.polyroute.kit.onnx.Attrs;
import io.polyroute.kit.onnx.OnnxGraph;
import io.polyroute.runtime.onnx.ModelSession;
import io.polyroute.runtime.onnx.RuntimeOptions;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The routing nodes of the reference, run alone on chosen logits. */
class TopKRoutingTest {

    @Test
    void shouldGiveUnselectedExpertsAWeightOfExactlyZero() {
        int groups = 2;
        int experts = 6;
        int k = 2;
        int n = 200;
        float[] logits = new float[n * groups * experts];
        Random rnd = new Random(5);
        for (int i = 0; i < logits.length; i++) {
            logits[i] = (float) (rnd.nextGaussian() * 30); // spread wide: large gaps stress the masking
        }
        float[] w = runWeights(logits, n, groups, experts, k);
        double[][][] expected = DoubleMoe.route(logits, n, groups, experts, k);
        for (int i = 0; i < n; i++) {
            for (int o = 0; o < groups; o++) {
                double sum = 0;
                for (int e = 0; e < experts; e++) {
                    float actual = w[(i * groups + o) * experts + e];
                    if (expected[i][o][e] == 0) {
                        assertThat(actual)
                                .as("weight of unselected expert %d, record %d", e, i)
                                .isZero();
                    } else {
                        assertThat((double) actual).isCloseTo(expected[i][o][e], within(1e-6));
                    }
                    sum += actual;
                }
                assertThat(sum).isCloseTo(1.0, within(1e-6));
            }
        }
    }

    @Test
    void shouldBreakTiesToTheLowerIndex() {
        // Group 0: all equal. Group 1: experts 1..3 tie above 0 and 4.
        float[] logits = {0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0f, 2f, 2f, 2f, -1f};
        float[] w = runWeights(logits, 1, 2, 5, 2);
        assertThat(w).containsExactly(0.5f, 0.5f, 0f, 0f, 0f, 0f, 0.5f, 0.5f, 0f, 0f);
    }

    @Test
    void softmaxShouldTurnMinusInfinityIntoExactZeros() {
        // The -inf mask relies on this; a finite mask such as -100 would leave weights near 1e-44.
        for (int width : new int[] {3, 8, 17, 256}) {
            OnnxGraph g = new OnnxGraph("softmax");
            String z = g.input("z", width);
            String keep = g.op(
                    "Cast",
                    Attrs.of().i("to", OnnxMl.TensorProto.DataType.BOOL.getNumber()),
                    g.op("Greater", z, g.constant("zero", new float[] {0f})));
            String masked = g.op("Where", keep, z, g.constant("minus_inf", new float[] {Float.NEGATIVE_INFINITY}));
            g.output(g.op("Softmax", Attrs.of().i("axis", -1), masked), "w", width);
            float[] logits = new float[width];
            for (int e = 0; e < width; e++) {
                logits[e] = e < 2 ? 1f : -1f;
            }
            float[] w;
            try (ModelSession s = ModelSession.open(g.toBytes(), "softmax", RuntimeOptions.cpu())) {
                w = s.run("z", logits, 1, "w");
            }
            for (int e = 2; e < width; e++) {
                assertThat(w[e]).as("masked entry %d of width %d", e, width).isZero();
            }
        }
    }

    private static float[] runWeights(float[] logits, int n, int groups, int experts, int k) {
        OnnxGraph g = new OnnxGraph("routing");
        String z = g.input("logits", groups * experts);
        String w = TopKRouting.weights(g, z, groups, experts, k);
        g.output(GraphOps.reshape(g, w, 0, (long) groups * experts), "w", groups * experts);
        try (ModelSession s = ModelSession.open(g.toBytes(), "routing", RuntimeOptions.cpu())) {
            return s.run("logits", logits, n, "w");
        }
    }
}
