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

/** TensorPoly-II: one routing group per order; the outer product of the per-order mixtures. */
final class TensorPolyOrderCombiner implements Combiner {
    private final TensorIndex idx;

    TensorPolyOrderCombiner(int order, int leafDim, int truncate) {
        this.idx = new TensorIndex(order, leafDim, truncate);
    }

    @Override
    public void combine(RoutingDecision d, float[][] outs, int[] offsets, float[] dst, int off) {
        int n = idx.order;
        int m = idx.leafDim;
        if (d.groups() != n) {
            throw new IllegalArgumentException("tensorpoly_order of order " + n + " needs " + n
                    + " routing groups, but the decision has " + d.groups() + ".");
        }
        double[] mix = new double[n * m];
        for (int o = 0; o < n; o++) {
            for (int j = 0; j < d.k(); j++) {
                int e = d.expert(o, j);
                float[] f = outs[e];
                int at = (offsets == null ? 0 : offsets[e]) + o * m;
                double w = d.weight(o, j);
                for (int a = 0; a < m; a++) {
                    mix[o * m + a] += w * f[at + a];
                }
            }
        }
        for (int i = 0; i < idx.truncate; i++) {
            double prod = 1;
            int base = i * n;
            for (int o = 0; o < n; o++) {
                prod *= mix[o * m + idx.digits[base + o]];
            }
            dst[off + i] = (float) prod;
        }
    }

    @Override
    public int outputDim() {
        return idx.truncate;
    }

    @Override
    public int expertOutputDim() {
        return idx.order * idx.leafDim;
    }
}
