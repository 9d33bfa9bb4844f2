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

import io.polyroute.kit.linalg.Linalg;
import io.polyroute.kit.onnx.ModelFragment;
import io.polyroute.kit.onnx.OnnxGraph;
import io.polyroute.kit.reference.TopKRouting;

/**
 * The TLoRA bundle's {@code reference.onnx} in the paper's parameter-mixing form: the routing
 * weights first mix the factors, {@code A = Σ_s w_s A_s} and {@code B = Σ_t w_t B_t} (per record),
 * and only then are they applied: {@code y = x · W0 + (x · A) · B / r}. The served bundle computes
 * the same function by mixing expert outputs instead, so agreement checks docs/design.md §5's claim that
 * the two are equal for linear experts.
 */
final class TloraReference {
    private TloraReference() {}

    /** Inputs {@code x [N, D]} (and {@code task [N, T]} when routing on the task); output {@code y [N, O]}. */
    static OnnxGraph build(String bundleName, TloraFactors f, ModelFragment gate) {
        TloraSpec spec = f.spec;
        int d = spec.inputDim();
        int o = spec.outputDim();
        int r = spec.rank();
        int skills = spec.skills();
        OnnxGraph g = new OnnxGraph(bundleName + "-reference");
        String x = g.input("x", d);
        String gateIn = spec.routeOnTask() ? g.input("task", spec.tasks()) : x;
        String routing = TopKRouting.weights(g, gate.apply(g, gateIn), 1, skills, spec.topK());
        String w = reshape(g, routing, 0, skills);

        String aMix = reshape(g, g.op("MatMul", w, g.constant("A_all", stack(f.a), skills, (long) d * r)), 0, d, r);
        String bMix = reshape(g, g.op("MatMul", w, g.constant("B_all", stack(f.b), skills, (long) r * o)), 0, r, o);
        String h = g.op("MatMul", reshape(g, x, 0, 1, d), aMix);
        String adapter = reshape(g, g.op("MatMul", h, bMix), 0, o);
        adapter = g.op("Mul", adapter, g.constant("inv_rank", new float[] {1.0f / r}, 1));
        String base = g.op("MatMul", x, g.constant("W0", Linalg.toFloat(f.w0), d, o));
        g.output(g.op("Add", base, adapter), "y", o);
        return g;
    }

    /** {@code [S, rows·cols]}: each skill's factor flattened row-major. */
    private static float[] stack(double[][] factors) {
        int len = factors[0].length;
        float[] out = new float[factors.length * len];
        for (int s = 0; s < factors.length; s++) {
            for (int i = 0; i < len; i++) {
                out[s * len + i] = (float) factors[s][i];
            }
        }
        return out;
    }

    /** Reshape; a 0 keeps the input's dimension (the dynamic batch). */
    private static String reshape(OnnxGraph g, String v, long... shape) {
        return g.op("Reshape", v, g.constantLong("shape", shape, shape.length));
    }
}
