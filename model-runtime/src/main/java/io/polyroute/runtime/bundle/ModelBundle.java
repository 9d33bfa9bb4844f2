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
package io.polyroute.runtime.bundle;

import java.nio.file.Path;
import java.util.List;

/**
 * A bundle that passed validation: the manifest, where its files are, and the derived widths of
 * every stage. Obtain one from {@link BundleLoader#load(Path)}.
 */
public final class ModelBundle {
    private final Path root;
    private final Path versionDir;
    private final BundleManifest manifest;
    private final int[] stageInputDims;
    private final int[] stageWidths;

    ModelBundle(Path root, Path versionDir, BundleManifest manifest, int[] stageInputDims, int[] stageWidths) {
        this.root = root;
        this.versionDir = versionDir;
        this.manifest = manifest;
        this.stageInputDims = stageInputDims.clone();
        this.stageWidths = stageWidths.clone();
    }

    /** The bundle folder (holding {@code bundle.yaml}). */
    public Path root() {
        return root;
    }

    /** The version folder the manifest names. */
    public Path versionDir() {
        return versionDir;
    }

    public BundleManifest manifest() {
        return manifest;
    }

    public String name() {
        return manifest.name();
    }

    public String version() {
        return manifest.version();
    }

    public int inputDim() {
        return manifest.input().dim();
    }

    public int outputDim() {
        return manifest.outputDim();
    }

    public List<String> tasks() {
        return manifest.input().taskList();
    }

    public List<StageSpec> stages() {
        return manifest.stages();
    }

    public StageSpec stage(int s) {
        return manifest.stages().get(s);
    }

    public int stageCount() {
        return manifest.stages().size();
    }

    /** Width of stage {@code s}'s input before its encoder. */
    public int stageInputDim(int s) {
        return stageInputDims[s];
    }

    /** Width of what stage {@code s}'s gate (with {@code gate_input: features}), experts and shared expert read. */
    public int stageWidth(int s) {
        return stageWidths[s];
    }

    /** A file of the bundle version, from its manifest-relative path. */
    public Path resolve(String relativePath) {
        return versionDir.resolve(relativePath);
    }

    public boolean hasReference() {
        return manifest.reference() != null;
    }

    /** Whether any stage routes on the record's task (then records must carry a known task). */
    public boolean routesOnTask() {
        return manifest.stages().stream()
                .anyMatch(s -> s.routingMode() == RoutingMode.GATE && s.gateInputMode() == GateInput.TASK);
    }

    /** Index of {@code task} in the task vocabulary, or -1. */
    public int taskIndex(String task) {
        return task == null ? -1 : tasks().indexOf(task);
    }

    @Override
    public String toString() {
        return name() + "@" + version() + " (" + root + ")";
    }
}
