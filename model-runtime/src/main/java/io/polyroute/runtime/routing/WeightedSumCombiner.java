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
package io.polyroute.runtime.routing;

/** {@code y = Σ_{e in S_0} w[0,e] · f_e(x)}, accumulated in double. */
final class WeightedSumCombiner implements Combiner {
    private final int p;

    WeightedSumCombiner(int p) {
        if (p < 1) {
            throw new IllegalArgumentException("Expert output width must be >= 1, but is " + p + ".");
        }
        this.p = p;
    }

    @Override
    public void combine(RoutingDecision d, float[][] outs, int[] offsets, float[] dst, int off) {
        int k = d.k();
        if (k == 2) {
            // The common top-2 case, unrolled.
            int e0 = d.expert(0, 0);
            int e1 = d.expert(0, 1);
            float[] f0 = outs[e0];
            float[] f1 = outs[e1];
            int o0 = offsets == null ? 0 : offsets[e0];
            int o1 = offsets == null ? 0 : offsets[e1];
            double w0 = d.weight(0, 0);
            double w1 = d.weight(0, 1);
            for (int i = 0; i < p; i++) {
                dst[off + i] = (float) (w0 * f0[o0 + i] + w1 * f1[o1 + i]);
            }
            return;
        }
        // Per output element, the experts in selection order: the same sums as accumulating
        // expert after expert into a double row, without allocating one.
        for (int i = 0; i < p; i++) {
            double acc = 0;
            for (int j = 0; j < k; j++) {
                int e = d.expert(0, j);
                acc += (double) d.weight(0, j) * outs[e][(offsets == null ? 0 : offsets[e]) + i];
            }
            dst[off + i] = (float) acc;
        }
    }

    @Override
    public int outputDim() {
        return p;
    }

    @Override
    public int expertOutputDim() {
        return p;
    }
}
