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
 * Principal component analysis with optional per-column standardisation. The projection of a row
 * {@code x} is {@code ((x − mean) / scale) · components}, which is one affine map: {@link #matrix()}
 * and {@link #offset()} give it in the form an ONNX {@code MatMul + Add} stores.
 *
 * @param mean column means of the fitted data
 * @param scale column scales (standard deviations when standardising, else ones)
 * @param components row-major {@code d × m}; column {@code c} is the {@code c}-th principal direction
 * @param variances the variance along each kept direction, descending
 * @param totalVariance the variance of the (scaled) data summed over all directions
 * @param d input width
 * @param m kept components
 */
public record Pca(
        double[] mean, double[] scale, double[] components, double[] variances, double totalVariance, int d, int m) {

    /**
     * Fits {@code m} components to the {@code n × d} rows of {@code x}.
     *
     * @param standardise divide each column by its standard deviation before the decomposition
     */
    public static Pca fit(double[] x, int n, int d, int m, boolean standardise) {
        if (m < 1 || m > d) {
            throw new IllegalArgumentException("Cannot keep " + m + " principal components of " + d + " columns.");
        }
        if (n < 2) {
            throw new IllegalArgumentException("PCA needs at least 2 rows, got " + n + ".");
        }
        double[] mean = Linalg.columnMeans(x, n, d);
        double[] scale = new double[d];
        java.util.Arrays.fill(scale, 1.0);
        double[] centred = new double[n * d];
        for (int i = 0; i < n; i++) {
            for (int a = 0; a < d; a++) {
                centred[i * d + a] = x[i * d + a] - mean[a];
            }
        }
        if (standardise) {
            for (int a = 0; a < d; a++) {
                double ss = 0.0;
                for (int i = 0; i < n; i++) {
                    ss += centred[i * d + a] * centred[i * d + a];
                }
                scale[a] = Math.max(Math.sqrt(ss / (n - 1)), 1e-12);
            }
            for (int i = 0; i < n; i++) {
                for (int a = 0; a < d; a++) {
                    centred[i * d + a] /= scale[a];
                }
            }
        }
        double[] cov = Linalg.gram(centred, n, d);
        for (int i = 0; i < cov.length; i++) {
            cov[i] /= n - 1;
        }
        SymmetricEigen eig = Linalg.symmetricEigen(cov, d);
        double total = 0.0;
        for (double v : eig.values()) {
            total += Math.max(v, 0.0);
        }
        double[] comps = new double[d * m];
        double[] vars = new double[m];
        for (int c = 0; c < m; c++) {
            vars[c] = Math.max(eig.values()[c], 0.0);
            for (int r = 0; r < d; r++) {
                comps[r * m + c] = eig.vector(r, c);
            }
        }
        return new Pca(mean, scale, comps, vars, total, d, m);
    }

    /** Share of the total variance the kept components explain. */
    public double explainedVariance() {
        double kept = 0.0;
        for (double v : variances) {
            kept += v;
        }
        return totalVariance == 0.0 ? 1.0 : kept / totalVariance;
    }

    /**
     * The {@code d × m} matrix {@code M} of the projection {@code x · M + offset}; with
     * {@code whiten} every output column has unit variance on the fitted data.
     */
    public double[] matrix(boolean whiten) {
        double[] out = new double[d * m];
        for (int r = 0; r < d; r++) {
            for (int c = 0; c < m; c++) {
                double w = whiten ? 1.0 / Math.sqrt(Math.max(variances[c], 1e-12)) : 1.0;
                out[r * m + c] = components[r * m + c] / scale[r] * w;
            }
        }
        return out;
    }

    /** The offset of the projection {@code x · matrix(whiten) + offset}: {@code −mean · matrix}. */
    public double[] offset(boolean whiten) {
        double[] mat = matrix(whiten);
        double[] out = new double[m];
        for (int c = 0; c < m; c++) {
            double s = 0.0;
            for (int r = 0; r < d; r++) {
                s += mean[r] * mat[r * m + c];
            }
            out[c] = -s;
        }
        return out;
    }
}
