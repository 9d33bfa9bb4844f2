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

/**
 * Ridge regression with an unpenalised intercept, solved from sufficient statistics so that the
 * penalty can be chosen on a validation split without another pass over the data.
 *
 * <pre>{@code
 * Ridge.Stats train = Ridge.stats(h, nTrain, width, yTrain);
 * Ridge.Stats val = Ridge.stats(hVal, nVal, width, yVal);
 * Ridge.Fit fit = Ridge.fitWithValidation(train, val, Ridge.DEFAULT_ALPHAS);
 * }</pre>
 */
public final class Ridge {
    /** Penalties tried by {@link #fitWithValidation}, relative to the mean diagonal of the Gram matrix. */
    public static final double[] DEFAULT_ALPHAS = {1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1};

    private Ridge() {}

    /**
     * {@code [X 1]ᵀ[X 1]}, {@code [X 1]ᵀy} and {@code yᵀy} of one data set.
     *
     * @param gram the {@code (d+1) × (d+1)} Gram matrix, the intercept column last
     * @param xty the {@code d+1} products with the target
     * @param yy the target's sum of squares
     * @param n the row count
     * @param d the feature count (without the intercept)
     */
    public record Stats(double[] gram, double[] xty, double yy, int n, int d) {

        /** The statistics of the union of two data sets with the same features. */
        public Stats plus(Stats other) {
            if (other.d != d) {
                throw new IllegalArgumentException(
                        "Cannot add statistics of " + other.d + " features to " + "statistics of " + d + " features.");
            }
            double[] g = gram.clone();
            for (int i = 0; i < g.length; i++) {
                g[i] += other.gram[i];
            }
            double[] b = xty.clone();
            for (int i = 0; i < b.length; i++) {
                b[i] += other.xty[i];
            }
            return new Stats(g, b, yy + other.yy, n + other.n, d);
        }
    }

    /**
     * A fitted model: {@code y ≈ x · weights + intercept}.
     *
     * @param weights one coefficient per feature
     * @param intercept the constant term
     * @param alpha the chosen relative penalty
     * @param validationRmse the root-mean-square error on the validation split with that penalty
     */
    public record Fit(double[] weights, double intercept, double alpha, double validationRmse) {}

    /** The statistics of the {@code n × d} feature matrix {@code x} (row-major) and target {@code y}. */
    public static Stats stats(double[] x, int n, int d, double[] y) {
        int d1 = d + 1;
        double[] aug = new double[n * d1];
        for (int i = 0; i < n; i++) {
            System.arraycopy(x, i * d, aug, i * d1, d);
            aug[i * d1 + d] = 1.0;
        }
        double yy = 0.0;
        for (double v : y) {
            yy += v * v;
        }
        return new Stats(Linalg.gram(aug, n, d1), Linalg.xty(aug, n, d1, y), yy, n, d);
    }

    /**
     * Coefficients minimising {@code |y − [X 1]β|² + λ|β_{0..d-1}|²} with
     * {@code λ = alpha · mean(diag XᵀX)}; the last coefficient is the intercept.
     */
    public static double[] solve(Stats s, double alpha) {
        int d1 = s.d + 1;
        double[] a = s.gram.clone();
        double meanDiag = 0.0;
        for (int i = 0; i < s.d; i++) {
            meanDiag += a[i * d1 + i];
        }
        meanDiag = s.d == 0 ? 0.0 : meanDiag / s.d;
        double lambda = alpha * Math.max(meanDiag, 1e-12);
        for (int i = 0; i < s.d; i++) {
            a[i * d1 + i] += lambda;
        }
        // A tiny ridge on the intercept keeps the system definite when the data are degenerate.
        a[d1 * d1 - 1] += 1e-12 * Math.max(a[d1 * d1 - 1], 1.0);
        return Linalg.solveSpd(a, d1, s.xty);
    }

    /** Sum of squared residuals of {@code beta} (intercept last) on the data behind {@code s}. */
    public static double sse(Stats s, double[] beta) {
        int d1 = s.d + 1;
        double quad = 0.0;
        double lin = 0.0;
        for (int i = 0; i < d1; i++) {
            double gi = 0.0;
            for (int j = 0; j < d1; j++) {
                gi += s.gram[i * d1 + j] * beta[j];
            }
            quad += beta[i] * gi;
            lin += beta[i] * s.xty[i];
        }
        return Math.max(0.0, s.yy - 2.0 * lin + quad);
    }

    /**
     * Chooses the penalty among {@code alphas} that minimises the validation error, then refits on
     * training and validation data together with that penalty.
     */
    public static Fit fitWithValidation(Stats train, Stats validation, double[] alphas) {
        if (alphas.length == 0) {
            throw new IllegalArgumentException("At least one ridge penalty must be given.");
        }
        double bestAlpha = alphas[0];
        double bestSse = Double.POSITIVE_INFINITY;
        for (double alpha : alphas) {
            double[] beta;
            try {
                beta = solve(train, alpha);
            } catch (IllegalArgumentException notDefinite) {
                continue; // too little penalty for this data; larger ones follow
            }
            double e = sse(validation, beta);
            if (e < bestSse) {
                bestSse = e;
                bestAlpha = alpha;
            }
        }
        double[] beta = solve(train.plus(validation), bestAlpha);
        double[] w = java.util.Arrays.copyOf(beta, train.d);
        double rmse = Math.sqrt(bestSse / Math.max(1, validation.n));
        return new Fit(w, beta[train.d], bestAlpha, rmse);
    }
}
