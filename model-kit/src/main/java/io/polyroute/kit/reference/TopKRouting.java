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

import ai.onnx.proto.OnnxMl;
import io.polyroute.kit.onnx.Attrs;
import io.polyroute.kit.onnx.OnnxGraph;

/**
 * Dense top-k routing weights (docs/design.md §5): from gate logits {@code [N, G·E]} to weights
 * {@code [N, G, E]} that are the softmax over each group's k selected experts and exactly 0
 * elsewhere.
 *
 * <p>Selection is ONNX {@code TopK} (largest, sorted), which breaks ties to the lower index, as the
 * routing math requires. The selected indices become a 0/1 mask ({@code ScatterElements}); the
 * logits of unselected experts are replaced by -inf before the {@code Softmax}, which ONNX Runtime
 * turns into exact zeros (a finite constant such as -100 would leave weights near 1e-44). The
 * softmax is multiplied by the mask once more so that the zeros do not depend on how a Softmax
 * kernel treats -inf.
 */
public final class TopKRouting {
    private TopKRouting() {}

    /** Adds the routing nodes for {@code logits} of shape {@code [N, groups·experts]}; returns the weights. */
    public static String weights(OnnxGraph g, String logits, int groups, int experts, int k) {
        String z = GraphOps.reshape(g, logits, 0, groups, experts);
        String[] top = g.opN(
                "TopK",
                Attrs.of().i("axis", -1).i("largest", 1).i("sorted", 1),
                2,
                z,
                g.constantLong("k", new long[] {k}, 1));
        String indices = top[1];
        String mask = g.op(
                "ScatterElements",
                Attrs.of().i("axis", 2),
                GraphOps.filledLike(g, z, 0f),
                indices,
                GraphOps.filledLike(g, indices, 1f));
        String selected = g.op("Cast", Attrs.of().i("to", OnnxMl.TensorProto.DataType.BOOL.getNumber()), mask);
        String masked = g.op("Where", selected, z, g.constant("minus_inf", new float[] {Float.NEGATIVE_INFINITY}));
        String softmax = g.op("Softmax", Attrs.of().i("axis", -1), masked);
        return g.op("Mul", softmax, mask);
    }
}
