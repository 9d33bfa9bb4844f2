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
package io.polyroute.kit.factory;

import io.polyroute.kit.linalg.Pca;
import io.polyroute.kit.linalg.Ridge;
import io.polyroute.kit.onnx.ModelFragment;
import io.polyroute.kit.onnx.OnnxGraph;
import java.util.SplittableRandom;

/**
 * A health-score network fitted without gradient descent: an optional local PCA projection
 * (whitened), a layer of random ReLU units whose hyperplanes pass through random training points,
 * and a ridge-fitted linear read-out of the log-odds, squashed by a sigmoid.
 *
 * <pre>
 * score(u) = σ( relu( (u · P + p) · W + b ) · β + β₀ )
 * </pre>
 *
 * <p>Used for the experts (with a local projection onto the few directions their machine type's
 * data actually spans) and for the dense baseline (no projection).
 */
final class RandomFeatureNet implements ModelFragment {
    /** Largest |log-odds| the read-out is fitted to; beyond it the score is 0 or 1 to 2.5e-3. */
    static final double LOGIT_CLIP = 6.0;

    private final AffineMap projection;
    private final AffineMap hidden;
    private final AffineMap readout;
    private final double alpha;

    private RandomFeatureNet(AffineMap projection, AffineMap hidden, AffineMap readout, double alpha) {
        this.projection = projection;
        this.hidden = hidden;
        this.readout = readout;
        this.alpha = alpha;
    }

    /**
     * How to fit one network.
     *
     * @param localDims principal directions to project onto first; 0 reads the input directly
     * @param hiddenUnits random ReLU units
     * @param validationShare share of the rows held out to choose the ridge penalty
     */
    record Spec(int localDims, int hiddenUnits, double validationShare) {}

    /** Fits a network to the {@code n × d} rows {@code u} and the log-odds {@code target}. */
    static RandomFeatureNet fit(double[] u, int n, int d, double[] target, Spec spec, SplittableRandom random) {
        AffineMap projection = null;
        double[] v = u;
        int k = d;
        if (spec.localDims() > 0) {
            Pca pca = Pca.fit(u, n, d, spec.localDims(), false);
            projection = AffineMap.of(pca.matrix(true), pca.offset(true), d, spec.localDims());
            v = projection.apply(u, n);
            k = spec.localDims();
        }
        AffineMap hidden = randomHyperplanes(v, n, k, spec.hiddenUnits(), random);
        double[] h = relu(hidden.apply(v, n));

        int[] order = shuffled(n, random);
        int nVal = (int) Math.round(n * spec.validationShare());
        int[] valRows = java.util.Arrays.copyOfRange(order, 0, nVal);
        int[] trainRows = java.util.Arrays.copyOfRange(order, nVal, n);
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            y[i] = Math.max(-LOGIT_CLIP, Math.min(LOGIT_CLIP, target[i]));
        }
        int width = spec.hiddenUnits();
        Ridge.Stats train = Ridge.stats(
                FactoryDataset.select(h, width, trainRows),
                trainRows.length,
                width,
                FactoryDataset.select(y, trainRows));
        Ridge.Stats val = Ridge.stats(
                FactoryDataset.select(h, width, valRows), valRows.length, width, FactoryDataset.select(y, valRows));
        Ridge.Fit fit = Ridge.fitWithValidation(train, val, Ridge.DEFAULT_ALPHAS);
        AffineMap readout = AffineMap.of(fit.weights(), new double[] {fit.intercept()}, width, 1);
        return new RandomFeatureNet(projection, hidden, readout, fit.alpha());
    }

    /**
     * Unit {@code j} is {@code relu(w_j · (v − v_{i_j}))} for a Gaussian direction {@code w_j} and a
     * random training row {@code i_j}: its kink lies where the data are.
     */
    private static AffineMap randomHyperplanes(double[] v, int n, int k, int units, SplittableRandom random) {
        double[] w = new double[k * units];
        double[] b = new double[units];
        double scale = 1.0 / Math.sqrt(k);
        for (int j = 0; j < units; j++) {
            int anchor = random.nextInt(n);
            double dot = 0.0;
            for (int a = 0; a < k; a++) {
                double wa = scale * random.nextGaussian();
                w[a * units + j] = wa;
                dot += wa * v[anchor * k + a];
            }
            b[j] = -dot;
        }
        return AffineMap.of(w, b, k, units);
    }

    /** The log-odds of the {@code n × d} rows of {@code u}. */
    double[] logits(double[] u, int n) {
        double[] v = projection == null ? u : projection.apply(u, n);
        return readout.apply(relu(hidden.apply(v, n)), n);
    }

    /** The health scores of the {@code n × d} rows of {@code u}. */
    double[] scores(double[] u, int n) {
        double[] s = logits(u, n);
        for (int i = 0; i < n; i++) {
            s[i] = FactoryPhysics.sigmoid(s[i]);
        }
        return s;
    }

    int parameterCount() {
        return (projection == null ? 0 : projection.parameterCount())
                + hidden.parameterCount()
                + readout.parameterCount();
    }

    /** The relative ridge penalty the validation split chose. */
    double alpha() {
        return alpha;
    }

    @Override
    public String apply(OnnxGraph g, String x) {
        String v = projection == null ? x : projection.apply(g, x);
        String h = g.op("Relu", hidden.apply(g, v));
        return g.op("Sigmoid", readout.apply(g, h));
    }

    private static double[] relu(double[] a) {
        for (int i = 0; i < a.length; i++) {
            if (a[i] < 0.0) {
                a[i] = 0.0;
            }
        }
        return a;
    }

    private static int[] shuffled(int n, SplittableRandom random) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}
