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

/** The TLoRA formula in double precision, straight from the factors, for tests. */
final class TloraMath {
    private TloraMath() {}

    /** {@code {x·W0, (x·Σ w_s A_s)·(Σ w_t B_t)/r}} of record {@code r} of {@code x}, routed on the features. */
    static double[][] forward(TloraFactors f, float[] x, int r) {
        TloraSpec spec = f.spec;
        int d = spec.inputDim();
        int o = spec.outputDim();
        int rank = spec.rank();
        int skills = spec.skills();
        double[] logits = new double[skills];
        for (int s = 0; s < skills; s++) {
            for (int a = 0; a < d; a++) {
                logits[s] += (float) f.gate[a * skills + s] * (double) x[r * d + a];
            }
        }
        double[] w = topKWeights(logits, spec.topK());
        double[] h = new double[rank];
        double[] base = new double[o];
        for (int a = 0; a < d; a++) {
            double xa = x[r * d + a];
            for (int s = 0; s < skills; s++) {
                if (w[s] != 0) {
                    for (int i = 0; i < rank; i++) {
                        h[i] += w[s] * xa * (float) f.a[s][a * rank + i];
                    }
                }
            }
            for (int j = 0; j < o; j++) {
                base[j] += xa * (float) f.w0[a * o + j];
            }
        }
        double[] adapter = new double[o];
        for (int s = 0; s < skills; s++) {
            if (w[s] != 0) {
                for (int i = 0; i < rank; i++) {
                    for (int j = 0; j < o; j++) {
                        adapter[j] += h[i] * w[s] * (float) f.b[s][i * o + j] / rank;
                    }
                }
            }
        }
        return new double[][] {base, adapter};
    }

    private static double[] topKWeights(double[] z, int k) {
        boolean[] taken = new boolean[z.length];
        double[] w = new double[z.length];
        double max = Double.NEGATIVE_INFINITY;
        for (int s = 0; s < k; s++) {
            int best = -1;
            for (int e = 0; e < z.length; e++) {
                if (!taken[e] && (best < 0 || z[e] > z[best])) {
                    best = e;
                }
            }
            taken[best] = true;
            max = Math.max(max, z[best]);
        }
        double sum = 0;
        for (int e = 0; e < z.length; e++) {
            if (taken[e]) {
                w[e] = Math.exp(z[e] - max);
                sum += w[e];
            }
        }
        for (int e = 0; e < z.length; e++) {
            w[e] /= sum;
        }
        return w;
    }

    static double maxAbs(double[] v) {
        double m = 0;
        for (double x : v) {
            m = Math.max(m, Math.abs(x));
        }
        return m;
    }
}
