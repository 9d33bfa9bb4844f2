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
package io.polyroute.kit;

import io.polyroute.kit.onnx.StageModels;
import io.polyroute.runtime.bundle.BundleManifest;
import io.polyroute.runtime.bundle.CombineMode;
import io.polyroute.runtime.bundle.GateInput;
import io.polyroute.runtime.bundle.RoutingMode;
import io.polyroute.runtime.bundle.StageInput;
import io.polyroute.runtime.bundle.StageSpec;
import java.util.List;
import java.util.Objects;

/**
 * A manifest together with the model fragments of each of its stages, checked against each other
 * before anything is written: one {@link StageModels} per stage, one expert fragment per expert, a
 * gate exactly when the stage routes with its own gate, an encoder and a shared expert exactly when
 * the manifest declares them. Also derives the widths every model of a stage reads.
 *
 * <p>The manifest's full validation (file paths, checksums, ONNX signatures) happens when the
 * written bundle is loaded; this class only refuses what would make writing the models impossible.
 */
public final class BundleModels {
    private final BundleManifest manifest;
    private final List<StageModels> models;
    private final int[] inputDims;
    private final int[] widths;

    private BundleModels(BundleManifest manifest, List<StageModels> models) {
        this.manifest = manifest;
        this.models = List.copyOf(models);
        int n = manifest.stages().size();
        this.inputDims = new int[n];
        this.widths = new int[n];
        for (int s = 0; s < n; s++) {
            StageSpec st = manifest.stages().get(s);
            if (s == 0) {
                inputDims[s] = manifest.input().dim();
            } else {
                int prev = manifest.stages().get(s - 1).outputDim();
                inputDims[s] =
                        st.inputMode() == StageInput.CONCAT ? manifest.input().dim() + prev : prev;
            }
            widths[s] = st.encoder() == null ? inputDims[s] : st.encoder().outputDim();
        }
    }

    /**
     * Checks that {@code models} fits {@code manifest} and returns both together.
     *
     * @throws IllegalArgumentException naming the stage and the mismatch
     */
    public static BundleModels of(BundleManifest manifest, List<StageModels> models) {
        Objects.requireNonNull(manifest, "manifest");
        Objects.requireNonNull(models, "models");
        require(manifest.input() != null && manifest.input().dim() != null, "The manifest declares no input.dim.");
        require(manifest.outputDim() != null, "The manifest declares no output_dim.");
        require(manifest.stages() != null && !manifest.stages().isEmpty(), "The manifest declares no stages.");
        require(
                models.size() == manifest.stages().size(),
                "The manifest declares " + manifest.stages().size() + " stages, but models for " + models.size()
                        + " stages were given.");
        for (int s = 0; s < models.size(); s++) {
            checkStage(s, manifest.stages().get(s), models.get(s));
        }
        return new BundleModels(manifest, models);
    }

    private static void checkStage(int s, StageSpec st, StageModels sm) {
        String where = "Stage " + s + " ('" + st.name() + "')";
        require(sm != null, where + " has no models.");
        require(
                st.outputDim() != null && st.expertOutputDim() != null && st.topK() != null && st.combine() != null,
                where + " must declare output_dim, expert_output_dim, top_k and combine.");
        require(
                CombineMode.parse(st.combine()).isPresent(),
                where + " has unknown combine '" + st.combine() + "'; expected one of " + CombineMode.allKeys() + ".");
        require(
                st.routing() == null || RoutingMode.parse(st.routing()).isPresent(),
                where + " has unknown routing '" + st.routing() + "'; expected one of " + RoutingMode.allKeys() + ".");
        require(
                st.input() == null || StageInput.parse(st.input()).isPresent(),
                where + " has unknown input '" + st.input() + "'; expected one of " + StageInput.allKeys() + ".");
        require(
                st.gateInput() == null || GateInput.parse(st.gateInput()).isPresent(),
                where + " has unknown gate_input '" + st.gateInput() + "'; expected one of " + GateInput.allKeys()
                        + ".");
        require(
                st.experts() != null
                        && sm.experts() != null
                        && st.experts().size() == sm.experts().size(),
                where + " declares " + st.expertCount() + " experts, but "
                        + (sm.experts() == null ? 0 : sm.experts().size()) + " expert models were given.");
        require(sm.experts().stream().allMatch(Objects::nonNull), where + " has a null expert model.");
        require(
                (st.encoder() != null) == (sm.encoder() != null),
                where
                        + (st.encoder() != null
                                ? " declares an encoder, but no encoder model was given."
                                : " declares no encoder, but an encoder model was given."));
        require(
                (st.sharedExpert() != null) == (sm.shared() != null),
                where
                        + (st.sharedExpert() != null
                                ? " declares a shared expert, but no shared expert model was given."
                                : " declares no shared expert, but a shared expert model was given."));
        if (st.encoder() != null) {
            require(st.encoder().outputDim() != null, where + " declares an encoder without output_dim.");
        }
        boolean ownGate = st.routingMode() == RoutingMode.GATE;
        require(
                ownGate == (sm.gate() != null),
                where
                        + (ownGate
                                ? " routes with its own gate, but no gate model was given."
                                : " inherits its routing, so it takes no gate model, but one was given."));
        if (st.combineMode().isTensor()) {
            require(
                    st.order() != null && st.leafDim() != null,
                    where + " uses " + st.combine() + " and must declare order and leaf_dim.");
        }
        if (s == 0) {
            require(ownGate, where + " is the first stage and cannot inherit routing.");
        }
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    public BundleManifest manifest() {
        return manifest;
    }

    public int stageCount() {
        return models.size();
    }

    public StageSpec spec(int s) {
        return manifest.stages().get(s);
    }

    public StageModels models(int s) {
        return models.get(s);
    }

    /** Width of the bundle's record features. */
    public int inputDim() {
        return manifest.input().dim();
    }

    /** Size of the task vocabulary (the width of the task one-hot). */
    public int taskCount() {
        return manifest.input().taskList().size();
    }

    /** Width of stage {@code s}'s input before its encoder. */
    public int stageInputDim(int s) {
        return inputDims[s];
    }

    /** Width of what stage {@code s}'s experts, shared expert and feature gate read. */
    public int stageWidth(int s) {
        return widths[s];
    }

    /** Width of what stage {@code s}'s gate reads: the task one-hot or the stage width. */
    public int gateInputDim(int s) {
        return spec(s).gateInputMode() == GateInput.TASK ? taskCount() : stageWidth(s);
    }

    /** Whether any stage's gate reads the record's task. */
    public boolean routesOnTask() {
        return manifest.stages().stream()
                .anyMatch(st -> st.routingMode() == RoutingMode.GATE && st.gateInputMode() == GateInput.TASK);
    }
}
