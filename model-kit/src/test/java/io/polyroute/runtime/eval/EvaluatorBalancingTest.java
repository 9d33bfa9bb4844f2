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

import io.polyroute.kit.synthetic.SyntheticBundleBuilder;
import io.polyroute.runtime.bundle.CombineMode;
import io.polyroute.runtime.bundle.ModelBundle;
import io.polyroute.runtime.onnx.RuntimeOptions;
import io.polyroute.runtime.routing.RoutingDecision;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Balancing changes routing, so balanced predictions are checked by replaying their recorded
 * routing; unflagged ones still equal the dense reference.
 */
class EvaluatorBalancingTest {
    private static final int RECORDS = 400;

    @TempDir
    Path dir;

    @Test
    void shouldReplayBalancedRoutingExactlyAndLeaveUnflaggedRecordsOnTheReference() throws Exception {
        ModelBundle bundle = SyntheticBundleBuilder.create()
                .seed(7)
                .inputDim(16)
                .hidden(32)
                .combine(CombineMode.WEIGHTED_SUM)
                .stages(2)
                .experts(8)
                .topK(2)
                .build(dir.resolve("b"));
        float[] x = randomFeatures(bundle.inputDim(), 11);
        float[][] bias = new float[bundle.stageCount()][8];
        bias[0][3] = 0.8f;
        bias[1][5] = -0.8f;
        try (MoeEvaluator eval = MoeEvaluator.open(bundle, RuntimeOptions.cpu());
                ReferenceModel ref = ReferenceModel.open(bundle, RuntimeOptions.cpu())) {
            Evaluation balanced = eval.evaluate(x, RECORDS, null, bias, 1.1);
            Evaluation replayed = eval.replay(x, RECORDS, balanced.routing());
            assertThat(replayed.output()).containsExactly(balanced.output());

            float[] want = ref.predict(x, RECORDS, null);
            int od = bundle.outputDim();
            int flagged = 0;
            for (int r = 0; r < RECORDS; r++) {
                boolean rerouted = false;
                for (RoutingDecision[] stage : balanced.routing()) {
                    rerouted |= stage[r].rerouted();
                }
                if (rerouted) {
                    flagged++;
                } else {
                    assertThat(ReferenceModel.relativeError(balanced.output(), r * od, want, r * od, od))
                            .as("unflagged record %d", r)
                            .isLessThanOrEqualTo(ReferenceModel.TOLERANCE);
                }
            }
            assertThat(flagged).isBetween(1, RECORDS - 1);
        }
    }

    @Test
    void shouldEvaluateExactlyAsBeforeWithoutBalancing() throws Exception {
        ModelBundle bundle = SyntheticBundleBuilder.create()
                .seed(3)
                .inputDim(16)
                .hidden(32)
                .combine(CombineMode.TENSORPOLY_ORDER)
                .order(2)
                .experts(6)
                .topK(2)
                .build(dir.resolve("b"));
        float[] x = randomFeatures(bundle.inputDim(), 5);
        try (MoeEvaluator eval = MoeEvaluator.open(bundle, RuntimeOptions.cpu())) {
            Evaluation before = eval.evaluate(x, RECORDS, null);
            Evaluation off = eval.evaluate(x, RECORDS, null, null, 0);
            assertThat(off.output()).containsExactly(before.output());
            for (int s = 0; s < before.routing().length; s++) {
                assertThat(off.routing()[s]).containsExactly(before.routing()[s]);
            }
        }
    }

    private static float[] randomFeatures(int d, long seed) {
        Random rnd = new Random(seed);
        float[] x = new float[RECORDS * d];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (rnd.nextGaussian() * 1.5);
        }
        return x;
    }
}
