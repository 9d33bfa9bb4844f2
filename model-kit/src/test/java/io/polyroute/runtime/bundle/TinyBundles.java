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
package io.polyroute.runtime.bundle;

import io.polyroute.kit.onnx.OnnxGraph;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Small hand-built bundles for loader tests: one weighted_sum stage of linear experts. */
final class TinyBundles {
    static final int D = 6;
    static final int P = 3;
    static final int E = 4;

    private TinyBundles() {}

    static ModelBundle linear(Path dir) throws IOException {
        Random rnd = new Random(7);
        Path v = BundleWriter.versionDir(dir, "1");
        linearModel(rnd, D, E, "logits").save(v.resolve("gate.onnx"));
        List<ExpertSpec> experts = new ArrayList<>();
        for (int e = 0; e < E; e++) {
            String file = "experts/e" + e + ".onnx";
            linearModel(rnd, D, P, "y").save(v.resolve(file));
            experts.add(ExpertSpec.of("e" + e, file));
        }
        StageSpec stage = new StageSpec(
                "s0",
                null,
                null,
                null,
                null,
                ModelRef.of("gate.onnx"),
                2,
                "weighted_sum",
                null,
                null,
                P,
                P,
                experts,
                null);
        BundleManifest m = new BundleManifest(
                BundleManifest.FORMAT,
                "tiny",
                "1",
                "loader tests",
                new InputSpec(D, null, null),
                P,
                List.of(stage),
                null,
                Map.of(),
                null);
        return BundleWriter.finish(dir, m);
    }

    static OnnxGraph linearModel(Random rnd, int in, int out, String outName) {
        OnnxGraph g = new OnnxGraph("linear");
        String x = g.input("x", in);
        float[] w = new float[in * out];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) rnd.nextGaussian();
        }
        g.output(g.dense(x, w, null, in, out, false), outName, out);
        return g;
    }
}
