package io.polyroute.kit.factory;

/**
 * DESIGN §5 routing for one group: the {@code k} largest logits (ties to the lower index) and
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
