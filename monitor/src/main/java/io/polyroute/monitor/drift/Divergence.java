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
package io.polyroute.monitor.drift;

/**
 * The Jensen-Shannon divergence of two discrete distributions, in bits:
 *
 * <pre>
 * JS(P, Q) = ½ KL(P ‖ M) + ½ KL(Q ‖ M),   M = ½ (P + Q),   KL(P ‖ M) = Σ p_i log2(p_i / m_i)
 * </pre>
 *
 * <p>It is symmetric, finite even where one distribution has zeros the other has not, and lies
 * in [0, 1]: 0 for identical distributions, 1 for distributions with disjoint support.
 */
public final class Divergence {

    private Divergence() {}

    /**
     * JS divergence of the distributions proportional to {@code p} and {@code q} (non-negative
     * weights, normalised here; the shorter array is padded with zeros).
     *
     * @return the divergence in bits, or NaN if either has no mass
     */
    public static double jensenShannon(double[] p, double[] q) {
        double sp = sum(p);
        double sq = sum(q);
        if (!(sp > 0) || !(sq > 0)) {
            return Double.NaN;
        }
        int n = Math.max(p.length, q.length);
        double js = 0.0;
        for (int i = 0; i < n; i++) {
            double pi = i < p.length ? p[i] / sp : 0.0;
            double qi = i < q.length ? q[i] / sq : 0.0;
            double mi = 0.5 * (pi + qi);
            if (pi > 0) {
                js += 0.5 * pi * log2(pi / mi);
            }
            if (qi > 0) {
                js += 0.5 * qi * log2(qi / mi);
            }
        }
        return Math.min(1.0, Math.max(0.0, js));
    }

    private static double sum(double[] v) {
        double s = 0.0;
        for (double x : v) {
            s += x;
        }
        return s;
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2.0);
    }
}
