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
 * Multinomial logistic regression with an L2 penalty, fitted by Newton's method with step
 * halving. Meant for a handful of classes and a few dozen features, where the exact Hessian is
 * small ({@code k(d+1)} square) and Newton converges in about ten steps.
 */
public final class SoftmaxRegression {
    private SoftmaxRegression() {}

    /**
     * A fitted model: {@code logits = x · weights + bias}.
     *
     * @param weights row-major {@code d × k}
     * @param bias length {@code k}
     * @param d the feature count
     * @param k the class count
     * @param iterations Newton steps taken
     */
    public record Model(double[] weights, double[] bias, int d, int k, int iterations) {

        /** The logits of the {@code n × d} rows of {@code x}, row-major {@code n × k}. */
        public double[] logits(double[] x, int n) {
            double[] z = Linalg.multiply(x, n, d, weights, k);
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < k; j++) {
                    z[i * k + j] += bias[j];
                }
            }
            return z;
        }
    }

    /**
     * Fits {@code k} classes to the {@code n × d} rows of {@code x} with labels in {@code [0, k)}.
     *
     * @param l2 the penalty on every coefficient (bias included), per record
     * @param maxIterations the most Newton steps to take
     */
    public static Model fit(double[] x, int n, int d, int[] labels, int k, double l2, int maxIterations) {
        if (labels.length != n) {
            throw new IllegalArgumentException("There are " + labels.length + " labels for " + n + " rows.");
        }
        for (int label : labels) {
            if (label < 0 || label >= k) {
                throw new IllegalArgumentException("Label " + label + " is outside [0, " + k + ").");
            }
        }
        int d1 = d + 1;
        int p = k * d1;
        double[] theta = new double[p]; // class-major: theta[j * d1 + a], bias at a = d
        double[] probs = new double[n * k];
        double loss = loss(x, n, d, labels, k, theta, l2, probs);
        int it = 0;
        for (; it < maxIterations; it++) {
            double[] grad = gradient(x, n, d, labels, k, theta, l2, probs);
            double gnorm = 0.0;
            for (double g : grad) {
                gnorm = Math.max(gnorm, Math.abs(g));
            }
            if (gnorm < 1e-9) {
                break;
            }
            double[] hess = hessian(x, n, d, k, l2, probs);
            double[] step = Linalg.solveSpd(hess, p, grad);
            double t = 1.0;
            double[] next = new double[p];
            double[] nextProbs = new double[n * k];
            double nextLoss = Double.POSITIVE_INFINITY;
            while (t > 1e-6) {
                for (int i = 0; i < p; i++) {
                    next[i] = theta[i] - t * step[i];
                }
                nextLoss = loss(x, n, d, labels, k, next, l2, nextProbs);
                if (nextLoss <= loss) {
                    break;
                }
                t *= 0.5;
            }
            if (!(nextLoss <= loss)) {
                break;
            }
            boolean converged = loss - nextLoss < 1e-12 * Math.max(1.0, Math.abs(loss));
            System.arraycopy(next, 0, theta, 0, p);
            System.arraycopy(nextProbs, 0, probs, 0, probs.length);
            loss = nextLoss;
            if (converged) {
                it++;
                break;
            }
        }
        double[] w = new double[d * k];
        double[] b = new double[k];
        for (int j = 0; j < k; j++) {
            for (int a = 0; a < d; a++) {
                w[a * k + j] = theta[j * d1 + a];
            }
            b[j] = theta[j * d1 + d];
        }
        return new Model(w, b, d, k, it);
    }

    /** Mean negative log-likelihood plus penalty; fills {@code probs} with the softmax. */
    private static double loss(
            double[] x, int n, int d, int[] labels, int k, double[] theta, double l2, double[] probs) {
        int d1 = d + 1;
        double nll = 0.0;
        double[] z = new double[k];
        for (int i = 0; i < n; i++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < k; j++) {
                double s = theta[j * d1 + d];
                for (int a = 0; a < d; a++) {
                    s += theta[j * d1 + a] * x[i * d + a];
                }
                z[j] = s;
                max = Math.max(max, s);
            }
            double sum = 0.0;
            for (int j = 0; j < k; j++) {
                z[j] = Math.exp(z[j] - max);
                sum += z[j];
            }
            for (int j = 0; j < k; j++) {
                probs[i * k + j] = z[j] / sum;
            }
            nll -= Math.log(Math.max(probs[i * k + labels[i]], 1e-300));
        }
        double pen = 0.0;
        for (double t : theta) {
            pen += t * t;
        }
        return nll / n + 0.5 * l2 * pen;
    }

    private static double[] gradient(
            double[] x, int n, int d, int[] labels, int k, double[] theta, double l2, double[] probs) {
        int d1 = d + 1;
        double[] g = new double[k * d1];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < k; j++) {
                double r = probs[i * k + j] - (labels[i] == j ? 1.0 : 0.0);
                int gj = j * d1;
                for (int a = 0; a < d; a++) {
                    g[gj + a] += r * x[i * d + a];
                }
                g[gj + d] += r;
            }
        }
        for (int i = 0; i < g.length; i++) {
            g[i] = g[i] / n + l2 * theta[i];
        }
        return g;
    }

    /** The exact Hessian, assembled block by block (class pair by class pair) in parallel. */
    private static double[] hessian(double[] x, int n, int d, int k, double l2, double[] probs) {
        int d1 = d + 1;
        int p = k * d1;
        double[] h = new double[p * p];
        int pairs = k * (k + 1) / 2;
        IntStream.range(0, pairs).parallel().forEach(pair -> {
            int j = 0;
            int rest = pair;
            while (rest >= k - j) {
                rest -= k - j;
                j++;
            }
            int l = j + rest;
            double[] block = new double[d1 * d1];
            double[] xi = new double[d1];
            for (int i = 0; i < n; i++) {
                double pij = probs[i * k + j];
                double c = pij * ((j == l ? 1.0 : 0.0) - probs[i * k + l]);
                if (c == 0.0) {
                    continue;
                }
                System.arraycopy(x, i * d, xi, 0, d);
                xi[d] = 1.0;
                for (int a = 0; a < d1; a++) {
                    double ca = c * xi[a];
                    int row = a * d1;
                    for (int b = a; b < d1; b++) {
                        block[row + b] += ca * xi[b];
                    }
                }
            }
            for (int a = 0; a < d1; a++) {
                for (int b = a; b < d1; b++) {
                    double v = block[a * d1 + b] / n;
                    put(h, p, j * d1 + a, l * d1 + b, v);
                    put(h, p, j * d1 + b, l * d1 + a, v);
                }
            }
        });
        for (int i = 0; i < p; i++) {
            h[i * p + i] += l2;
        }
        return h;
    }

    private static void put(double[] h, int p, int r, int c, double v) {
        h[r * p + c] = v;
        h[c * p + r] = v;
    }
}
