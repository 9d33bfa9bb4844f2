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

import io.polyroute.kit.BundleModels;
import io.polyroute.kit.onnx.Attrs;
import io.polyroute.kit.onnx.ModelFragment;
import io.polyroute.kit.onnx.OnnxGraph;
import io.polyroute.kit.onnx.StageModels;
import io.polyroute.runtime.bundle.BundleManifest;
import io.polyroute.runtime.bundle.GateInput;
import io.polyroute.runtime.bundle.ModelRef;
import io.polyroute.runtime.bundle.RoutingMode;
import io.polyroute.runtime.bundle.StageSpec;
import java.util.List;

/**
 * Builds a bundle's {@code reference.onnx}: the whole mixture of experts as one dense graph that
 * evaluates every expert of every stage and masks out the unselected ones (docs/design.md §5,
 * {@code docs/architecture.md} "Stage semantics").
 *
 * <p>Inputs: {@code x [N, input.dim]} (the manifest's reference input name, {@code x} by default)
 * and, when a stage's gate reads the task, {@code task [N, |input.tasks|]}, the one-hot of the
 * record's task. Output: {@code y [N, output_dim]}.
 *
 * <p>Per stage: stage input ({@code x}, the previous output, or {@code Concat(x, y_prev)}), encoder,
 * gate logits reshaped to {@code [N, G, E]}, {@code TopK} selection and masked {@code Softmax}
 * weights ({@link TopKRouting}), all experts stacked to {@code [N, E, P]}, the combine
 * ({@link DenseCombine}), plus the shared expert. A stage with {@code routing: inherit} reuses the
 * previous stage's weights tensor.
 *
 * <pre>{@code
 * OnnxGraph reference = DenseReference.build(manifest, stageModels);
 * reference.save(versionDir.resolve("reference.onnx"));
 * }</pre>
 */
public final class DenseReference {
    /** Name of the reference's task one-hot input (fixed; the loader expects it). */
    public static final String TASK_INPUT = "task";

    private DenseReference() {}

    /**
     * The dense graph of the bundle described by {@code manifest} whose models are {@code models}
     * (one entry per stage, in order).
     *
     * @throws IllegalArgumentException when the models do not fit the manifest
     */
    public static OnnxGraph build(BundleManifest manifest, List<StageModels> models) {
        return build(manifest, models, new OnnxGraph(manifest.name() + "-reference"));
    }

    /**
     * As {@link #build(BundleManifest, List)}, into {@code g}: an empty graph whose opsets are those
     * the model fragments need (for fragments that embed models exported at another opset; the
     * routing and combine nodes need opset 13 or later).
     */
    public static OnnxGraph build(BundleManifest manifest, List<StageModels> models, OnnxGraph g) {
        BundleModels bundle = BundleModels.of(manifest, models);
        ModelRef ref = manifest.reference() == null ? ModelRef.of("reference.onnx") : manifest.reference();
        String x = g.input(ref.inputName(), bundle.inputDim());
        String task = bundle.routesOnTask() ? g.input(TASK_INPUT, bundle.taskCount()) : null;
        String y = null;
        String weights = null;
        for (int s = 0; s < bundle.stageCount(); s++) {
            StageSpec st = bundle.spec(s);
            StageModels sm = bundle.models(s);
            String in = switch (st.inputMode()) {
                case FEATURES -> x;
                case PREVIOUS -> y;
                case CONCAT -> g.op("Concat", Attrs.of().i("axis", 1), x, y);
            };
            String u = sm.encoder() == null ? in : sm.encoder().apply(g, in);
            if (st.routingMode() == RoutingMode.GATE) {
                String gateIn = st.gateInputMode() == GateInput.TASK ? task : u;
                weights = TopKRouting.weights(g, sm.gate().apply(g, gateIn), st.groups(), st.expertCount(), st.topK());
            }
            y = DenseCombine.apply(g, st, weights, stackExperts(g, sm.experts(), u));
            if (sm.shared() != null) {
                y = g.op("Add", y, sm.shared().apply(g, u));
            }
        }
        g.output(y, ref.outputName(ModelRef.DEFAULT_OUTPUT), manifest.outputDim());
        return g;
    }

    /** Every expert on {@code u}, stacked to {@code [N, E, P]} in index order. */
    private static String stackExperts(OnnxGraph g, List<ModelFragment> experts, String u) {
        String[] outs = new String[experts.size()];
        for (int e = 0; e < outs.length; e++) {
            outs[e] = GraphOps.unsqueeze(g, experts.get(e).apply(g, u), 1);
        }
        return g.op("Concat", Attrs.of().i("axis", 1), outs);
    }
}
