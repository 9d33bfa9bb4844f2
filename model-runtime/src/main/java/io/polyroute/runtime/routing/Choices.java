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

import java.util.Arrays;

/**
 * A stage's routing decision as the flat, parallel arrays records carry between operators and in
 * predictions: entry {@code i = o·k + j} is rank {@code j} of group {@code o}. The one place that
 * maps {@link RoutingDecision}s to these arrays and back.
 *
 * @param groups routing group of each entry
 * @param experts selected expert of each entry
 * @param weights its weight
 */
public record Choices(int[] groups, int[] experts, float[] weights) {

    /** The entries of {@code d}, group by group, highest score first. */
    public static Choices of(RoutingDecision d) {
        int k = d.k();
        int m = d.groups() * k;
        int[] groups = new int[m];
        int[] experts = new int[m];
        float[] weights = new float[m];
        for (int i = 0; i < m; i++) {
            groups[i] = i / k;
            experts[i] = d.expert(groups[i], i % k);
            weights[i] = d.weight(groups[i], i % k);
        }
        return new Choices(groups, experts, weights);
    }

    /** Entries of the decision. */
    public int size() {
        return experts.length;
    }

    /** {@code slotOf[e]} for each entry's expert {@code e}: where each selected expert runs. */
    public int[] slots(int[] slotOf) {
        int[] slots = new int[experts.length];
        for (int i = 0; i < slots.length; i++) {
            slots[i] = slotOf[experts[i]];
        }
        return slots;
    }

    /** {@code slot} for every entry: a decision served in one place. */
    public int[] slots(int slot) {
        int[] slots = new int[experts.length];
        Arrays.fill(slots, slot);
        return slots;
    }

    /**
     * Rebuilds the decision of {@code stage} from accumulated choices of several stages
     * ({@code stageOf[i]} tells each entry's stage; entries of one group are in rank order).
     */
    public static RoutingDecision decision(
            int stage, int[] stageOf, int[] groupOf, int[] expertOf, float[] weightOf, int reroutes) {
        int count = 0;
        int groups = 0;
        for (int i = 0; i < stageOf.length; i++) {
            if (stageOf[i] == stage) {
                count++;
                groups = Math.max(groups, groupOf[i] + 1);
            }
        }
        if (count == 0) {
            throw new IllegalArgumentException("No choices of stage " + stage + " among " + stageOf.length + ".");
        }
        int k = count / groups;
        int[] experts = new int[count];
        float[] weights = new float[count];
        int[] seen = new int[groups];
        for (int i = 0; i < stageOf.length; i++) {
            if (stageOf[i] == stage) {
                int g = groupOf[i];
                experts[g * k + seen[g]] = expertOf[i];
                weights[g * k + seen[g]] = weightOf[i];
                seen[g]++;
            }
        }
        return new RoutingDecision(groups, k, experts, weights, reroutes);
    }

    /** The decision of {@code groups × k} entries {@code experts}/{@code weights} in rank order. */
    public static RoutingDecision decision(int groups, int k, int[] experts, float[] weights, int reroutes) {
        return new RoutingDecision(groups, k, experts.clone(), weights.clone(), reroutes);
    }
}
