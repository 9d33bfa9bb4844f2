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
package io.polyroute.testing;

import io.polyroute.kit.KitBundles;
import io.polyroute.kit.onnx.ModelFragment;
import io.polyroute.kit.onnx.StageModels;
import io.polyroute.runtime.bundle.BundleManifest;
import io.polyroute.runtime.bundle.CombineMode;
import io.polyroute.runtime.bundle.ExpertSpec;
import io.polyroute.runtime.bundle.GateInput;
import io.polyroute.runtime.bundle.InputSpec;
import io.polyroute.runtime.bundle.ModelBundle;
import io.polyroute.runtime.bundle.ModelRef;
import io.polyroute.runtime.bundle.StageSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * A one-stage bundle whose gate reads the record's task and whose experts compute
 * {@code y = x·W + b + sqrt(x + SHIFT)}. Every output is finite for features above
 * {@code -SHIFT} (any ordinary reading), and a feature below {@code -SHIFT} makes the output NaN:
 * a record the model fails on although it passes input validation. Written with its dense
 * {@code reference.onnx}, so predictions for good records can be checked.
 *
 * <pre>{@code
 * ModelBundle bundle = SqrtExpertBundle.write(dir, List.of("press", "lathe"));
 * }</pre>
 */
public final class SqrtExpertBundle {
    /** Features per record. */
    public static final int INPUT_DIM = 8;
    /** Experts of the single stage. */
    public static final int EXPERTS = 4;
    /** Added to every feature under the square root. */
    public static final float SHIFT = 50f;

    private SqrtExpertBundle() {}

    /** Writes the bundle into {@code dir} and returns it loaded and validated. */
    public static ModelBundle write(Path dir, List<String> tasks) throws IOException {
        Random rnd = new Random(42);
        List<ExpertSpec> specs = new ArrayList<>();
        List<ModelFragment> experts = new ArrayList<>();
        for (int e = 0; e < EXPERTS; e++) {
            String id = "e0" + e;
            specs.add(ExpertSpec.of(id, "experts/" + id + ".onnx"));
            experts.add(sqrtExpert(
                    gaussian(rnd, INPUT_DIM * INPUT_DIM, 1 / Math.sqrt(INPUT_DIM)), gaussian(rnd, INPUT_DIM, 0.1)));
        }
        // A task one-hot selects one row of the gate weights, so each logit is a single weight.
        float[] gateWeights = gaussian(rnd, tasks.size() * EXPERTS, 3.0);
        ModelFragment gate = (g, x) -> g.dense(x, gateWeights, null, tasks.size(), EXPERTS, false);
        StageSpec stage = new StageSpec(
                "s0",
                null,
                null,
                null,
                GateInput.TASK.key(),
                ModelRef.of("gate.onnx"),
                2,
                CombineMode.WEIGHTED_SUM.key(),
                null,
                null,
                INPUT_DIM,
                INPUT_DIM,
                specs,
                null);
        BundleManifest manifest = new BundleManifest(
                BundleManifest.FORMAT,
                "sqrt-experts",
                "1",
                "experts add sqrt(x + " + SHIFT + "), NaN for a feature below -" + SHIFT,
                new InputSpec(INPUT_DIM, List.copyOf(tasks), null),
                INPUT_DIM,
                List.of(stage),
                null,
                null,
                null);
        return KitBundles.write(dir, manifest, List.of(new StageModels(null, gate, experts, null)), true);
    }

    private static ModelFragment sqrtExpert(float[] w, float[] b) {
        float[] shift = new float[INPUT_DIM];
        Arrays.fill(shift, SHIFT);
        return (g, x) -> {
            String linear = g.dense(x, w, b, INPUT_DIM, INPUT_DIM, false);
            String root = g.op("Sqrt", g.op("Add", x, g.constant("shift", shift, INPUT_DIM)));
            return g.op("Add", linear, root);
        };
    }

    private static float[] gaussian(Random rnd, int n, double std) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (float) (rnd.nextGaussian() * std);
        }
        return out;
    }
}
