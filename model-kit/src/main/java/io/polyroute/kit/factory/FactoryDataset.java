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

import java.util.SplittableRandom;

/**
 * Independent draws from the factory for fitting and evaluation: operating states uniform over the
 * envelope {@code [0,1]³}, the same number of records for every machine type.
 */
final class FactoryDataset {
    final int n;
    /** Features, row-major {@code n × 32}, as the float32 values a record carries. */
    final double[] x;
    /** Log-odds of the true health score, the experts' regression target. */
    final double[] logit;
    /** The true health score. */
    final double[] score;

    final int[] regime;

    private FactoryDataset(int n) {
        this.n = n;
        this.x = new double[n * FactoryPhysics.FEATURES];
        this.logit = new double[n];
        this.score = new double[n];
        this.regime = new int[n];
    }

    static FactoryDataset draw(int perRegime, SplittableRandom random) {
        FactoryPhysics physics = FactoryPhysics.get();
        int types = FactoryPhysics.REGIMES.size();
        FactoryDataset d = new FactoryDataset(perRegime * types);
        float[] f = new float[FactoryPhysics.FEATURES];
        double[] z = new double[FactoryPhysics.LATENT];
        int i = 0;
        for (int k = 0; k < perRegime; k++) {
            for (int r = 0; r < types; r++) {
                for (int a = 0; a < z.length; a++) {
                    z[a] = random.nextDouble();
                }
                physics.features(r, z, random, f);
                for (int c = 0; c < f.length; c++) {
                    d.x[i * f.length + c] = f[c];
                }
                d.logit[i] = physics.healthLogit(r, z);
                d.score[i] = FactoryPhysics.sigmoid(d.logit[i]);
                d.regime[i] = r;
                i++;
            }
        }
        return d;
    }

    /** The rows of machine type {@code r}, in order. */
    int[] rowsOf(int r) {
        int count = 0;
        for (int v : regime) {
            if (v == r) {
                count++;
            }
        }
        int[] rows = new int[count];
        int j = 0;
        for (int i = 0; i < n; i++) {
            if (regime[i] == r) {
                rows[j++] = i;
            }
        }
        return rows;
    }

    /** The given rows of the row-major {@code n × width} matrix {@code m}. */
    static double[] select(double[] m, int width, int[] rows) {
        double[] out = new double[rows.length * width];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(m, rows[i] * width, out, i * width, width);
        }
        return out;
    }

    static double[] select(double[] v, int[] rows) {
        double[] out = new double[rows.length];
        for (int i = 0; i < rows.length; i++) {
            out[i] = v[rows[i]];
        }
        return out;
    }
}
