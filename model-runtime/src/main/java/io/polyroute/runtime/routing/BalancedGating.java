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

/**
 * Top-k gating of a micro-batch with the optional balancing of docs/design.md §6: a balancing bias that
 * steers selection (see {@link Gating}) and a capacity per expert.
 *
 * <p>With a capacity factor {@code c > 0}, each expert takes at most
 * {@code ceil(c · k · n / E)} records of an {@code n}-record batch in each routing group. Records
 * claim their experts in batch order, best score ({@code z + b}) first; a record whose choice is
 * full overflows to its next-best expert that it has not selected yet and that still has room. When
 * no expert has room the record keeps its original choice, so no record is ever dropped (and only
 * then is a capacity exceeded). Weights are always the softmax of the finally selected logits
 * {@code z}; neither bias nor capacity enters them.
 *
 * <p>Every decision says what changed it: {@link RoutingDecision#BIAS_BALANCED} when the biased
 * selection differs from the gate's own, {@link RoutingDecision#CAPACITY_OVERFLOW} when capacity
 * moved the record away from the biased selection.
 */
public final class BalancedGating {
    private BalancedGating() {}

    /**
     * Routes {@code n} records whose logits are stored row after row ({@code G·E} per record).
     * Without a capacity ({@code capacityFactor <= 0}) this is exactly
     * {@link Gating#routeBatch(float[], int, int, int, int, float[])}.
     *
     * @param bias balancing bias of length E, or null for none
     * @param capacityFactor capacity per expert in units of its even share of the batch, or 0 for no capacity
     */
    public static RoutingDecision[] routeBatch(
            float[] logits, int n, int groups, int experts, int k, float[] bias, double capacityFactor) {
        if (capacityFactor <= 0) {
            return Gating.routeBatch(logits, n, groups, experts, k, bias);
        }
        int capacity = capacity(capacityFactor, k, n, experts);
        int[] used = new int[groups * experts];
        int[] ranking = new int[experts];
        boolean[] chosen = new boolean[experts];
        double[] scratch = new double[k];
        RoutingDecision[] out = new RoutingDecision[n];
        for (int r = 0; r < n; r++) {
            int[] sel = new int[groups * k];
            float[] w = new float[groups * k];
            int reroutes = 0;
            for (int o = 0; o < groups; o++) {
                int base = (r * groups + o) * experts;
                Gating.selectTopK(logits, base, experts, experts, bias, ranking, 0);
                if (bias != null && Gating.differsFromUnbiased(logits, base, experts, k, ranking, 0)) {
                    reroutes |= RoutingDecision.BIAS_BALANCED;
                }
                if (claim(ranking, k, capacity, used, o * experts, chosen, sel, o * k)) {
                    reroutes |= RoutingDecision.CAPACITY_OVERFLOW;
                }
                Gating.softmax(logits, base, sel, o * k, k, w, scratch);
            }
            out[r] = new RoutingDecision(groups, k, sel, w, reroutes);
        }
        return out;
    }

    /** The most records one expert takes per routing group in a batch of {@code n}: {@code ceil(c·k·n/E)}. */
    public static int capacity(double capacityFactor, int k, int n, int experts) {
        return (int) Math.ceil(capacityFactor * k * n / experts);
    }

    /**
     * Picks k experts for one record and group from its full {@code ranking} (best first): the
     * best-ranked ones with room, then, if fewer than k have room, its original top-k choices that
     * are still missing. Writes them in rank order to {@code sel[at..at+k)}, charges them to
     * {@code used[usedAt + e]} and returns whether the pick differs from the original top k.
     */
    private static boolean claim(
            int[] ranking, int k, int capacity, int[] used, int usedAt, boolean[] chosen, int[] sel, int at) {
        int experts = ranking.length;
        java.util.Arrays.fill(chosen, false);
        int taken = 0;
        for (int p = 0; p < experts && taken < k; p++) {
            if (used[usedAt + ranking[p]] < capacity) {
                chosen[p] = true;
                taken++;
            }
        }
        // Nobody else has room: keep original choices, over capacity, rather than drop the record.
        for (int p = 0; p < k && taken < k; p++) {
            if (!chosen[p]) {
                chosen[p] = true;
                taken++;
            }
        }
        boolean moved = false;
        int j = 0;
        for (int p = 0; p < experts && j < k; p++) {
            if (chosen[p]) {
                int e = ranking[p];
                sel[at + j++] = e;
                used[usedAt + e]++;
                moved |= p >= k;
            }
        }
        return moved;
    }
}
