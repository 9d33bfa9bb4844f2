package io.polyroute.runtime.eval;

import io.polyroute.runtime.bundle.ExpertSpec;
import io.polyroute.runtime.bundle.GateInput;
import io.polyroute.runtime.bundle.ModelBundle;
import io.polyroute.runtime.bundle.ModelRef;
import io.polyroute.runtime.bundle.RoutingMode;
import io.polyroute.runtime.bundle.StageInput;
import io.polyroute.runtime.bundle.StageSpec;
import io.polyroute.runtime.onnx.ModelSession;
import io.polyroute.runtime.onnx.RuntimeOptions;
import io.polyroute.runtime.routing.BalancedGating;
import io.polyroute.runtime.routing.Combiner;
import io.polyroute.runtime.routing.RoutingDecision;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything one stage of a bundle computes, as separate steps so that both execution modes use
 * the same code: the fused evaluator calls them in sequence, the Flink operators call them in
 * different operators. Expert sessions load on first use ({@link #loadExpert} warms them up).
 *
 * <p>Runs are thread-safe. Loading and releasing experts is not synchronised with runs of the
 * same expert: the caller must not release an expert another thread is running.
 */
public final class StageRuntime implements AutoCloseable {
    private final ModelBundle bundle;
    private final int index;
    private final StageSpec spec;
    private final RuntimeOptions options;
    private final Combiner combiner;
    private final ModelSession encoder;
    private final ModelSession gate;
    private final ModelSession shared;
    private final ModelSession[] experts;

    public StageRuntime(ModelBundle bundle, int index, RuntimeOptions options) {
        this.bundle = bundle;
        this.index = index;
        this.spec = bundle.stage(index);
        this.options = options;
        this.combiner = Combiner.forStage(spec);
        this.experts = new ModelSession[spec.expertCount()];
        List<ModelSession> opened = new ArrayList<>();
        try {
            this.encoder = spec.encoder() == null ? null : open(spec.encoder().model(), "encoder", opened);
            this.gate = spec.routingMode() == RoutingMode.GATE ? open(spec.gate(), "gate", opened) : null;
            this.shared = spec.sharedExpert() == null ? null : open(spec.sharedExpert(), "shared expert", opened);
        } catch (RuntimeException e) {
            opened.forEach(ModelSession::close);
            throw e;
        }
    }

    private ModelSession open(ModelRef ref, String role, List<ModelSession> opened) {
        ModelSession s = ModelSession.open(
                bundle.resolve(ref.file()),
                bundle.name() + "/" + spec.name() + "/" + role + " (" + ref.file() + ")",
                options);
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
        return experts.length;
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

    public int expertOutputDim() {
        return spec.expertOutputDim();
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
                logits(encoded, n, taskIndex), n, spec.groups(), experts.length, spec.topK(), bias, capacityFactor);
    }

    /** Whether this stage runs a gate of its own (balancing applies only to such stages). */
    public boolean hasGate() {
        return spec.routingMode() == RoutingMode.GATE;
    }

    /** The gate's logits, {@code n × (G·E)} row-major. */
    public float[] logits(float[] encoded, int n, int[] taskIndex) {
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

    /** Runs expert {@code e} on {@code n} rows of the encoded input; loads its session if needed. */
    public float[] runExpert(int e, float[] rows, int n) {
        ExpertSpec x = spec.experts().get(e);
        return loadExpert(e).run(x.model().inputName(), rows, n, x.model().outputName(ModelRef.DEFAULT_OUTPUT));
    }

    /**
     * Runs expert {@code e} on rows {@code rowIndex[0..n)} of the encoded input, gathered straight
     * into the session's input buffer; loads its session if needed.
     */
    public float[] runExpert(int e, float[] encoded, int[] rowIndex, int n) {
        ExpertSpec x = spec.experts().get(e);
        return loadExpert(e)
                .runRows(
                        x.model().inputName(),
                        encoded,
                        width(),
                        rowIndex,
                        n,
                        x.model().outputName(ModelRef.DEFAULT_OUTPUT));
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

    /**
     * Writes record {@code r}'s stage output: the combine of its experts' outputs plus the shared
     * expert's row {@code r} of {@code sharedOut} (when not null).
     */
    public void combine(RoutingDecision d, float[][] outputsByExpert, float[] sharedOut, int r, float[] dst, int off) {
        combine(d, outputsByExpert, null, sharedOut, r, dst, off);
    }

    /**
     * As {@link #combine(RoutingDecision, float[][], float[], int, float[], int)}, with expert
     * {@code e}'s output for this record at {@code outputs[e][offsets[e] ..]} (see
     * {@link Combiner#combine(RoutingDecision, float[][], int[], float[], int)}).
     */
    public void combine(
            RoutingDecision d, float[][] outputs, int[] offsets, float[] sharedOut, int r, float[] dst, int off) {
        combiner.combine(d, outputs, offsets, dst, off);
        if (sharedOut != null) {
            int w = spec.outputDim();
            for (int i = 0; i < w; i++) {
                dst[off + i] += sharedOut[r * w + i];
            }
        }
    }

    /** The session of expert {@code e}, opened now if it is not resident. */
    public ModelSession loadExpert(int e) {
        ModelSession s = experts[e];
        if (s == null) {
            synchronized (experts) {
                s = experts[e];
                if (s == null) {
                    ExpertSpec x = spec.experts().get(e);
                    s = ModelSession.open(
                            bundle.resolve(x.file()),
                            bundle.name() + "/" + spec.name() + "/expert " + x.id() + " (" + x.file() + ")",
                            options);
                    experts[e] = s;
                }
            }
        }
        return s;
    }

    public boolean isExpertLoaded(int e) {
        return experts[e] != null;
    }

    /** Closes expert {@code e}'s session; it reloads on next use. */
    public void releaseExpert(int e) {
        ModelSession s;
        synchronized (experts) {
            s = experts[e];
            experts[e] = null;
        }
        if (s != null) {
            s.close();
        }
    }

    public int loadedExpertCount() {
        int c = 0;
        for (ModelSession s : experts) {
            c += s == null ? 0 : 1;
        }
        return c;
    }

    @Override
    public void close() {
        RuntimeException first = null;
        List<ModelSession> all = new ArrayList<>();
        all.add(encoder);
        all.add(gate);
        all.add(shared);
        synchronized (experts) {
            for (int e = 0; e < experts.length; e++) {
                all.add(experts[e]);
                experts[e] = null;
            }
        }
        for (ModelSession s : all) {
            if (s == null) {
                continue;
            }
            try {
                s.close();
            } catch (RuntimeException ex) {
                if (first == null) {
                    first = ex;
                } else {
                    first.addSuppressed(ex);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
