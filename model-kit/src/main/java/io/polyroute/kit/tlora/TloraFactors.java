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

import java.util.SplittableRandom;

/**
 * The weights of a TLoRA adapter (TensorPoly, arXiv 2405.16671): per skill {@code s} the factors
 * {@code A_s} ({@code D × r}) and {@code B_s} ({@code r × O}), the frozen base {@code W0}
 * ({@code D × O}) and the routing weights of the gate.
 *
 * <p>Each LoRA component of a skill is entangled: column {@code i} of {@code A_s} is the tensor
 * product of {@code N} leaf vectors of size {@code m = ⌈D^(1/N)⌉}, flattened row-major (last index
 * fastest) and truncated to its first {@code D} entries; row {@code i} of {@code B_s} likewise with
 * leaves of size {@code ⌈O^(1/N)⌉}. The adapter then contributes
 * {@code (x · Σ_s w_s A_s) · (Σ_t w_t B_t) / r}.
 *
 * <p>Leaves are uniform with a scale that gives every factor column (row of {@code B}) an expected
 * squared norm of 1, so the adapter moves the output about as much as the base layer does, like a
 * trained adapter. The paper's initialisation scale ({@code gain / D^(1/N)}) would make the
 * adapter term about 1e-5 of the base output: below the reference tolerance, so a reference check
 * could not tell a right adapter from a wrong one.
 */
final class TloraFactors {
    final TloraSpec spec;
    /** {@code a[s]}: row-major {@code D × r}. */
    final double[][] a;
    /** {@code b[s]}: row-major {@code r × O}. */
    final double[][] b;
    /** Row-major {@code D × O}. */
    final double[] w0;
    /** Gate weights, row-major {@code gateIn × S}, with gateIn = tasks or D. */
    final double[] gate;

    final int gateIn;

    private TloraFactors(TloraSpec spec, double[][] a, double[][] b, double[] w0, double[] gate, int gateIn) {
        this.spec = spec;
        this.a = a;
        this.b = b;
        this.w0 = w0;
        this.gate = gate;
        this.gateIn = gateIn;
    }

    static TloraFactors draw(TloraSpec spec) {
        SplittableRandom random = new SplittableRandom(spec.seed());
        int d = spec.inputDim();
        int o = spec.outputDim();
        int r = spec.rank();
        int n = spec.order();
        double[][] a = new double[spec.skills()][];
        double[][] b = new double[spec.skills()][];
        for (int s = 0; s < spec.skills(); s++) {
            double[] as = new double[d * r];
            for (int i = 0; i < r; i++) {
                double[] column = entangled(random, n, leafDim(d, n), d);
                for (int row = 0; row < d; row++) {
                    as[row * r + i] = column[row];
                }
            }
            double[] bs = new double[r * o];
            for (int i = 0; i < r; i++) {
                System.arraycopy(entangled(random, n, leafDim(o, n), o), 0, bs, i * o, o);
            }
            a[s] = as;
            b[s] = bs;
        }
        double[] w0 = new double[d * o];
        double baseStd = 1.0 / Math.sqrt(d);
        for (int i = 0; i < w0.length; i++) {
            w0[i] = baseStd * random.nextGaussian();
        }
        // Task routing: one logit per (task, skill), as Poly's task-skill matrix. Feature routing: a
        // linear gate scaled so that different records pick different skills.
        int gateIn = spec.routeOnTask() ? spec.tasks() : d;
        double gateStd = spec.routeOnTask() ? 1.0 : 2.0 / Math.sqrt(d);
        double[] gate = new double[gateIn * spec.skills()];
        for (int i = 0; i < gate.length; i++) {
            gate[i] = gateStd * random.nextGaussian();
        }
        return new TloraFactors(spec, a, b, w0, gate, gateIn);
    }

    /** The smallest {@code m} with {@code m^order >= width}: {@code ⌈width^(1/order)⌉} without rounding trouble. */
    static int leafDim(int width, int order) {
        int m = Math.max(1, (int) Math.floor(Math.pow(width, 1.0 / order)));
        while (Math.pow(m, order) < width) {
            m++;
        }
        while (m > 1 && Math.pow(m - 1, order) >= width) {
            m--;
        }
        return m;
    }

    /**
     * {@code T_width(l_0 ⊗ … ⊗ l_{N-1})} for fresh leaves of size {@code m}, uniform on
     * {@code ±√3 · width^(-1/(2N))}: each entry then has variance {@code 1/width}.
     */
    private static double[] entangled(SplittableRandom random, int order, int m, int width) {
        double std = Math.sqrt(3.0) * Math.pow(width, -0.5 / order);
        double[][] leaves = new double[order][m];
        for (double[] leaf : leaves) {
            for (int j = 0; j < m; j++) {
                leaf[j] = std * (2.0 * random.nextDouble() - 1.0);
            }
        }
        return tensorProduct(leaves, width);
    }

    /** The flattened outer product of {@code leaves} (row-major, last index fastest), first {@code width} entries. */
    static double[] tensorProduct(double[][] leaves, int width) {
        double[] acc = {1.0};
        for (double[] leaf : leaves) {
            double[] next = new double[acc.length * leaf.length];
            for (int i = 0; i < acc.length; i++) {
                for (int j = 0; j < leaf.length; j++) {
                    next[i * leaf.length + j] = acc[i] * leaf[j];
                }
            }
            acc = next;
        }
        if (acc.length < width) {
            throw new IllegalArgumentException(
                    "A tensor product of " + acc.length + " entries cannot be truncated to " + width + ".");
        }
        return java.util.Arrays.copyOf(acc, width);
    }

    /** {@code B_s / r}, what the stage-2 expert of skill {@code s} applies. */
    double[] scaledB(int s) {
        double[] out = b[s].clone();
        for (int i = 0; i < out.length; i++) {
            out[i] /= spec.rank();
        }
        return out;
    }
}
