package io.polyroute.job.operators;

import io.polyroute.runtime.bundle.BundleLoader;
import io.polyroute.runtime.bundle.ModelBundle;
import io.polyroute.runtime.eval.MoeEvaluator;
import io.polyroute.runtime.eval.StageRuntime;
import io.polyroute.runtime.onnx.RuntimeOptions;
import java.io.Serializable;
import java.nio.file.Path;

/**
 * How an operator finds its models: the bundle folder (which must be readable on every
 * TaskManager) and the runtime options. Loading re-validates the bundle on the worker.
 */
public record StageOpener(String bundlePath, RuntimeOptions options) implements Serializable {

    public ModelBundle bundle() {
        return BundleLoader.load(Path.of(bundlePath));
    }

    public StageRuntime stage(int index, int slot, int deviceCount) {
        return new StageRuntime(bundle(), index, options.forSlot(slot, deviceCount));
    }

    public MoeEvaluator evaluator(int slot, int deviceCount) {
        return MoeEvaluator.open(bundle(), options.forSlot(slot, deviceCount));
    }
}
