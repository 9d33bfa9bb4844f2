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

/**
 * docs/design.md §5 routing for one group: the {@code k} largest logits (ties to the lower index) and
 * softmax weights over just those.
 */
final class TopK {
    private TopK() {}

    /** Writes the selected expert indices into {@code selected} and their weights into {@code weights}. */
    static void route(double[] logits, int offset, int experts, int k, int[] selected, double[] weights) {
        boolean[] taken = new boolean[experts];
        for (int s = 0; s < k; s++) {
            int best = -1;
            for (int e = 0; e < experts; e++) {
                if (!taken[e] && (best < 0 || logits[offset + e] > logits[offset + best])) {
                    best = e;
                }
            }
            taken[best] = true;
            selected[s] = best;
        }
        double max = logits[offset + selected[0]];
        double sum = 0.0;
        for (int s = 0; s < k; s++) {
            weights[s] = Math.exp(logits[offset + selected[s]] - max);
            sum += weights[s];
        }
        for (int s = 0; s < k; s++) {
            weights[s] /= sum;
        }
    }
}
