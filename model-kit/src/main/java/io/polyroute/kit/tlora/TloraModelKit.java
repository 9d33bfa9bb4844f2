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

import io.polyroute.kit.KitBundles;
import io.polyroute.kit.onnx.ModelFragment;
import io.polyroute.kit.onnx.StageModels;
import io.polyroute.runtime.bundle.BundleManifest;
import io.polyroute.runtime.bundle.BundleWriter;
import io.polyroute.runtime.bundle.ExpertSpec;
import io.polyroute.runtime.bundle.InputSpec;
import io.polyroute.runtime.bundle.ModelBundle;
import io.polyroute.runtime.bundle.ModelRef;
import io.polyroute.runtime.bundle.StageSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Builds the {@code tlora} bundle: TensorPoly-I (arXiv 2405.16671) served exactly, as docs/design.md §5
 * describes, by two stages of linear experts.
 *
 * <ul>
 *   <li>stage {@code lora-a} reads {@code x}; its gate (on the features, or on the task one-hot with
 *       {@code gate_input: task}) picks the top-k skills; expert {@code s} returns {@code x · A_s}, so
 *       the weighted sum is {@code h = x · Σ_s w_s A_s};
 *   <li>stage {@code lora-b} reads {@code concat(x, h)} and inherits stage 1's selection and
 *       weights ({@code routing: inherit}); expert {@code t} applies {@code B_t / r} to the
 *       {@code h} part and the shared expert applies the frozen base {@code W0} to the {@code x}
 *       part: {@code y = x · W0 + (x · Σ_s w_s A_s) · (Σ_t w_t B_t) / r}.
 * </ul>
 *
 * <p>{@code reference.onnx} computes the parameter-mixing form directly ({@link TloraReference}).
 * The factors are entangled tensors built as in the paper ({@link TloraFactors}); the bundle is a
 * faithful, randomly initialised adapter, not a trained one.
 *
 * <pre>{@code
 * ModelBundle b = TloraModelKit.build(Path.of("models/tlora"), 8, 2, 4, 64, 64, true, 7L);
 * }</pre>
 */
public final class TloraModelKit {
    /** Name of the bundle, and of its folder in a model repository. */
    public static final String BUNDLE_NAME = "tlora";
    /** Version folder the kit writes. */
    public static final String VERSION = "1";

    static final String REFERENCE_FILE = "reference.onnx";

    private TloraModelKit() {}

    /**
     * Builds the bundle into {@code outDir} (the bundle folder: {@code outDir/bundle.yaml},
     * {@code outDir/1/...}) with top-2 routing and one task per skill; see {@link TloraSpec#of}.
     *
     * @return the written bundle, loaded and validated
     * @throws IllegalArgumentException when a size is out of range
     * @throws IOException when a file cannot be written
     */
    public static ModelBundle build(
            Path outDir, int skills, int order, int rank, int inputDim, int outputDim, boolean routeOnTask, long seed)
            throws IOException {
        return build(outDir, TloraSpec.of(skills, order, rank, inputDim, outputDim, routeOnTask, seed));
    }

    /** Builds the bundle described by {@code spec} into the bundle folder {@code outDir}. */
    public static ModelBundle build(Path outDir, TloraSpec spec) throws IOException {
        TloraFactors f = TloraFactors.draw(spec);
        int d = spec.inputDim();
        int r = spec.rank();
        ModelFragment gate = new LinearFragment(f.gate, 0, f.gateIn, spec.skills(), f.gateIn);
        List<ModelFragment> aExperts = new ArrayList<>();
        List<ModelFragment> bExperts = new ArrayList<>();
        for (int s = 0; s < spec.skills(); s++) {
            aExperts.add(new LinearFragment(f.a[s], 0, d, r, d));
            bExperts.add(new LinearFragment(f.scaledB(s), d, r, spec.outputDim(), d + r));
        }
        ModelFragment base = new LinearFragment(f.w0, 0, d, spec.outputDim(), d + r);
        List<StageModels> models =
                List.of(new StageModels(null, gate, aExperts, null), new StageModels(null, null, bExperts, base));

        BundleManifest manifest = manifest(spec, null);
        KitBundles.write(outDir, manifest, models, false);
        TloraReference.build(BUNDLE_NAME, f, gate).save(outDir.resolve(VERSION).resolve(REFERENCE_FILE));
        return BundleWriter.finish(outDir, manifest(spec, ModelRef.of(REFERENCE_FILE)));
    }

    private static BundleManifest manifest(TloraSpec spec, ModelRef reference) {
        List<ExpertSpec> a = new ArrayList<>();
        List<ExpertSpec> b = new ArrayList<>();
        for (int s = 0; s < spec.skills(); s++) {
            String id = skillId(s);
            a.add(ExpertSpec.of(id, "experts/" + id + "-a.onnx"));
            b.add(ExpertSpec.of(id, "experts/" + id + "-b.onnx"));
        }
        StageSpec stageA = new StageSpec(
                "lora-a",
                "features",
                null,
                "gate",
                spec.routeOnTask() ? "task" : "features",
                ModelRef.of("gate.onnx"),
                spec.topK(),
                "weighted_sum",
                null,
                null,
                spec.rank(),
                spec.rank(),
                a,
                null);
        StageSpec stageB = new StageSpec(
                "lora-b",
                "concat",
                null,
                "inherit",
                null,
                null,
                spec.topK(),
                "weighted_sum",
                null,
                null,
                spec.outputDim(),
                spec.outputDim(),
                b,
                ModelRef.of("experts/base.onnx"));
        List<String> tasks = spec.routeOnTask() ? taskNames(spec.tasks()) : null;
        return new BundleManifest(
                BundleManifest.FORMAT,
                BUNDLE_NAME,
                VERSION,
                description(spec),
                new InputSpec(spec.inputDim(), tasks, null),
                spec.outputDim(),
                List.of(stageA, stageB),
                reference,
                Map.of(),
                null);
    }

    /** The task vocabulary {@code task-00 …} of a bundle that routes on the task. */
    public static List<String> taskNames(int count) {
        List<String> names = new ArrayList<>();
        for (int t = 0; t < count; t++) {
            names.add(String.format("task-%02d", t));
        }
        return names;
    }

    static String skillId(int s) {
        return String.format("skill-%02d", s);
    }

    private static String description(TloraSpec spec) {
        return "TensorPoly-I (TLoRA) adapter: " + spec.skills() + " skills of order " + spec.order() + ", rank "
                + spec.rank() + ", on a frozen " + spec.inputDim() + "x" + spec.outputDim() + " base layer; routed on "
                + (spec.routeOnTask() ? "the record's task" : "the features") + ", top-" + spec.topK()
                + ". Served as two linear stages; reference.onnx mixes the factors first.";
    }
}
