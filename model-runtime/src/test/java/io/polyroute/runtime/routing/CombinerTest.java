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
package io.polyroute.runtime.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/** The combines against a plain double-precision transcription of docs/design.md §5. */
class CombinerTest {
    private final Random rnd = new Random(42);

    @RepeatedTest(20)
    void weightedSumMatchesTheDoublePrecisionFormula() {
        int e = 8;
        int p = 1 + rnd.nextInt(40);
        RoutingDecision d = randomDecision(1, e, 1 + rnd.nextInt(e));
        float[][] outs = randomOutputs(e, p);
        float[] y = new float[p];
        Combiner.weightedSum(p).combine(d, outs, y, 0);
        double[] expected = new double[p];
        for (int x = 0; x < e; x++) {
            double w = d.weightOf(0, x);
            for (int i = 0; i < p; i++) {
                expected[i] += w * outs[x][i];
            }
        }
        assertClose(y, expected);
    }

    @RepeatedTest(20)
    void tensorPolyRankMatchesTheOuterProductFormula() {
        int e = 6;
        int n = 1 + rnd.nextInt(4);
        int m = 1 + rnd.nextInt(4);
        int full = (int) Math.pow(m, n);
        int d = 1 + rnd.nextInt(full);
        RoutingDecision dec = randomDecision(1, e, 1 + rnd.nextInt(e));
        float[][] outs = randomOutputs(e, n * m);
        float[] y = new float[d];
        Combiner.tensorPolyRank(n, m, d).combine(dec, outs, y, 0);
        double[] expected = new double[full];
        for (int x = 0; x < e; x++) {
            double w = dec.weightOf(0, x);
            if (w == 0) {
                continue;
            }
            double[] outer = outer(leaves(outs[x], n, m));
            for (int i = 0; i < full; i++) {
                expected[i] += w * outer[i];
            }
        }
        assertClose(y, java.util.Arrays.copyOf(expected, d));
    }

    @RepeatedTest(20)
    void tensorPolyOrderMatchesTheOuterProductOfMixtures() {
        int e = 6;
        int n = 1 + rnd.nextInt(4);
        int m = 1 + rnd.nextInt(4);
        int full = (int) Math.pow(m, n);
        int d = 1 + rnd.nextInt(full);
        RoutingDecision dec = randomDecision(n, e, 1 + rnd.nextInt(e));
        float[][] outs = randomOutputs(e, n * m);
        float[] y = new float[d];
        Combiner.tensorPolyOrder(n, m, d).combine(dec, outs, y, 0);
        double[][] mix = new double[n][m];
        for (int o = 0; o < n; o++) {
            for (int x = 0; x < e; x++) {
                double w = dec.weightOf(o, x);
                for (int a = 0; a < m; a++) {
                    mix[o][a] += w * outs[x][o * m + a];
                }
            }
        }
        assertClose(y, java.util.Arrays.copyOf(outer(mix), d));
    }

    @RepeatedTest(20)
    void combiningInPlaceFromBatchedOutputsGivesTheSameBits() {
        int e = 6;
        int n = 1 + rnd.nextInt(3);
        int m = 1 + rnd.nextInt(4);
        int d = 1 + rnd.nextInt((int) Math.pow(m, n));
        int p = n * m;
        Combiner[] combiners = {
            Combiner.weightedSum(p), Combiner.tensorPolyRank(n, m, d), Combiner.tensorPolyOrder(n, m, d)
        };
        int[] groups = {1, 1, n};
        for (int c = 0; c < combiners.length; c++) {
            for (int k = 1; k <= e; k++) {
                RoutingDecision dec = randomDecision(groups[c], e, k);
                float[][] outs = randomOutputs(e, p);
                // The same rows inside larger batched arrays, at a different row of each.
                float[][] batched = new float[e][];
                int[] offsets = new int[e];
                for (int x = 0; x < e; x++) {
                    int row = rnd.nextInt(4);
                    batched[x] = new float[(row + 1 + rnd.nextInt(3)) * p];
                    java.util.Arrays.fill(batched[x], Float.NaN);
                    System.arraycopy(outs[x], 0, batched[x], row * p, p);
                    offsets[x] = row * p;
                }
                int width = combiners[c].outputDim();
                float[] plain = new float[width + 3];
                float[] inPlace = new float[width + 3];
                combiners[c].combine(dec, outs, plain, 3);
                combiners[c].combine(dec, batched, offsets, inPlace, 3);
                assertThat(inPlace).as("combiner %d, top-%d", c, k).containsExactly(plain);
            }
        }
    }

    @Test
    void outerProductIsRowMajorWithTheLastIndexFastest() {
        // Leaves [1,2,3] and [10,20,30]; truncated to the first 7 of the 9 products.
        RoutingDecision d = new RoutingDecision(1, 1, new int[] {0}, new float[] {1f}, false);
        float[] y = new float[7];
        Combiner.tensorPolyRank(2, 3, 7).combine(d, new float[][] {{1, 2, 3, 10, 20, 30}}, y, 0);
        assertThat(y).containsExactly(10f, 20f, 30f, 20f, 40f, 60f, 30f);
    }

    @Test
    void truncationBeyondTheFullTensorIsRefused() {
        assertThatThrownBy(() -> Combiner.tensorPolyOrder(2, 3, 10))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("exceeds leaf_dim^order = 9");
    }

    private RoutingDecision randomDecision(int groups, int e, int k) {
        float[] z = new float[groups * e];
        for (int i = 0; i < z.length; i++) {
            z[i] = (float) rnd.nextGaussian() * 2;
        }
        return Gating.route(z, 0, groups, e, k, null);
    }

    private float[][] randomOutputs(int e, int p) {
        float[][] outs = new float[e][p];
        for (float[] row : outs) {
            for (int i = 0; i < p; i++) {
                row[i] = (float) rnd.nextGaussian();
            }
        }
        return outs;
    }

    private static double[][] leaves(float[] f, int n, int m) {
        double[][] l = new double[n][m];
        for (int o = 0; o < n; o++) {
            for (int a = 0; a < m; a++) {
                l[o][a] = f[o * m + a];
            }
        }
        return l;
    }

    private static double[] outer(double[][] vecs) {
        double[] acc = {1.0};
        for (double[] v : vecs) {
            double[] next = new double[acc.length * v.length];
            for (int i = 0; i < acc.length; i++) {
                for (int j = 0; j < v.length; j++) {
                    next[i * v.length + j] = acc[i] * v[j];
                }
            }
            acc = next;
        }
        return acc;
    }

    private static void assertClose(float[] actual, double[] expected) {
        assertThat(actual).hasSize(expected.length);
        for (int i = 0; i < expected.length; i++) {
            double tol = 1e-5 * Math.max(1.0, Math.abs(expected[i]));
            assertThat((double) actual[i])
                    .as("entry %d", i)
                    .isCloseTo(expected[i], org.assertj.core.data.Offset.offset(tol));
        }
    }
}
