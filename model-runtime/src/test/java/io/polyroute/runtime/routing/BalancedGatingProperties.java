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

import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.assertj.core.data.Offset;

/** Capacity-limited routing with overflow to the next-best expert (docs/design.md §6), and bias balancing. */
class BalancedGatingProperties {

    record Batch(int n, int groups, int experts, int k, float[] logits, float[] bias, double factor) {}

    @Provide
    Arbitrary<Batch> batches() {
        return Combinators.combine(
                        Arbitraries.integers().between(1, 3),
                        Arbitraries.integers().between(2, 12),
                        Arbitraries.integers().between(1, 80),
                        Arbitraries.longs())
                .as((g, e, n, seed) -> {
                    Random rnd = new Random(seed);
                    int k = 1 + rnd.nextInt(e);
                    float[] z = skewedLogits(rnd, n, g, e);
                    float[] b = new float[e];
                    for (int i = 0; i < e; i++) {
                        b[i] = rnd.nextBoolean() ? 0f : (float) rnd.nextGaussian();
                    }
                    double factor = 1 + rnd.nextDouble();
                    return new Batch(n, g, e, k, z, rnd.nextBoolean() ? b : null, factor);
                });
    }

    /** Logits where expert 0 and 1 are favoured and coarse values make ties frequent. */
    private static float[] skewedLogits(Random rnd, int n, int groups, int experts) {
        float[] z = new float[n * groups * experts];
        for (int i = 0; i < z.length; i++) {
            int e = i % experts;
            float skew = e == 0 ? 3f : e == 1 ? 1.5f : 0f;
            z[i] = skew + (rnd.nextBoolean() ? rnd.nextInt(3) : (float) rnd.nextGaussian());
        }
        return z;
    }

    @Property
    void shouldNeverExceedCapacityWhileAnotherExpertHasRoom(@ForAll("batches") Batch c) {
        RoutingDecision[] out = BalancedGating.routeBatch(c.logits, c.n, c.groups, c.experts, c.k, c.bias, c.factor);
        int capacity = BalancedGating.capacity(c.factor, c.k, c.n, c.experts);
        for (int o = 0; o < c.groups; o++) {
            int[] used = new int[c.experts];
            for (int r = 0; r < c.n; r++) {
                RoutingDecision d = out[r];
                int withRoom = 0;
                for (int e = 0; e < c.experts; e++) {
                    withRoom += used[e] < capacity ? 1 : 0;
                }
                for (int j = 0; j < c.k; j++) {
                    int e = d.expert(o, j);
                    if (used[e] >= capacity) {
                        // Over capacity only when fewer than k experts had room, and then the
                        // record took every one that had.
                        assertThat(withRoom)
                                .as("experts with room before record %d", r)
                                .isLessThan(c.k);
                        for (int x = 0; x < c.experts; x++) {
                            if (used[x] < capacity) {
                                assertThat(contains(d, o, x))
                                        .as("record %d took expert %d with room", r, x)
                                        .isTrue();
                            }
                        }
                    }
                }
                for (int j = 0; j < c.k; j++) {
                    used[d.expert(o, j)]++;
                }
            }
        }
    }

    @Property
    void shouldSelectKDistinctExpertsWithWeightsSummingToOne(@ForAll("batches") Batch c) {
        RoutingDecision[] out = BalancedGating.routeBatch(c.logits, c.n, c.groups, c.experts, c.k, c.bias, c.factor);
        for (int r = 0; r < c.n; r++) {
            RoutingDecision d = out[r];
            for (int o = 0; o < c.groups; o++) {
                double sum = 0;
                java.util.Set<Integer> seen = new java.util.HashSet<>();
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < c.k; j++) {
                    assertThat(seen.add(d.expert(o, j))).isTrue();
                    sum += d.weight(o, j);
                    max = Math.max(max, c.logits[(r * c.groups + o) * c.experts + d.expert(o, j)]);
                }
                assertThat(sum).isCloseTo(1.0, Offset.offset(1e-6));
                // Weights are the softmax of the selected logits, without the bias.
                double denom = 0;
                for (int j = 0; j < c.k; j++) {
                    denom += Math.exp(c.logits[(r * c.groups + o) * c.experts + d.expert(o, j)] - max);
                }
                for (int j = 0; j < c.k; j++) {
                    double want = Math.exp(c.logits[(r * c.groups + o) * c.experts + d.expert(o, j)] - max) / denom;
                    assertThat((double) d.weight(o, j)).isCloseTo(want, Offset.offset(1e-6));
                }
            }
        }
    }

    @Property
    void shouldFlagExactlyTheRecordsThatLeftTheirPlainTopK(@ForAll("batches") Batch c) {
        RoutingDecision[] out = BalancedGating.routeBatch(c.logits, c.n, c.groups, c.experts, c.k, c.bias, c.factor);
        RoutingDecision[] plain = Gating.routeBatch(c.logits, c.n, c.groups, c.experts, c.k, null);
        for (int r = 0; r < c.n; r++) {
            if (!out[r].rerouted()) {
                assertThat(sameSets(out[r], plain[r]))
                        .as("record %d is unflagged", r)
                        .isTrue();
            }
            if (c.bias == null) {
                assertThat(out[r].biasBalanced()).isFalse();
            }
        }
    }

    @Property
    void shouldRouteExactlyAsTheGateWithoutBalancing(@ForAll("batches") Batch c) {
        RoutingDecision[] off = BalancedGating.routeBatch(c.logits, c.n, c.groups, c.experts, c.k, c.bias, 0);
        RoutingDecision[] today = Gating.routeBatch(c.logits, c.n, c.groups, c.experts, c.k, c.bias);
        assertThat(off).containsExactly(today);
        for (int r = 0; r < c.n; r++) {
            for (int o = 0; o < c.groups; o++) {
                for (int j = 0; j < c.k; j++) {
                    assertThat(Float.floatToRawIntBits(off[r].weight(o, j)))
                            .isEqualTo(Float.floatToRawIntBits(today[r].weight(o, j)));
                }
            }
        }
    }

    @Property
    void shouldKeepTheGateDecisionWhenCapacityIsNeverReached(@ForAll("batches") Batch c) {
        // A factor of E/k gives every expert room for the whole batch.
        double roomy = (double) c.experts / c.k;
        RoutingDecision[] out = BalancedGating.routeBatch(c.logits, c.n, c.groups, c.experts, c.k, null, roomy);
        RoutingDecision[] today = Gating.routeBatch(c.logits, c.n, c.groups, c.experts, c.k, null);
        assertThat(out).containsExactly(today);
    }

    private static boolean sameSets(RoutingDecision a, RoutingDecision b) {
        for (int o = 0; o < a.groups(); o++) {
            for (int j = 0; j < a.k(); j++) {
                if (!contains(b, o, a.expert(o, j))) {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean contains(RoutingDecision d, int o, int e) {
        for (int j = 0; j < d.k(); j++) {
            if (d.expert(o, j) == e) {
                return true;
            }
        }
        return false;
    }
}
