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
package io.polyroute.job.operators;

import io.polyroute.job.bundle.BundleCache;
import io.polyroute.runtime.bundle.BundleLoader;
import io.polyroute.runtime.bundle.ModelBundle;
import io.polyroute.runtime.eval.ExpertRuntime;
import io.polyroute.runtime.eval.GateRuntime;
import io.polyroute.runtime.eval.MoeEvaluator;
import io.polyroute.runtime.onnx.RuntimeOptions;
import java.io.Serializable;

/**
 * How an operator finds its models: the bundle folder (which must be readable on every
 * TaskManager) or a file-system URI that each TaskManager copies into its local cache ({@link
 * BundleCache}), and the runtime options. Loading re-validates on the worker every model the job
 * serves (checksums, signatures); the dense reference, which no operator runs, is left to the client.
 */
public record StageOpener(String bundlePath, RuntimeOptions options) implements Serializable {

    public ModelBundle bundle() {
        return BundleCache.loadForServing(bundlePath, options);
    }

    /** The bundle's manifest, for operators that run no model (see {@link BundleLoader#loadManifest}). */
    public ModelBundle manifest() {
        return BundleCache.loadManifest(bundlePath);
    }

    /** Stage {@code index}'s encoder, gate and shared expert, as a GATE subtask runs them. */
    public GateRuntime gate(int index) {
        return GateRuntime.open(bundle(), index, options);
    }

    /** Stage {@code index}'s experts as expert slot {@code slot} runs them: on its own CUDA device, none loaded yet. */
    public ExpertRuntime experts(int index, int slot, int deviceCount) {
        return ExpertRuntime.open(bundle(), index, options.forSlot(slot, deviceCount));
    }

    public MoeEvaluator evaluator(int slot, int deviceCount) {
        return evaluator(bundle(), slot, deviceCount);
    }

    /** An evaluator over {@code loaded}, a bundle this opener already loaded. */
    public MoeEvaluator evaluator(ModelBundle loaded, int slot, int deviceCount) {
        return MoeEvaluator.open(loaded, options.forSlot(slot, deviceCount));
    }
}
