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

import io.polyroute.kit.onnx.ImportedModel;
import io.polyroute.kit.onnx.ModelFragment;
import io.polyroute.kit.onnx.OnnxGraph;
import io.polyroute.kit.onnx.StageModels;
import io.polyroute.runtime.bundle.BundleValidationException;
import io.polyroute.runtime.bundle.ExpertSpec;
import io.polyroute.runtime.bundle.ModelBundle;
import io.polyroute.runtime.bundle.ModelRef;
import io.polyroute.runtime.bundle.StageSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the dense {@code reference.onnx} of a bundle from the bundle's own model files, whoever
 * wrote them: every encoder, gate, expert and shared expert graph is embedded under a prefix of its
 * own ({@link ImportedModel}), and the routing and combine nodes are those of {@link
 * DenseReference} (top-k masks, softmax over the selected logits, the combine). The engine's
 * predictions can then be checked against the user's own graphs with {@code score
 * --check-reference}.
 *
 * <p>All models must import the same version of each operator set they share; the default ONNX
 * domain needs version {@value #MIN_OPSET} or later (the routing nodes use its int64-input forms).
 * The composed graph imports those versions. Refusals are {@link BundleValidationException}s that
 * name the file and how to export it instead.
 *
 * <pre>{@code
 * ModelBundle bundle = BundleLoader.load(dir);       // I/O of every model checked
 * ReferenceComposer.compose(bundle).save(bundle.resolve("reference.onnx"));
 * }</pre>
 */
public final class ReferenceComposer {
    /** The lowest opset of the default domain the composed graph can be written at. */
    public static final int MIN_OPSET = 13;

    private ReferenceComposer() {}

    /**
     * The dense reference graph of {@code bundle}, composed from its model files. The bundle's
     * manifest decides the reference's input and output names (default {@code x} and {@code y}).
     *
     * @throws BundleValidationException naming the model file that cannot be composed
     */
    public static OnnxGraph compose(ModelBundle bundle) {
        List<StageModels> stages = new ArrayList<>();
        List<ImportedModel> all = new ArrayList<>();
        for (StageSpec st : bundle.stages()) {
            ModelFragment encoder =
                    st.encoder() == null ? null : read(bundle, st.encoder().model(), all, false);
            ModelFragment gate = st.gate() == null ? null : read(bundle, st.gate(), all, true);
            List<ModelFragment> experts = new ArrayList<>();
            for (ExpertSpec e : st.experts()) {
                experts.add(read(bundle, e.model(), all, false));
            }
            ModelFragment shared = st.sharedExpert() == null ? null : read(bundle, st.sharedExpert(), all, false);
            stages.add(new StageModels(encoder, gate, experts, shared));
        }
        Map<String, Long> opsets = opsets(all);
        long ir = Math.max(
                OnnxGraph.IR_VERSION,
                all.stream().mapToLong(ImportedModel::irVersion).max().orElse(0));
        OnnxGraph g = new OnnxGraph(bundle.name() + "-reference", opsets, ir);
        return DenseReference.build(bundle.manifest(), stages, g);
    }

    private static ImportedModel read(ModelBundle bundle, ModelRef ref, List<ImportedModel> all, boolean gate) {
        Path file = bundle.resolve(ref.file());
        ImportedModel m = ImportedModel.read(
                file, ref.inputName(), ref.outputName(gate ? ModelRef.GATE_OUTPUT : ModelRef.DEFAULT_OUTPUT));
        all.add(m);
        return m;
    }

    /** One version per operator set domain across all models, or a refusal naming two files that differ. */
    private static Map<String, Long> opsets(List<ImportedModel> models) {
        Map<String, Long> versions = new LinkedHashMap<>();
        Map<String, Path> firstFile = new LinkedHashMap<>();
        for (ImportedModel m : models) {
            for (Map.Entry<String, Long> e : m.opsets().entrySet()) {
                Long seen = versions.putIfAbsent(e.getKey(), e.getValue());
                firstFile.putIfAbsent(e.getKey(), m.file());
                if (seen != null && !seen.equals(e.getValue())) {
                    throw new BundleValidationException(
                            m.file(),
                            "imports " + domainName(e.getKey()) + " opset " + e.getValue() + ", but "
                                    + firstFile.get(e.getKey()) + " imports opset " + seen
                                    + "; one reference graph has one opset per domain, so export every model "
                                    + "with the same opset (torch.onnx.export(..., opset_version="
                                    + Math.max(seen, e.getValue()) + "))");
                }
            }
        }
        Long main = versions.get("");
        if (main != null && main < MIN_OPSET) {
            throw new BundleValidationException(
                    firstFile.get(""),
                    "imports ai.onnx opset " + main + "; composing reference.onnx needs opset " + MIN_OPSET
                            + " or later, so export with torch.onnx.export(..., opset_version=17)");
        }
        return versions;
    }

    private static String domainName(String domain) {
        return domain.isEmpty() ? "ai.onnx" : domain;
    }
}
