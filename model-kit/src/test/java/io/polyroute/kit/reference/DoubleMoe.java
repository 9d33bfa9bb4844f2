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

import io.polyroute.runtime.bundle.ExpertSpec;
import io.polyroute.runtime.bundle.GateInput;
import io.polyroute.runtime.bundle.ModelBundle;
import io.polyroute.runtime.bundle.ModelRef;
import io.polyroute.runtime.bundle.RoutingMode;
import io.polyroute.runtime.bundle.StageInput;
import io.polyroute.runtime.bundle.StageSpec;
import io.polyroute.runtime.onnx.ModelSession;
import io.polyroute.runtime.onnx.RuntimeOptions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An independent checker of {@code reference.onnx}: the routing math of docs/design.md §5 written directly
 * in double precision over the outputs of the bundle's individual model files (each run with ONNX
 * Runtime). Shares no code with the graph builder.
 */
final class DoubleMoe implements AutoCloseable {
    private final ModelBundle bundle;
    private final Map<String, ModelSession> sessions = new LinkedHashMap<>();

    DoubleMoe(ModelBundle bundle) {
        this.bundle = bundle;
    }

    /** The prediction of every record: {@code x} is row-major {@code [n, D]}, {@code tasks[i]} a task index. */
    double[][] predict(float[] x, int n, int[] tasks) {
        double[][] y = null;
        double[][][] weights = null;
        for (int s = 0; s < bundle.stageCount(); s++) {
            StageSpec st = bundle.stage(s);
            float[] in = stageInput(st, x, n, y);
            float[] u = st.encoder() == null ? in : run(st.encoder().model(), ModelRef.DEFAULT_OUTPUT, in, n);
            if (st.routingMode() == RoutingMode.GATE) {
                float[] gateIn = st.gateInputMode() == GateInput.TASK
                        ? oneHot(tasks, bundle.tasks().size())
                        : u;
                float[] logits = run(st.gate(), ModelRef.GATE_OUTPUT, gateIn, n);
                weights = route(logits, n, st.groups(), st.expertCount(), st.topK());
            }
            List<float[]> f = new ArrayList<>();
            for (ExpertSpec e : st.experts()) {
                f.add(run(e.model(), ModelRef.DEFAULT_OUTPUT, u, n));
            }
            y = new double[n][];
            for (int i = 0; i < n; i++) {
                y[i] = combine(st, weights[i], f, i);
            }
            if (st.sharedExpert() != null) {
                float[] h = run(st.sharedExpert(), ModelRef.DEFAULT_OUTPUT, u, n);
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < y[i].length; j++) {
                        y[i][j] += h[i * y[i].length + j];
                    }
                }
            }
        }
        return y;
    }

    /** Weights {@code [n][G][E]}: softmax over the top k of each group, ties to the lower index, 0 elsewhere. */
    static double[][][] route(float[] logits, int n, int groups, int experts, int k) {
        double[][][] w = new double[n][groups][experts];
        for (int i = 0; i < n; i++) {
            for (int o = 0; o < groups; o++) {
                int base = (i * groups + o) * experts;
                Integer[] order = new Integer[experts];
                for (int e = 0; e < experts; e++) {
                    order[e] = e;
                }
                Arrays.sort(
                        order,
                        Comparator.<Integer>comparingDouble(e -> -logits[base + e])
                                .thenComparingInt(e -> e));
                double max = logits[base + order[0]];
                double sum = 0;
                for (int j = 0; j < k; j++) {
                    sum += Math.exp(logits[base + order[j]] - max);
                }
                for (int j = 0; j < k; j++) {
                    w[i][o][order[j]] = Math.exp(logits[base + order[j]] - max) / sum;
                }
            }
        }
        return w;
    }

    private static double[] combine(StageSpec st, double[][] w, List<float[]> f, int i) {
        int p = st.expertOutputDim();
        int experts = f.size();
        switch (st.combineMode()) {
            case WEIGHTED_SUM: {
                double[] y = new double[p];
                for (int e = 0; e < experts; e++) {
                    for (int j = 0; j < p; j++) {
                        y[j] += w[0][e] * f.get(e)[i * p + j];
                    }
                }
                return y;
            }
            case TENSORPOLY_RANK: {
                double[] y = new double[st.outputDim()];
                for (int e = 0; e < experts; e++) {
                    if (w[0][e] == 0) {
                        continue;
                    }
                    double[] t = truncatedOuter(leaves(f.get(e), i, p, st.order(), st.leafDim()), st.outputDim());
                    for (int j = 0; j < y.length; j++) {
                        y[j] += w[0][e] * t[j];
                    }
                }
                return y;
            }
            case TENSORPOLY_ORDER: {
                double[][] mix = new double[st.order()][st.leafDim()];
                for (int e = 0; e < experts; e++) {
                    double[][] l = leaves(f.get(e), i, p, st.order(), st.leafDim());
                    for (int o = 0; o < st.order(); o++) {
                        for (int j = 0; j < st.leafDim(); j++) {
                            mix[o][j] += w[o][e] * l[o][j];
                        }
                    }
                }
                return truncatedOuter(mix, st.outputDim());
            }
            default:
                throw new IllegalStateException(st.combine());
        }
    }

    private static double[][] leaves(float[] f, int i, int p, int order, int m) {
        double[][] l = new double[order][m];
        for (int o = 0; o < order; o++) {
            for (int j = 0; j < m; j++) {
                l[o][j] = f[i * p + o * m + j];
            }
        }
        return l;
    }

    /** The full outer product, last index fastest, then its first d entries. */
    static double[] truncatedOuter(double[][] factors, int d) {
        double[] t = {1.0};
        for (double[] a : factors) {
            double[] next = new double[t.length * a.length];
            for (int p = 0; p < t.length; p++) {
                for (int q = 0; q < a.length; q++) {
                    next[p * a.length + q] = t[p] * a[q];
                }
            }
            t = next;
        }
        return Arrays.copyOf(t, d);
    }

    private float[] stageInput(StageSpec st, float[] x, int n, double[][] prev) {
        StageInput mode = st.inputMode();
        if (mode == StageInput.FEATURES) {
            return x;
        }
        int dx = mode == StageInput.CONCAT ? bundle.inputDim() : 0;
        int dy = prev[0].length;
        float[] out = new float[n * (dx + dy)];
        for (int i = 0; i < n; i++) {
            System.arraycopy(x, i * bundle.inputDim(), out, i * (dx + dy), dx);
            for (int j = 0; j < dy; j++) {
                out[i * (dx + dy) + dx + j] = (float) prev[i][j];
            }
        }
        return out;
    }

    static float[] oneHot(int[] tasks, int count) {
        float[] out = new float[tasks.length * count];
        for (int i = 0; i < tasks.length; i++) {
            out[i * count + tasks[i]] = 1f;
        }
        return out;
    }

    private float[] run(ModelRef ref, String defaultOutput, float[] in, int n) {
        ModelSession session = sessions.computeIfAbsent(
                ref.file(), f -> ModelSession.open(bundle.resolve(f), f, RuntimeOptions.cpu()));
        return session.run(ref.inputName(), in, n, ref.outputName(defaultOutput));
    }

    /** Largest over records of {@code max_i |a_i - b_i| / max(max_i |b_i|, 1e-6)}. */
    static double maxRelativeError(float[] actual, double[][] expected) {
        double worst = 0;
        for (int r = 0; r < expected.length; r++) {
            double diff = 0;
            double scale = 0;
            for (int j = 0; j < expected[r].length; j++) {
                diff = Math.max(diff, Math.abs(actual[r * expected[r].length + j] - expected[r][j]));
                scale = Math.max(scale, Math.abs(expected[r][j]));
            }
            worst = Math.max(worst, diff / Math.max(scale, 1e-6));
        }
        return worst;
    }

    @Override
    public void close() {
        sessions.values().forEach(ModelSession::close);
    }
}
