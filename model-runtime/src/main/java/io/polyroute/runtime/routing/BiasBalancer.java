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
 * Auxiliary-loss-free load balancing after DeepSeek-V3, for one stage: a bias {@code b[e]} added
 * to the gate logits for selection only (see {@link Gating}). Routed records are counted per
 * expert over a window; at the end of each window {@link #update()} moves every bias one step
 * against its expert's deviation from the mean load, {@code b[e] -= γ · sign(load[e] − mean)}, so
 * busy experts become less attractive and idle ones more.
 *
 * <p>Not thread-safe: one instance belongs to one routing thread (one operator subtask).
 */
public final class BiasBalancer {
    private final float gamma;
    private final float[] bias;
    private final long[] load;

    /**
     * @param experts expert count E of the stage
     * @param gamma step per window, in logits (the units of the gate output); must be positive
     */
    public BiasBalancer(int experts, float gamma) {
        if (experts < 1) {
            throw new IllegalArgumentException("A bias balancer needs at least one expert, got " + experts + ".");
        }
        if (!(gamma > 0) || !Float.isFinite(gamma)) {
            throw new IllegalArgumentException(
                    "The bias step gamma must be a positive number of logits, got " + gamma + ".");
        }
        this.gamma = gamma;
        this.bias = new float[experts];
        this.load = new long[experts];
    }

    /** The current bias, length E. Live: routing reads it, callers must not write it. */
    public float[] bias() {
        return bias;
    }

    /** Counts one visit per (record, expert) of {@code decisions} into the current window. */
    public void count(RoutingDecision[] decisions) {
        for (RoutingDecision d : decisions) {
            for (int i = 0; i < d.visitedCount(); i++) {
                load[d.visitedExpert(i)]++;
            }
        }
    }

    /** The visits counted in the current window, per expert. */
    public long[] windowLoad() {
        return load.clone();
    }

    /**
     * Ends the window: steps every bias against its expert's load deviation, then clears the
     * counts. A window without records changes nothing.
     */
    public void update() {
        long total = 0;
        for (long l : load) {
            total += l;
        }
        int experts = load.length;
        for (int e = 0; e < experts; e++) {
            // sign(load − total/E) without division: compare load·E with total.
            int sign = Long.compare(load[e] * experts, total);
            bias[e] -= gamma * sign;
        }
        Arrays.fill(load, 0);
    }

    /** The largest |b[e]|, in logits. */
    public float maxAbsBias() {
        float m = 0f;
        for (float b : bias) {
            m = Math.max(m, Math.abs(b));
        }
        return m;
    }

    /** A copy of the bias, for checkpoints. */
    public float[] snapshot() {
        return bias.clone();
    }

    /** Continues from a bias taken with {@link #snapshot()}; a bias of another length is refused. */
    public void restore(float[] saved) {
        if (saved.length != bias.length) {
            throw new IllegalArgumentException("A saved balancing bias has " + saved.length
                    + " entries but the stage has " + bias.length + " experts; was the bundle changed?");
        }
        System.arraycopy(saved, 0, bias, 0, bias.length);
    }
}
