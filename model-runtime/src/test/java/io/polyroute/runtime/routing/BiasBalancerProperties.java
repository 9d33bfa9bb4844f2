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
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** Bias balancing after DeepSeek-V3: {@code b[e] -= γ·sign(load[e] − mean)} per window. */
class BiasBalancerProperties {
    private static final int BATCH = 256;
    private static final int WINDOWS = 150;

    @Property(tries = 30)
    void shouldEvenOutASkewedLoad(
            @ForAll @IntRange(min = 4, max = 12) int experts,
            @ForAll @IntRange(min = 1, max = 2) int k,
            @ForAll long seed) {
        Random rnd = new Random(seed);
        // Each expert has a fixed popularity (up to 3 logits apart) plus per-record noise.
        float[] popularity = new float[experts];
        for (int e = 0; e < experts; e++) {
            popularity[e] = (float) (rnd.nextDouble() * 3);
        }
        BiasBalancer balancer = new BiasBalancer(experts, 0.05f);
        long[] balanced = new long[experts];
        long[] plain = new long[experts];
        for (int w = 0; w < WINDOWS; w++) {
            float[] z = new float[BATCH * experts];
            for (int i = 0; i < z.length; i++) {
                z[i] = popularity[i % experts] + (float) rnd.nextGaussian();
            }
            balancer.count(Gating.routeBatch(z, BATCH, 1, experts, k, balancer.bias()));
            if (w >= WINDOWS - 30) {
                // Load over the last windows, with the learned bias and with the plain gate.
                add(balanced, balancer.windowLoad());
                for (RoutingDecision d : Gating.routeBatch(z, BATCH, 1, experts, k, null)) {
                    for (int i = 0; i < d.visitedCount(); i++) {
                        plain[d.visitedExpert(i)]++;
                    }
                }
            }
            balancer.update();
        }
        assertThat(imbalance(balanced))
                .as("max/mean load with balancing (without: %.2f)", imbalance(plain))
                .isLessThanOrEqualTo(Math.min(1.15, imbalance(plain) + 0.02));
        assertThat(balancer.maxAbsBias()).isLessThanOrEqualTo(0.05f * WINDOWS);
    }

    private static void add(long[] into, long[] load) {
        for (int e = 0; e < load.length; e++) {
            into[e] += load[e];
        }
    }

    private static double imbalance(long[] load) {
        long max = 0;
        long total = 0;
        for (long l : load) {
            max = Math.max(max, l);
            total += l;
        }
        return max / ((double) total / load.length);
    }
}
