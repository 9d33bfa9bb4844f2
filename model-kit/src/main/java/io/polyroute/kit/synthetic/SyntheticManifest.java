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
package io.polyroute.kit.synthetic;

import io.polyroute.kit.KitBundles;
import io.polyroute.runtime.bundle.BundleManifest;
import io.polyroute.runtime.bundle.EncoderSpec;
import io.polyroute.runtime.bundle.ExpertSpec;
import io.polyroute.runtime.bundle.GateInput;
import io.polyroute.runtime.bundle.InputSpec;
import io.polyroute.runtime.bundle.ModelRef;
import io.polyroute.runtime.bundle.RoutingMode;
import io.polyroute.runtime.bundle.StageSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * The manifest of a synthetic bundle (docs/design.md §4 layout): stage 0's models at the top of the version
 * folder ({@code gate.onnx}, {@code encoder.onnx}, {@code shared.onnx}, {@code experts/e00.onnx}…),
 * stage {@code s > 0}'s under {@code s<s>/}; {@code reference.onnx} at the top.
 */
final class SyntheticManifest {
    private SyntheticManifest() {}

    static BundleManifest of(SyntheticSpec spec) {
        List<StageSpec> stages = new ArrayList<>(spec.stages());
        for (int s = 0; s < spec.stages(); s++) {
            stages.add(stage(spec, s));
        }
        InputSpec input = new InputSpec(spec.inputDim(), spec.gateOnTask() ? spec.tasks() : null, null);
        ModelRef reference = spec.reference() ? ModelRef.of(KitBundles.DEFAULT_REFERENCE_FILE) : null;
        return new BundleManifest(
                BundleManifest.FORMAT,
                spec.name(),
                spec.version(),
                description(spec),
                input,
                spec.outputDim(),
                stages,
                reference,
                null,
                null);
    }

    private static StageSpec stage(SyntheticSpec spec, int s) {
        String dir = s == 0 ? "" : "s" + s + "/";
        EncoderSpec encoder =
                spec.encoderDim() > 0 ? new EncoderSpec(dir + "encoder.onnx", null, null, spec.encoderDim()) : null;
        boolean ownGate = spec.ownGate(s);
        List<ExpertSpec> experts = new ArrayList<>(spec.experts());
        for (int e = 0; e < spec.experts(); e++) {
            String id = expertId(e, spec.experts());
            experts.add(ExpertSpec.of(id, dir + "experts/" + id + ".onnx"));
        }
        boolean tensor = spec.combine().isTensor();
        return new StageSpec(
                "s" + s,
                s == 0 ? null : spec.laterInput().key(),
                encoder,
                ownGate ? null : RoutingMode.INHERIT.key(),
                ownGate && spec.gateOnTask() ? GateInput.TASK.key() : null,
                ownGate ? ModelRef.of(dir + "gate.onnx") : null,
                spec.topK(),
                spec.combine().key(),
                tensor ? spec.order() : null,
                tensor ? spec.leafDim() : null,
                spec.expertOutputDim(),
                spec.outputDim(),
                experts,
                spec.sharedExpert() ? ModelRef.of(dir + "shared.onnx") : null);
    }

    /** {@code e00}, {@code e01}, …: zero-padded so that file listings sort in index order. */
    static String expertId(int e, int count) {
        int digits = Math.max(2, Integer.toString(count - 1).length());
        return "e" + String.format("%0" + digits + "d", e);
    }

    private static String description(SyntheticSpec spec) {
        if (spec.description() != null) {
            return spec.description();
        }
        // Short and free of ': ' so that the YAML line stays plain and unsplit.
        return "synthetic, " + spec.stages() + (spec.stages() == 1 ? " stage" : " stages") + " x " + spec.experts()
                + " experts, top-" + spec.topK() + ", " + spec.combine().key() + ", seed " + spec.seed();
    }
}
