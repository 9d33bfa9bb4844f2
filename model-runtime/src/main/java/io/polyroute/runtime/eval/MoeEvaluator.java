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

import io.polyroute.runtime.bundle.ModelBundle;
import io.polyroute.runtime.onnx.RuntimeOptions;
import io.polyroute.runtime.routing.RoutingDecision;
import java.util.ArrayList;
import java.util.List;

/**
 * Takes a batch of records through every stage of a bundle in-process: encoder, gate, the selected
 * experts (one batched run per expert over the records that chose it), combine, shared expert.
 * This is the fused execution mode and the yardstick of the expert-parallel one, built from the
 * same parts the expert-parallel operators use: a {@link GateRuntime}, an {@link ExpertRuntime}
 * and a {@link StageCombiner} per stage.
 *
 * <pre>{@code
 * try (MoeEvaluator eval = MoeEvaluator.open(BundleLoader.load(dir), RuntimeOptions.cpu())) {
 *     Evaluation out = eval.evaluate(features, n, null);
 * }
 * }</pre>
 */
public final class MoeEvaluator implements AutoCloseable {
    private final ModelBundle bundle;
    private final List<GateRuntime> gates;
    private final List<ExpertRuntime> experts;
    private final List<StageCombiner> combiners;

    private MoeEvaluator(
            ModelBundle bundle, List<GateRuntime> gates, List<ExpertRuntime> experts, List<StageCombiner> combiners) {
        this.bundle = bundle;
        this.gates = gates;
        this.experts = experts;
        this.combiners = combiners;
    }

    /** Opens every stage's encoder, gate and shared expert; experts load on first use. */
    public static MoeEvaluator open(ModelBundle bundle, RuntimeOptions options) {
        List<GateRuntime> gates = new ArrayList<>();
        List<ExpertRuntime> experts = new ArrayList<>();
        List<StageCombiner> combiners = new ArrayList<>();
        try {
            for (int s = 0; s < bundle.stageCount(); s++) {
                gates.add(GateRuntime.open(bundle, s, options));
                experts.add(ExpertRuntime.open(bundle, s, options));
                combiners.add(StageCombiner.forStage(bundle.stage(s)));
            }
        } catch (RuntimeException e) {
            gates.forEach(GateRuntime::close);
            throw e;
        }
        return new MoeEvaluator(bundle, List.copyOf(gates), List.copyOf(experts), List.copyOf(combiners));
    }

    public ModelBundle bundle() {
        return bundle;
    }

    public int stageCount() {
        return gates.size();
    }

    /** Stage {@code s}'s encoder, gate and shared expert. */
    public GateRuntime gate(int s) {
        return gates.get(s);
    }

    /** Stage {@code s}'s experts. */
    public ExpertRuntime experts(int s) {
        return experts.get(s);
    }

    /** Loads every expert session of every stage now, instead of on first use. */
    public void preloadExperts() {
        experts.forEach(ExpertRuntime::loadAll);
    }

    /**
     * Evaluates {@code n} records.
     *
     * @param features row-major {@code n × inputDim}
     * @param taskIndex each record's index in the bundle's task vocabulary; required only when a
     *     stage routes on the task
     */
    public Evaluation evaluate(float[] features, int n, int[] taskIndex) {
        return evaluate(features, n, taskIndex, null);
    }

    /** As {@link #evaluate(float[], int, int[])}, with a balancing bias per stage ({@code bias[s]}, may be null). */
    public Evaluation evaluate(float[] features, int n, int[] taskIndex, float[][] bias) {
        return evaluate(features, n, taskIndex, bias, 0);
    }

    /**
     * As {@link #evaluate(float[], int, int[], float[][])}, with a capacity per expert for this
     * batch ({@link io.polyroute.runtime.routing.BalancedGating}); {@code capacityFactor} 0 means none.
     */
    public Evaluation evaluate(float[] features, int n, int[] taskIndex, float[][] bias, double capacityFactor) {
        checkFeatures(features, n);
        RoutingDecision[][] routing = new RoutingDecision[stageCount()][];
        float[] previous = null;
        for (int s = 0; s < stageCount(); s++) {
            GateRuntime gate = gates.get(s);
            float[] in = gate.stageInput(features, previous, n);
            float[] u = gate.encode(in, n);
            RoutingDecision[] decisions = gate.route(
                    u, n, taskIndex, s == 0 ? null : routing[s - 1], bias == null ? null : bias[s], capacityFactor);
            routing[s] = decisions;
            previous = runStage(s, u, n, decisions);
        }
        return new Evaluation(n, bundle.outputDim(), previous, routing);
    }

    /**
     * Evaluates {@code n} records with given routing instead of the gates': {@code routing[s][r]}
     * is record r's decision at stage s, for example the experts and weights a prediction
     * recorded. Recomputes a prediction whose routing optional balancing changed, which the
     * reference model (it follows the plain gate) cannot.
     */
    public Evaluation replay(float[] features, int n, RoutingDecision[][] routing) {
        checkFeatures(features, n);
        if (routing.length != stageCount()) {
            throw new IllegalArgumentException(
                    "Replay needs decisions for " + stageCount() + " stages, got " + routing.length + ".");
        }
        float[] previous = null;
        for (int s = 0; s < stageCount(); s++) {
            GateRuntime gate = gates.get(s);
            if (routing[s].length != n) {
                throw new IllegalArgumentException(
                        "Replay needs " + n + " decisions at stage " + s + ", got " + routing[s].length + ".");
            }
            float[] u = gate.encode(gate.stageInput(features, previous, n), n);
            previous = runStage(s, u, n, routing[s]);
        }
        return new Evaluation(n, bundle.outputDim(), previous, routing.clone());
    }

    private void checkFeatures(float[] features, int n) {
        if (features.length != n * bundle.inputDim()) {
            throw new IllegalArgumentException(
                    "Expected " + n + " × " + bundle.inputDim() + " features, got " + features.length + " values.");
        }
    }

    private float[] runStage(int s, float[] u, int n, RoutingDecision[] decisions) {
        GateRuntime gate = gates.get(s);
        ExpertRuntime stage = experts.get(s);
        int e = stage.expertCount();
        int p = stage.expertOutputDim();
        // Records per expert.
        int[] counts = new int[e];
        int visits = 0;
        for (RoutingDecision d : decisions) {
            for (int i = 0; i < d.visitedCount(); i++) {
                counts[d.visitedExpert(i)]++;
            }
            visits += d.visitedCount();
        }
        // members[x]: the records that visit expert x, in record order; slot[v]: the row of the
        // v-th (record, visited expert) pair in that expert's batch.
        int[][] members = new int[e][];
        for (int x = 0; x < e; x++) {
            members[x] = new int[counts[x]];
            counts[x] = 0;
        }
        int[] slot = new int[visits];
        int v = 0;
        for (int r = 0; r < n; r++) {
            RoutingDecision d = decisions[r];
            for (int i = 0; i < d.visitedCount(); i++) {
                int x = d.visitedExpert(i);
                int at = counts[x]++;
                members[x][at] = r;
                slot[v++] = at;
            }
        }
        // Each expert reads its rows straight from u; its output stays one batched array that the
        // combine reads in place.
        float[][] outs = new float[e][];
        for (int x = 0; x < e; x++) {
            if (counts[x] > 0) {
                outs[x] = stage.runExpert(x, u, members[x], counts[x]);
            }
        }
        float[] shared = gate.runShared(u, n);
        int od = gate.outputDim();
        float[] out = new float[n * od];
        int[] offsets = new int[e];
        v = 0;
        for (int r = 0; r < n; r++) {
            RoutingDecision d = decisions[r];
            for (int i = 0; i < d.visitedCount(); i++) {
                offsets[d.visitedExpert(i)] = slot[v++] * p;
            }
            combiners.get(s).combine(d, outs, offsets, shared, r, out, r * od);
        }
        return out;
    }

    @Override
    public void close() {
        List<AutoCloseable> all = new ArrayList<>(gates);
        all.addAll(experts);
        Sessions.closeAll(all);
    }
}
