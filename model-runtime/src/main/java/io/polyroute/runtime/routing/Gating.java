package io.polyroute.runtime.routing;

/**
 * Top-k gating of DESIGN §5. For each group {@code o}, the selected set is the {@code k} experts
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
        int[] sel = new int[groups * k];
        float[] w = new float[groups * k];
        boolean rerouted = false;
        for (int o = 0; o < groups; o++) {
            int base = offset + o * experts;
            selectTopK(logits, base, experts, k, bias, sel, o * k);
            if (bias != null && !rerouted) {
                rerouted = differsFromUnbiased(logits, base, experts, k, sel, o * k);
            }
            softmax(logits, base, sel, o * k, k, w);
        }
        return new RoutingDecision(groups, k, sel, w, rerouted);
    }

    /** Routes {@code n} records whose logits are stored row after row. */
    public static RoutingDecision[] routeBatch(float[] logits, int n, int groups, int experts, int k, float[] bias) {
        RoutingDecision[] out = new RoutingDecision[n];
        int row = groups * experts;
        for (int i = 0; i < n; i++) {
            out[i] = route(logits, i * row, groups, experts, k, bias);
        }
        return out;
    }

    /**
     * Writes into {@code sel[at..at+k)} the indices of the k largest scores, highest first; on equal
     * scores the lower index wins. NaN scores rank below every number.
     */
    static void selectTopK(float[] z, int base, int experts, int k, float[] bias, int[] sel, int at) {
        for (int j = 0; j < k; j++) {
            int best = -1;
            float bestScore = 0f;
            for (int e = 0; e < experts; e++) {
                if (contains(sel, at, j, e)) {
                    continue;
                }
                float s = z[base + e] + (bias == null ? 0f : bias[e]);
                if (best < 0 || s > bestScore || (Float.isNaN(bestScore) && !Float.isNaN(s))) {
                    best = e;
                    bestScore = s;
                }
            }
            sel[at + j] = best;
        }
    }

    private static boolean contains(int[] sel, int at, int len, int e) {
        for (int i = 0; i < len; i++) {
            if (sel[at + i] == e) {
                return true;
            }
        }
        return false;
    }

    private static boolean differsFromUnbiased(float[] z, int base, int experts, int k, int[] sel, int at) {
        int[] plain = new int[k];
        selectTopK(z, base, experts, k, null, plain, 0);
        for (int j = 0; j < k; j++) {
            if (!contains(sel, at, k, plain[j])) {
                return true;
            }
        }
        return false;
    }

    private static void softmax(float[] z, int base, int[] sel, int at, int k, float[] w) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < k; j++) {
            max = Math.max(max, z[base + sel[at + j]]);
        }
        double sum = 0;
        double[] ex = new double[k];
        for (int j = 0; j < k; j++) {
            ex[j] = Math.exp(z[base + sel[at + j]] - max);
            sum += ex[j];
        }
        for (int j = 0; j < k; j++) {
            w[at + j] = (float) (ex[j] / sum);
        }
    }
}
