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
package io.polyroute.runtime.eval;

import io.polyroute.runtime.bundle.GateInput;
import io.polyroute.runtime.bundle.ModelBundle;
import io.polyroute.runtime.bundle.ModelRef;
import io.polyroute.runtime.bundle.RoutingMode;
import io.polyroute.runtime.bundle.StageInput;
import io.polyroute.runtime.bundle.StageSpec;
import io.polyroute.runtime.onnx.ModelSession;
import io.polyroute.runtime.onnx.RuntimeOptions;
import io.polyroute.runtime.routing.BalancedGating;
import io.polyroute.runtime.routing.RoutingDecision;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The routing half of one stage: builds the stage input, runs the stage encoder, the gate and the
 * shared expert. Opens exactly those sessions (the ones the stage has) and no expert: what a GATE
 * operator runs. Thread-safe.
 *
 * <pre>{@code
 * try (GateRuntime gate = GateRuntime.open(bundle, 0, RuntimeOptions.cpu())) {
 *     float[] u = gate.encode(gate.stageInput(features, null, n), n);
 *     RoutingDecision[] routing = gate.route(u, n, null, null, null);
 * }
 * }</pre>
 */
public final class GateRuntime implements AutoCloseable {
    private final ModelBundle bundle;
    private final int index;
    private final StageSpec spec;
    private final ModelSession encoder;
    private final ModelSession gate;
    private final ModelSession shared;

    private GateRuntime(ModelBundle bundle, int index, ModelSession encoder, ModelSession gate, ModelSession shared) {
        this.bundle = bundle;
        this.index = index;
        this.spec = bundle.stage(index);
        this.encoder = encoder;
        this.gate = gate;
        this.shared = shared;
    }

    /** Opens stage {@code index}'s encoder, gate and shared expert, whichever the stage has. */
    public static GateRuntime open(ModelBundle bundle, int index, RuntimeOptions options) {
        StageSpec spec = bundle.stage(index);
        List<ModelSession> opened = new ArrayList<>();
        try {
            ModelSession encoder = spec.encoder() == null
                    ? null
                    : open(bundle, spec, spec.encoder().model(), "encoder", options, opened);
            ModelSession gate = spec.routingMode() == RoutingMode.GATE
                    ? open(bundle, spec, spec.gate(), "gate", options, opened)
                    : null;
            ModelSession shared = spec.sharedExpert() == null
                    ? null
                    : open(bundle, spec, spec.sharedExpert(), "shared expert", options, opened);
            return new GateRuntime(bundle, index, encoder, gate, shared);
        } catch (RuntimeException e) {
            opened.forEach(ModelSession::close);
            throw e;
        }
    }

    private static ModelSession open(
            ModelBundle bundle,
            StageSpec spec,
            ModelRef ref,
            String role,
            RuntimeOptions options,
            List<ModelSession> opened) {
        ModelSession s = ModelSession.open(
                bundle.resolve(ref.file()), Sessions.label(bundle.name(), spec.name(), role, ref.file()), options);
        opened.add(s);
        return s;
    }

    public StageSpec spec() {
        return spec;
    }

    public int index() {
        return index;
    }

    public int expertCount() {
        return spec.expertCount();
    }

    /** Width of the stage input before the encoder. */
    public int inputDim() {
        return bundle.stageInputDim(index);
    }

    /** Width the gate, experts and shared expert read. */
    public int width() {
        return bundle.stageWidth(index);
    }

    public int outputDim() {
        return spec.outputDim();
    }

    /** Sessions this runtime holds open (encoder, gate, shared expert). */
    public int sessionCount() {
        return (encoder == null ? 0 : 1) + (gate == null ? 0 : 1) + (shared == null ? 0 : 1);
    }

    /** The stage input for {@code n} records: features, the previous output, or both concatenated. */
    public float[] stageInput(float[] features, float[] previous, int n) {
        if (index == 0 || spec.inputMode() == StageInput.FEATURES) {
            return features;
        }
        if (spec.inputMode() == StageInput.PREVIOUS) {
            return previous;
        }
        int d = bundle.inputDim();
        int p = bundle.stageInputDim(index) - d;
        float[] out = new float[n * (d + p)];
        for (int r = 0; r < n; r++) {
            System.arraycopy(features, r * d, out, r * (d + p), d);
            System.arraycopy(previous, r * p, out, r * (d + p) + d, p);
        }
        return out;
    }

    /** Applies the stage encoder, if any. */
    public float[] encode(float[] stageInput, int n) {
        if (encoder == null) {
            return stageInput;
        }
        ModelRef r = spec.encoder().model();
        return encoder.run(r.inputName(), stageInput, n, r.outputName(ModelRef.DEFAULT_OUTPUT));
    }

    /**
     * Routes {@code n} records: runs the gate on the encoded input (or the task one-hot), or
     * inherits {@code previous} decisions.
     *
     * @param encoded the encoded stage input, {@code n × width()}
     * @param taskIndex index of each record's task in the bundle's vocabulary (may be null when
     *     no stage routes on the task)
     * @param previous the previous stage's decisions (for {@code routing: inherit})
     * @param bias balancing bias of length E, or null
     */
    public RoutingDecision[] route(float[] encoded, int n, int[] taskIndex, RoutingDecision[] previous, float[] bias) {
        return route(encoded, n, taskIndex, previous, bias, 0);
    }

    /**
     * As {@link #route(float[], int, int[], RoutingDecision[], float[])}, with a capacity per
     * expert for this batch ({@link BalancedGating}); {@code capacityFactor} 0 means no capacity.
     */
    public RoutingDecision[] route(
            float[] encoded, int n, int[] taskIndex, RoutingDecision[] previous, float[] bias, double capacityFactor) {
        if (spec.routingMode() == RoutingMode.INHERIT) {
            return previous.clone();
        }
        return BalancedGating.routeBatch(
                logits(encoded, n, taskIndex), n, spec.groups(), expertCount(), spec.topK(), bias, capacityFactor);
    }

    /** Whether this stage runs a gate of its own (balancing applies only to such stages). */
    public boolean hasGate() {
        return gate != null;
    }

    /** The gate's logits, {@code n × (G·E)} row-major. */
    public float[] logits(float[] encoded, int n, int[] taskIndex) {
        if (gate == null) {
            throw new IllegalStateException("Stage " + spec.name() + " inherits its routing and has no gate.");
        }
        float[] in = encoded;
        if (spec.gateInputMode() == GateInput.TASK) {
            int t = bundle.tasks().size();
            in = new float[n * t];
            for (int r = 0; r < n; r++) {
                in[r * t + taskIndex[r]] = 1f;
            }
        }
        return gate.run(spec.gate().inputName(), in, n, spec.gate().outputName(ModelRef.GATE_OUTPUT));
    }

    /** Runs the shared expert on the encoded input, or returns null when the stage has none. */
    public float[] runShared(float[] encoded, int n) {
        if (shared == null) {
            return null;
        }
        return shared.run(
                spec.sharedExpert().inputName(), encoded, n, spec.sharedExpert().outputName(ModelRef.DEFAULT_OUTPUT));
    }

    public boolean hasSharedExpert() {
        return shared != null;
    }

    @Override
    public void close() {
        Sessions.closeAll(Arrays.asList(encoder, gate, shared));
    }
}
