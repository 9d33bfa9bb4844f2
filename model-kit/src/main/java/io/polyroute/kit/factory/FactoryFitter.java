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
import io.polyroute.kit.linalg.SoftmaxRegression;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Fits the factory MoE and its dense baseline on fresh draws from the factory and measures both
 * on held-out draws.
 */
final class FactoryFitter {

    /**
     * The sizes of the fit.
     *
     * @param trainingPerType training records per machine type (a fifth of them choose ridge penalties)
     * @param heldOutPerType held-out records per machine type
     * @param encoderDims principal components the shared encoder keeps
     * @param localDims principal directions each expert projects its type's data onto
     * @param hiddenUnits random ReLU units per expert
     * @param topK experts per record in the shipped bundle
     */
    record Config(int trainingPerType, int heldOutPerType, int encoderDims, int localDims, int hiddenUnits, int topK) {
        static final Config DEFAULT = new Config(5000, 1500, 16, 3, 256, 1);
    }

    /** The fitted models and their report. */
    record Fitted(FactoryMoe moe, RandomFeatureNet dense, QualityReport report) {}

    private static final double GATE_L2 = 1e-4;
    private static final int GATE_MAX_STEPS = 30;
    private static final double VALIDATION_SHARE = 0.2;

    private FactoryFitter() {}

    static Fitted fit(long seed, Config cfg, Consumer<String> progress) {
        SplittableRandom root = new SplittableRandom(seed);
        SplittableRandom trainDraws = root.split();
        root.split(); // the held-out stream, see heldOut()
        SplittableRandom fitting = root.split();
        int types = FactoryPhysics.REGIMES.size();
        int d = FactoryPhysics.FEATURES;

        progress.accept(String.format(
                Locale.ROOT,
                "drawing %d training and %d held-out records (seed %d)",
                cfg.trainingPerType() * types,
                cfg.heldOutPerType() * types,
                seed));
        FactoryDataset train = FactoryDataset.draw(cfg.trainingPerType(), trainDraws);
        FactoryDataset heldOut = heldOut(seed, cfg);

        Pca pca = Pca.fit(train.x, train.n, d, cfg.encoderDims(), true);
        AffineMap encoder = AffineMap.of(pca.matrix(false), pca.offset(false), d, cfg.encoderDims());
        progress.accept(String.format(
                Locale.ROOT,
                "encoder: standardise + PCA to %d components (%.1f%% of the variance)",
                cfg.encoderDims(),
                100.0 * pca.explainedVariance()));
        int m = cfg.encoderDims();
        double[] u = encoder.apply(train.x, train.n);

        SoftmaxRegression.Model g = SoftmaxRegression.fit(u, train.n, m, train.regime, types, GATE_L2, GATE_MAX_STEPS);
        AffineMap gate = AffineMap.of(g.weights(), g.bias(), m, types);
        progress.accept("gate: multinomial logistic regression, " + g.iterations() + " Newton steps");

        List<RandomFeatureNet> experts = new ArrayList<>();
        RandomFeatureNet.Spec spec = new RandomFeatureNet.Spec(cfg.localDims(), cfg.hiddenUnits(), VALIDATION_SHARE);
        for (int r = 0; r < types; r++) {
            int[] rows = train.rowsOf(r);
            experts.add(RandomFeatureNet.fit(
                    FactoryDataset.select(u, m, rows),
                    rows.length,
                    m,
                    FactoryDataset.select(train.logit, rows),
                    spec,
                    fitting));
            progress.accept(String.format(
                    Locale.ROOT,
                    "expert %d/%d (%s): %d records, ridge alpha %.0e",
                    r + 1,
                    types,
                    FactoryPhysics.REGIMES.get(r),
                    rows.length,
                    experts.get(r).alpha()));
        }
        FactoryMoe moe = new FactoryMoe(encoder, gate, experts, cfg.topK());

        int denseUnits = Math.max(1, Math.round((moe.parameterCount() - 1) / (float) (m + 2)));
        progress.accept("dense baseline: " + denseUnits + " random ReLU units on all " + train.n + " records");
        RandomFeatureNet dense = RandomFeatureNet.fit(
                u, train.n, m, train.logit, new RandomFeatureNet.Spec(0, denseUnits, VALIDATION_SHARE), fitting);

        QualityReport report = measure(seed, cfg, train.n, heldOut, moe, dense);
        return new Fitted(moe, dense, report);
    }

    /** The held-out records the report of {@code seed} is measured on, drawn apart from the training data. */
    static FactoryDataset heldOut(long seed, Config cfg) {
        SplittableRandom root = new SplittableRandom(seed);
        root.split();
        return FactoryDataset.draw(cfg.heldOutPerType(), root.split());
    }

    private static QualityReport measure(
            long seed,
            Config cfg,
            int trainingRecords,
            FactoryDataset heldOut,
            FactoryMoe moe,
            RandomFeatureNet dense) {
        int otherK = cfg.topK() == 1 ? 2 : 1;
        FactoryMoe.Output shipped = moe.predict(heldOut.x, heldOut.n);
        FactoryMoe.Output other = moe.withTopK(otherK).predict(heldOut.x, heldOut.n);
        double[] denseScores = dense.scores(moe.encoder.apply(heldOut.x, heldOut.n), heldOut.n);
        int correct = 0;
        for (int i = 0; i < heldOut.n; i++) {
            if (shipped.topExpert()[i] == heldOut.regime[i]) {
                correct++;
            }
        }
        return new QualityReport(
                seed,
                trainingRecords,
                heldOut.n,
                correct / (double) heldOut.n,
                ModelQuality.measure(
                        "MoE top-" + cfg.topK() + " (shipped)", moe.parameterCount(), shipped.scores(), heldOut.score),
                ModelQuality.measure("MoE top-" + otherK, moe.parameterCount(), other.scores(), heldOut.score),
                ModelQuality.measure("dense baseline", dense.parameterCount(), denseScores, heldOut.score));
    }
}
