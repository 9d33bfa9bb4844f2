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

/** TensorPoly-I: the weighted sum over selected experts of the outer product of each one's leaves. */
final class TensorPolyRankCombiner implements Combiner {
    private final TensorIndex idx;

    TensorPolyRankCombiner(int order, int leafDim, int truncate) {
        this.idx = new TensorIndex(order, leafDim, truncate);
    }

    @Override
    public void combine(RoutingDecision d, float[][] outs, int[] offsets, float[] dst, int off) {
        int n = idx.order;
        int m = idx.leafDim;
        int k = d.k();
        // Per output element, the experts in selection order: the same sums as accumulating
        // expert after expert into a double row, without allocating one.
        for (int i = 0; i < idx.truncate; i++) {
            double acc = 0;
            int base = i * n;
            for (int j = 0; j < k; j++) {
                int e = d.expert(0, j);
                float[] f = outs[e];
                int at = offsets == null ? 0 : offsets[e];
                double prod = d.weight(0, j);
                for (int o = 0; o < n; o++) {
                    prod *= f[at + o * m + idx.digits[base + o]];
                }
                acc += prod;
            }
            dst[off + i] = (float) acc;
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
