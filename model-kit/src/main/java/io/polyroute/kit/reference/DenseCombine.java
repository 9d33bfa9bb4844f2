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

import io.polyroute.kit.onnx.Attrs;
import io.polyroute.kit.onnx.OnnxGraph;
import io.polyroute.runtime.bundle.StageSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * The three combines of docs/design.md §5 over dense tensors: weights {@code w [N, G, E]} (zero for
 * unselected experts) and stacked expert outputs {@code f [N, E, P]}. Sums run over all E experts;
 * the zero weights remove the unselected ones.
 */
final class DenseCombine {
    private DenseCombine() {}

    /** The stage output {@code [N, output_dim]} before the shared expert. */
    static String apply(OnnxGraph g, StageSpec st, String w, String f) {
        return switch (st.combineMode()) {
            case WEIGHTED_SUM -> weightedSum(g, w, f, st.expertOutputDim());
            case TENSORPOLY_RANK -> tensorPolyRank(g, st, w, f);
            case TENSORPOLY_ORDER -> tensorPolyOrder(g, st, w, f);
        };
    }

    /** {@code y = Σ_e w[0,e] · f_e}: a batched {@code [1, E] × [E, P]} product per record. */
    private static String weightedSum(OnnxGraph g, String w, String f, int width) {
        return GraphOps.reshape(g, g.op("MatMul", w, f), 0, width);
    }

    /** {@code y = T_d(Σ_e w[0,e] · (l[e,0] ⊗ … ⊗ l[e,N-1]))}. */
    private static String tensorPolyRank(OnnxGraph g, StageSpec st, String w, String f) {
        int order = st.order();
        String leaves = GraphOps.reshape(g, f, 0, st.expertCount(), order, st.leafDim());
        List<String> perOrder = new ArrayList<>(order);
        for (int o = 0; o < order; o++) {
            perOrder.add(GraphOps.take(g, leaves, 2, o)); // [N, E, m]
        }
        String products = OuterProduct.truncated(g, perOrder, 2, st.leafDim(), st.outputDim()); // [N, E, d]
        return weightedSum(g, w, products, st.outputDim());
    }

    /** {@code m_o = Σ_e w[o,e] · l[e,o]}; {@code y = T_d(m_0 ⊗ … ⊗ m_{N-1})}. */
    private static String tensorPolyOrder(OnnxGraph g, StageSpec st, String w, String f) {
        int order = st.order();
        int m = st.leafDim();
        String leaves = GraphOps.reshape(g, f, 0, st.expertCount(), order, m);
        String byOrder = g.op("Transpose", Attrs.of().ints("perm", 0, 2, 1, 3), leaves); // [N, G, E, m]
        String mixed = g.op("MatMul", GraphOps.unsqueeze(g, w, 2), byOrder); // [N, G, 1, m]
        String mixtures = GraphOps.reshape(g, mixed, 0, order, m);
        List<String> perOrder = new ArrayList<>(order);
        for (int o = 0; o < order; o++) {
            perOrder.add(GraphOps.take(g, mixtures, 1, o)); // [N, m]
        }
        return OuterProduct.truncated(g, perOrder, 1, m, st.outputDim());
    }
}
