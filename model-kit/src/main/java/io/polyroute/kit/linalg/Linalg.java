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
package io.polyroute.kit.linalg;

import java.util.stream.IntStream;

/**
 * Dense linear algebra on row-major {@code double[]} matrices, sized for the model kit: Gram
 * matrices of a few hundred columns, Cholesky solves, and symmetric eigen-decompositions of small
 * covariance matrices. Pure Java, no native code.
 */
public final class Linalg {
    /** Columns handled per task when a Gram matrix is split across threads. */
    private static final int GRAM_BLOCK = 64;

    private Linalg() {}

    /**
     * {@code XᵀX} of the {@code n × d} matrix {@code x} (row-major), as a full symmetric
     * {@code d × d} matrix. Work is split over column blocks and runs on the common pool.
     */
    public static double[] gram(double[] x, int n, int d) {
        checkShape(x, n, d, "x");
        double[] g = new double[d * d];
        int blocks = (d + GRAM_BLOCK - 1) / GRAM_BLOCK;
        IntStream.range(0, blocks).parallel().forEach(blk -> {
            int a0 = blk * GRAM_BLOCK;
            int a1 = Math.min(d, a0 + GRAM_BLOCK);
            for (int i = 0; i < n; i++) {
                int row = i * d;
                for (int a = a0; a < a1; a++) {
                    double xa = x[row + a];
                    if (xa == 0.0) {
                        continue; // ReLU features are often exactly zero
                    }
                    int ga = a * d;
                    for (int b = a; b < d; b++) {
                        g[ga + b] += xa * x[row + b];
                    }
                }
            }
        });
        for (int a = 0; a < d; a++) {
            for (int b = 0; b < a; b++) {
                g[a * d + b] = g[b * d + a];
            }
        }
        return g;
    }

    /** {@code Xᵀy} of the {@code n × d} matrix {@code x} and the length-{@code n} vector {@code y}. */
    public static double[] xty(double[] x, int n, int d, double[] y) {
        checkShape(x, n, d, "x");
        if (y.length != n) {
            throw new IllegalArgumentException("y has " + y.length + " values but x has " + n + " rows.");
        }
        double[] out = new double[d];
        for (int i = 0; i < n; i++) {
            double yi = y[i];
            int row = i * d;
            for (int a = 0; a < d; a++) {
                out[a] += x[row + a] * yi;
            }
        }
        return out;
    }

    /** Column means of the {@code n × d} matrix {@code x}. */
    public static double[] columnMeans(double[] x, int n, int d) {
        checkShape(x, n, d, "x");
        double[] m = new double[d];
        for (int i = 0; i < n; i++) {
            for (int a = 0; a < d; a++) {
                m[a] += x[i * d + a];
            }
        }
        for (int a = 0; a < d; a++) {
            m[a] /= n;
        }
        return m;
    }

    /** {@code A · B} for {@code A: n × k} and {@code B: k × m}. */
    public static double[] multiply(double[] a, int n, int k, double[] b, int m) {
        checkShape(a, n, k, "a");
        checkShape(b, k, m, "b");
        double[] c = new double[n * m];
        for (int i = 0; i < n; i++) {
            for (int p = 0; p < k; p++) {
                double aip = a[i * k + p];
                if (aip == 0.0) {
                    continue;
                }
                int bp = p * m;
                int ci = i * m;
                for (int j = 0; j < m; j++) {
                    c[ci + j] += aip * b[bp + j];
                }
            }
        }
        return c;
    }

    /**
     * Cholesky factor {@code L} (lower triangular, row-major) of the symmetric positive definite
     * {@code n × n} matrix {@code a}; {@code a} is left unchanged.
     *
     * @throws IllegalArgumentException if {@code a} is not positive definite
     */
    public static double[] cholesky(double[] a, int n) {
        checkShape(a, n, n, "a");
        double[] l = new double[n * n];
        for (int j = 0; j < n; j++) {
            double s = a[j * n + j];
            for (int k = 0; k < j; k++) {
                s -= l[j * n + k] * l[j * n + k];
            }
            if (!(s > 0.0)) {
                throw new IllegalArgumentException(
                        "The matrix is not positive definite: pivot " + j + " is " + s + "; add regularisation.");
            }
            double ljj = Math.sqrt(s);
            l[j * n + j] = ljj;
            for (int i = j + 1; i < n; i++) {
                double t = a[i * n + j];
                int li = i * n;
                int lj = j * n;
                for (int k = 0; k < j; k++) {
                    t -= l[li + k] * l[lj + k];
                }
                l[li + j] = t / ljj;
            }
        }
        return l;
    }

    /** Solves {@code L Lᵀ x = b} given the Cholesky factor {@code l} of an {@code n × n} matrix. */
    public static double[] choleskySolve(double[] l, int n, double[] b) {
        if (b.length != n) {
            throw new IllegalArgumentException("b has " + b.length + " values, expected " + n + ".");
        }
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            double s = b[i];
            for (int k = 0; k < i; k++) {
                s -= l[i * n + k] * y[k];
            }
            y[i] = s / l[i * n + i];
        }
        double[] x = new double[n];
        for (int i = n - 1; i >= 0; i--) {
            double s = y[i];
            for (int k = i + 1; k < n; k++) {
                s -= l[k * n + i] * x[k];
            }
            x[i] = s / l[i * n + i];
        }
        return x;
    }

    /** Solves {@code A x = b} for a symmetric positive definite {@code A}. */
    public static double[] solveSpd(double[] a, int n, double[] b) {
        return choleskySolve(cholesky(a, n), n, b);
    }

    /**
     * Eigen-decomposition of the symmetric {@code n × n} matrix {@code a} by cyclic Jacobi
     * rotations, eigenvalues in descending order. Accurate to rounding for the small matrices
     * (up to a few dozen rows) the kit decomposes.
     */
    public static SymmetricEigen symmetricEigen(double[] a, int n) {
        checkShape(a, n, n, "a");
        double[] m = a.clone();
        double[] v = new double[n * n];
        for (int i = 0; i < n; i++) {
            v[i * n + i] = 1.0;
        }
        for (int sweep = 0; sweep < 100; sweep++) {
            double off = 0.0;
            for (int p = 0; p < n; p++) {
                for (int q = p + 1; q < n; q++) {
                    off += m[p * n + q] * m[p * n + q];
                }
            }
            if (off < 1e-30) {
                break;
            }
            for (int p = 0; p < n; p++) {
                for (int q = p + 1; q < n; q++) {
                    rotate(m, v, n, p, q);
                }
            }
        }
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (i, j) -> Double.compare(m[j * n + j], m[i * n + i]));
        double[] values = new double[n];
        double[] vectors = new double[n * n];
        for (int c = 0; c < n; c++) {
            int src = order[c];
            values[c] = m[src * n + src];
            for (int r = 0; r < n; r++) {
                vectors[r * n + c] = v[r * n + src];
            }
        }
        return new SymmetricEigen(values, vectors, n);
    }

    private static void rotate(double[] m, double[] v, int n, int p, int q) {
        double apq = m[p * n + q];
        if (Math.abs(apq) < 1e-300) {
            return;
        }
        double app = m[p * n + p];
        double aqq = m[q * n + q];
        double theta = (aqq - app) / (2.0 * apq);
        double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1.0));
        if (theta == 0.0) {
            t = 1.0;
        }
        double c = 1.0 / Math.sqrt(t * t + 1.0);
        double s = t * c;
        for (int k = 0; k < n; k++) {
            double mkp = m[k * n + p];
            double mkq = m[k * n + q];
            m[k * n + p] = c * mkp - s * mkq;
            m[k * n + q] = s * mkp + c * mkq;
        }
        for (int k = 0; k < n; k++) {
            double mpk = m[p * n + k];
            double mqk = m[q * n + k];
            m[p * n + k] = c * mpk - s * mqk;
            m[q * n + k] = s * mpk + c * mqk;
        }
        for (int k = 0; k < n; k++) {
            double vkp = v[k * n + p];
            double vkq = v[k * n + q];
            v[k * n + p] = c * vkp - s * vkq;
            v[k * n + q] = s * vkp + c * vkq;
        }
    }

    /** Rounds every value to float32, the precision the ONNX models store. */
    public static float[] toFloat(double[] values) {
        float[] out = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (float) values[i];
        }
        return out;
    }

    private static void checkShape(double[] a, int rows, int cols, String name) {
        if (rows < 0 || cols < 0 || a.length != (long) rows * cols) {
            throw new IllegalArgumentException("Matrix " + name + " has " + a.length + " values, but " + rows + " × "
                    + cols + " = " + ((long) rows * cols) + " were expected.");
        }
    }
}
