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

import java.util.Arrays;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class GatingProperties {

    record Case(int groups, int experts, int k, float[] logits, float[] bias) {}

    @Provide
    Arbitrary<Case> cases() {
        return Combinators.combine(
                        Arbitraries.integers().between(1, 4),
                        Arbitraries.integers().between(1, 24),
                        Arbitraries.longs())
                .as((g, e, seed) -> {
                    java.util.Random rnd = new java.util.Random(seed);
                    int k = 1 + rnd.nextInt(e);
                    float[] z = new float[g * e];
                    for (int i = 0; i < z.length; i++) {
                        // Coarse values make ties frequent.
                        z[i] = rnd.nextBoolean() ? rnd.nextInt(5) : (float) rnd.nextGaussian() * 4;
                    }
                    float[] b = new float[e];
                    for (int i = 0; i < e; i++) {
                        b[i] = rnd.nextInt(3) == 0 ? 0f : (float) rnd.nextGaussian() * 3;
                    }
                    return new Case(g, e, k, z, b);
                });
    }

    @Property
    void weightsOfEveryGroupSumToOne(@ForAll("cases") Case c) {
        RoutingDecision d = Gating.route(c.logits, 0, c.groups, c.experts, c.k, c.bias);
        for (int o = 0; o < c.groups; o++) {
            double sum = 0;
            for (int j = 0; j < c.k; j++) {
                assertThat(d.weight(o, j)).isBetween(0f, 1f);
                sum += d.weight(o, j);
            }
            assertThat(sum).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-6));
        }
    }

    @Property
    void everyGroupSelectsKDistinctExperts(@ForAll("cases") Case c) {
        RoutingDecision d = Gating.route(c.logits, 0, c.groups, c.experts, c.k, null);
        for (int o = 0; o < c.groups; o++) {
            int[] sel = new int[c.k];
            for (int j = 0; j < c.k; j++) {
                sel[j] = d.expert(o, j);
                assertThat(sel[j]).isBetween(0, c.experts - 1);
            }
            assertThat(Arrays.stream(sel).distinct().count()).isEqualTo(c.k);
        }
    }

    @Property
    void selectionIsTheKLargestScoresWithTiesToTheLowerIndex(@ForAll("cases") Case c) {
        RoutingDecision d = Gating.route(c.logits, 0, c.groups, c.experts, c.k, c.bias);
        for (int o = 0; o < c.groups; o++) {
            // Reference: stable sort of indices by descending score.
            final int g = o;
            Integer[] idx = new Integer[c.experts];
            for (int e = 0; e < c.experts; e++) {
                idx[e] = e;
            }
            Arrays.sort(idx, (a, b) -> Float.compare(score(c, g, b), score(c, g, a)));
            for (int j = 0; j < c.k; j++) {
                assertThat(d.expert(o, j)).isEqualTo(idx[j]);
            }
        }
    }

    @Property
    void biasChangesSelectionButNeverTheWeightsOfTheSelected(@ForAll("cases") Case c) {
        RoutingDecision biased = Gating.route(c.logits, 0, c.groups, c.experts, c.k, c.bias);
        for (int o = 0; o < c.groups; o++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < c.k; j++) {
                max = Math.max(max, c.logits[o * c.experts + biased.expert(o, j)]);
            }
            double sum = 0;
            for (int j = 0; j < c.k; j++) {
                sum += Math.exp(c.logits[o * c.experts + biased.expert(o, j)] - max);
            }
            for (int j = 0; j < c.k; j++) {
                double expected = Math.exp(c.logits[o * c.experts + biased.expert(o, j)] - max) / sum;
                assertThat((double) biased.weight(o, j)).isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-6));
            }
        }
    }

    @Property
    void allEqualLogitsSelectTheLowestIndices(@ForAll("cases") Case c) {
        float[] flat = new float[c.groups * c.experts];
        Arrays.fill(flat, 0.25f);
        RoutingDecision d = Gating.route(flat, 0, c.groups, c.experts, c.k, null);
        for (int o = 0; o < c.groups; o++) {
            for (int j = 0; j < c.k; j++) {
                assertThat(d.expert(o, j)).isEqualTo(j);
                assertThat(d.weight(o, j)).isCloseTo(1f / c.k, org.assertj.core.data.Offset.offset(1e-6f));
            }
        }
        assertThat(d.rerouted()).isFalse();
    }

    private static float score(Case c, int o, int e) {
        return c.logits[o * c.experts + e] + c.bias[e];
    }
}
