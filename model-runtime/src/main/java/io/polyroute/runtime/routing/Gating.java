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
 * Top-k gating of docs/design.md §5. For each group {@code o}, the selected set is the {@code k} experts
 * with the largest {@code z[o,e] + b[e]} (ties to the lower index); weights are the softmax of the
 * selected <em>logits</em> {@code z} — the bias steers selection and never enters the weights.
 */
public final class Gating {
    private Gating() {}

    /**
     * Routes one record.
     *
     * @param logits gate output; this record's logits are {@code logits[offset + o·E + e]}
     * @param offset start of this record's row
     * @param groups routing groups G
     * @param experts expert count E
     * @param k experts per group
     * @param bias balancing bias of length E, or null for none
     */
    public static RoutingDecision route(float[] logits, int offset, int groups, int experts, int k, float[] bias) {
        return route(logits, offset, groups, experts, k, bias, new double[k]);
    }

    /** Routes {@code n} records whose logits are stored row after row. */
    public static RoutingDecision[] routeBatch(float[] logits, int n, int groups, int experts, int k, float[] bias) {
        RoutingDecision[] out = new RoutingDecision[n];
        int row = groups * experts;
        double[] scratch = new double[k];
        for (int i = 0; i < n; i++) {
            out[i] = route(logits, i * row, groups, experts, k, bias, scratch);
        }
        return out;
    }

    /** As {@link #route(float[], int, int, int, int, float[])}; {@code scratch} holds k doubles. */
    private static RoutingDecision route(
            float[] logits, int offset, int groups, int experts, int k, float[] bias, double[] scratch) {
        int[] sel = new int[groups * k];
        float[] w = new float[groups * k];
        boolean rerouted = false;
        for (int o = 0; o < groups; o++) {
            int base = offset + o * experts;
            selectTopK(logits, base, experts, k, bias, sel, o * k);
            if (bias != null && !rerouted) {
                rerouted = differsFromUnbiased(logits, base, experts, k, sel, o * k);
            }
            softmax(logits, base, sel, o * k, k, w, scratch);
        }
        return new RoutingDecision(groups, k, sel, w, rerouted);
    }

    /**
     * Writes into {@code sel[at..at+k)} the indices of the k largest scores, highest first; on equal
     * scores the lower index wins. NaN scores rank below every number.
     */
    static void selectTopK(float[] z, int base, int experts, int k, float[] bias, int[] sel, int at) {
        // One pass of insertion into a list kept in rank order. Experts arrive in ascending index
        // and only a strictly better score moves ahead, so equal scores keep the lower index first.
        int filled = 0;
        float last = 0f; // score of the k-th entry once the list is full
        for (int e = 0; e < experts; e++) {
            float s = z[base + e] + (bias == null ? 0f : bias[e]);
            if (filled == k && !ranksAbove(s, last)) {
                continue;
            }
            int j = filled;
            while (j > 0 && ranksAbove(s, score(z, base, bias, sel[at + j - 1]))) {
                j--;
            }
            for (int i = Math.min(filled, k - 1); i > j; i--) {
                sel[at + i] = sel[at + i - 1];
            }
            sel[at + j] = e;
            if (filled < k) {
                filled++;
            }
            if (filled == k) {
                last = score(z, base, bias, sel[at + k - 1]);
            }
        }
    }

    private static float score(float[] z, int base, float[] bias, int e) {
        return z[base + e] + (bias == null ? 0f : bias[e]);
    }

    /** Whether score {@code s} ranks strictly above {@code t}; NaN ranks below every number. */
    private static boolean ranksAbove(float s, float t) {
        return s > t || (Float.isNaN(t) && !Float.isNaN(s));
    }

    private static boolean contains(int[] sel, int at, int len, int e) {
        for (int i = 0; i < len; i++) {
            if (sel[at + i] == e) {
                return true;
            }
        }
        return false;
    }

    static boolean differsFromUnbiased(float[] z, int base, int experts, int k, int[] sel, int at) {
        int[] plain = new int[k];
        selectTopK(z, base, experts, k, null, plain, 0);
        for (int j = 0; j < k; j++) {
            if (!contains(sel, at, k, plain[j])) {
                return true;
            }
        }
        return false;
    }

    static void softmax(float[] z, int base, int[] sel, int at, int k, float[] w, double[] ex) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < k; j++) {
            max = Math.max(max, z[base + sel[at + j]]);
        }
        double sum = 0;
        for (int j = 0; j < k; j++) {
            double d = z[base + sel[at + j]] - max;
            ex[j] = d == 0 ? 1.0 : Math.exp(d); // exp(0) is exactly 1: the top logit needs no exp
            sum += ex[j];
        }
        for (int j = 0; j < k; j++) {
            w[at + j] = (float) (ex[j] / sum);
        }
    }
}
