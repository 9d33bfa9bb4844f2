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

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LinalgTest {

    @Test
    void choleskyShouldSolveASymmetricPositiveDefiniteSystem() {
        double[] a = {4, 2, 0.6, 2, 5, 1, 0.6, 1, 3};
        double[] x = Linalg.solveSpd(a, 3, new double[] {1, 2, 3});
        double[] back = Linalg.multiply(a, 3, 3, x, 1);

        assertThat(back).containsExactly(new double[] {1, 2, 3}, within(1e-12));
        assertThatThrownBy(() -> Linalg.cholesky(new double[] {1, 2, 2, 1}, 2))
                .hasMessageContaining("not positive definite");
    }

    @Test
    void eigenDecompositionShouldReconstructTheMatrixWithDescendingValues() {
        SplittableRandom rnd = new SplittableRandom(1);
        int n = 12;
        double[] m = new double[n * n];
        for (int i = 0; i < m.length; i++) {
            m[i] = rnd.nextGaussian();
        }
        double[] s = Linalg.gram(m, n, n);
        SymmetricEigen eig = Linalg.symmetricEigen(s, n);

        for (int c = 1; c < n; c++) {
            assertThat(eig.values()[c]).isLessThanOrEqualTo(eig.values()[c - 1]);
        }
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double v = 0;
                for (int c = 0; c < n; c++) {
                    v += eig.vector(i, c) * eig.values()[c] * eig.vector(j, c);
                }
                assertThat(v).isCloseTo(s[i * n + j], within(1e-9));
            }
        }
    }

    @Test
    void ridgeShouldRecoverALinearFunctionAndItsIntercept() {
        SplittableRandom rnd = new SplittableRandom(2);
        int n = 2000;
        int d = 5;
        double[] w = {1.5, -2, 0, 0.5, 3};
        double[] x = new double[n * d];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            y[i] = 7;
            for (int a = 0; a < d; a++) {
                x[i * d + a] = rnd.nextGaussian();
                y[i] += w[a] * x[i * d + a];
            }
            y[i] += 0.01 * rnd.nextGaussian();
        }
        Ridge.Stats train =
                Ridge.stats(java.util.Arrays.copyOf(x, 1500 * d), 1500, d, java.util.Arrays.copyOf(y, 1500));
        Ridge.Stats val = Ridge.stats(
                java.util.Arrays.copyOfRange(x, 1500 * d, n * d), 500, d, java.util.Arrays.copyOfRange(y, 1500, n));
        Ridge.Fit fit = Ridge.fitWithValidation(train, val, Ridge.DEFAULT_ALPHAS);

        assertThat(fit.weights()).containsExactly(w, within(1e-2));
        assertThat(fit.intercept()).isCloseTo(7, within(1e-2));
        assertThat(fit.validationRmse()).isLessThan(0.02);
    }

    @Test
    void softmaxRegressionShouldSeparateGaussianClasses() {
        SplittableRandom rnd = new SplittableRandom(3);
        int k = 4;
        int n = 4000;
        double[] x = new double[n * 2];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % k;
            x[i * 2] = 3 * Math.cos(labels[i] * Math.PI / 2) + 0.5 * rnd.nextGaussian();
            x[i * 2 + 1] = 3 * Math.sin(labels[i] * Math.PI / 2) + 0.5 * rnd.nextGaussian();
        }
        SoftmaxRegression.Model model = SoftmaxRegression.fit(x, n, 2, labels, k, 1e-4, 30);
        double[] z = model.logits(x, n);
        int correct = 0;
        for (int i = 0; i < n; i++) {
            int best = 0;
            for (int j = 1; j < k; j++) {
                best = z[i * k + j] > z[i * k + best] ? j : best;
            }
            correct += best == labels[i] ? 1 : 0;
        }
        assertThat(correct / (double) n).isGreaterThan(0.99);
        assertThat(model.iterations()).isLessThan(30);
    }

    @Test
    void pcaShouldFindTheDominantDirectionAndWhiten() {
        SplittableRandom rnd = new SplittableRandom(4);
        int n = 5000;
        double[] x = new double[n * 3];
        for (int i = 0; i < n; i++) {
            double t = 5 * rnd.nextGaussian();
            x[i * 3] = t + 10;
            x[i * 3 + 1] = t - 3;
            x[i * 3 + 2] = 0.1 * rnd.nextGaussian();
        }
        Pca pca = Pca.fit(x, n, 3, 1, false);

        assertThat(Math.abs(pca.components()[0])).isCloseTo(Math.sqrt(0.5), within(1e-2));
        assertThat(pca.explainedVariance()).isGreaterThan(0.99);
        double[] u = Linalg.multiply(x, n, 3, pca.matrix(true), 1);
        double mean = 0;
        double sq = 0;
        for (int i = 0; i < n; i++) {
            double v = u[i] + pca.offset(true)[0];
            mean += v / n;
            sq += v * v / n;
        }
        assertThat(mean).isCloseTo(0, within(1e-9));
        assertThat(sq).isCloseTo(1, within(1e-3));
    }
}
