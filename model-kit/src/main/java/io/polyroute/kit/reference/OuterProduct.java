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

import io.polyroute.kit.onnx.OnnxGraph;
import java.util.List;

/**
 * {@code T_d(a_0 ⊗ a_1 ⊗ … ⊗ a_{N-1})} over the last axis of equally shaped tensors: the
 * flattened outer product (row-major, last index fastest) truncated to its first d entries.
 */
final class OuterProduct {
    private OuterProduct() {}

    /**
     * Adds the nodes for the truncated outer product of {@code factors}, each of shape
     * {@code [lead..., m]} with {@code leadRank} equal leading dimensions; returns a tensor of shape
     * {@code [lead..., d]}.
     *
     * <p>Each step is {@code Unsqueeze + Mul + Reshape}. Before factor {@code o} is multiplied in,
     * the running product is cut to the prefix that can still reach one of the first d entries:
     * entry {@code i} of the final product belongs to prefix entry {@code i / m^(N-o)}, so the first
     * {@code ceil(d / m^(N-o))} suffice. The result equals truncating at the end, without
     * materialising all {@code m^N} entries.
     */
    static String truncated(OnnxGraph g, List<String> factors, int leadRank, int m, int d) {
        int n = factors.size();
        String product = factors.get(0);
        long width = m;
        for (int o = 1; o < n; o++) {
            long needed = ceilDiv(d, pow(m, n - o));
            if (needed < width) {
                product = GraphOps.sliceLast(g, product, needed);
                width = needed;
            }
            String outer = g.op("Mul", GraphOps.unsqueeze(g, product, -1), GraphOps.unsqueeze(g, factors.get(o), -2));
            width *= m;
            long[] shape = new long[leadRank + 1]; // zeros copy the leading dimensions
            shape[leadRank] = width;
            product = GraphOps.reshape(g, outer, shape);
        }
        return width > d ? GraphOps.sliceLast(g, product, d) : product;
    }

    /** {@code base^exp}, saturating at a value above any valid d. */
    private static long pow(long base, int exp) {
        long r = 1;
        for (int i = 0; i < exp && r <= Integer.MAX_VALUE; i++) {
            r *= base;
        }
        return r;
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }
}
