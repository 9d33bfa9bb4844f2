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
 * The routing of one record at one stage: for each routing group {@code o} the {@code k} selected
 * experts (highest score first) and their softmax weights.
 */
public final class RoutingDecision {
    /** {@link #reroutes()} bit: the balancing bias changed the selected set. */
    public static final int BIAS_BALANCED = 1;
    /** {@link #reroutes()} bit: a full expert's capacity moved the record to a next-best expert. */
    public static final int CAPACITY_OVERFLOW = 2;

    private final int groups;
    private final int k;
    /** Selected experts, row-major {@code [groups][k]}. */
    private final int[] experts;
    /** Weights aligned with {@link #experts}; each group's weights sum to 1. */
    private final float[] weights;
    /** Sorted union of the selected experts over all groups. */
    private final int[] visited;
    /** How optional balancing changed the selection: {@link #BIAS_BALANCED}, {@link #CAPACITY_OVERFLOW}, both or 0. */
    private final int reroutes;

    /** A decision that bias balancing changed ({@code rerouted}) or not. */
    public RoutingDecision(int groups, int k, int[] experts, float[] weights, boolean rerouted) {
        this(groups, k, experts, weights, rerouted ? BIAS_BALANCED : 0);
    }

    /** A decision with the balancing changes {@code reroutes} (a combination of the bits above). */
    public RoutingDecision(int groups, int k, int[] experts, float[] weights, int reroutes) {
        if (experts.length != groups * k || weights.length != groups * k) {
            throw new IllegalArgumentException("A routing decision of " + groups + " groups × top-" + k
                    + " needs " + groups * k + " experts and weights, got " + experts.length + " and "
                    + weights.length + ".");
        }
        this.groups = groups;
        this.k = k;
        this.experts = experts;
        this.weights = weights;
        this.visited = distinctAscending(experts);
        this.reroutes = reroutes;
    }

    /**
     * The distinct values of {@code a}, ascending (called once per record: no streams). Returns
     * {@code a} itself when it already is; neither array is ever exposed, so sharing is safe.
     */
    private static int[] distinctAscending(int[] a) {
        if (a.length == 1) {
            return a;
        }
        if (a.length == 2) {
            int x = a[0];
            int y = a[1];
            return x < y ? a : x == y ? new int[] {x} : new int[] {y, x};
        }
        int[] v = a.clone();
        if (v.length > 16) {
            Arrays.sort(v);
        } else {
            for (int i = 1; i < v.length; i++) {
                int x = v[i];
                int j = i - 1;
                while (j >= 0 && v[j] > x) {
                    v[j + 1] = v[j];
                    j--;
                }
                v[j + 1] = x;
            }
        }
        int n = v.length == 0 ? 0 : 1;
        for (int i = 1; i < v.length; i++) {
            if (v[i] != v[n - 1]) {
                v[n++] = v[i];
            }
        }
        return n == v.length ? v : Arrays.copyOf(v, n);
    }

    public int groups() {
        return groups;
    }

    public int k() {
        return k;
    }

    /** The {@code j}-th selected expert of group {@code o}. */
    public int expert(int o, int j) {
        return experts[o * k + j];
    }

    /** The weight of the {@code j}-th selected expert of group {@code o}. */
    public float weight(int o, int j) {
        return weights[o * k + j];
    }

    /** The experts the record visits (each once), ascending. */
    public int[] visited() {
        return visited.clone();
    }

    public int visitedCount() {
        return visited.length;
    }

    public int visitedExpert(int i) {
        return visited[i];
    }

    /** Whether optional balancing (bias or capacity overflow) changed the selection. */
    public boolean rerouted() {
        return reroutes != 0;
    }

    /** The balancing changes as bits {@link #BIAS_BALANCED} and {@link #CAPACITY_OVERFLOW}. */
    public int reroutes() {
        return reroutes;
    }

    public boolean biasBalanced() {
        return (reroutes & BIAS_BALANCED) != 0;
    }

    public boolean capacityOverflow() {
        return (reroutes & CAPACITY_OVERFLOW) != 0;
    }

    /** The weight expert {@code e} has in group {@code o}, 0 when not selected there. */
    public float weightOf(int o, int e) {
        for (int j = 0; j < k; j++) {
            if (experts[o * k + j] == e) {
                return weights[o * k + j];
            }
        }
        return 0f;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RoutingDecision d
                && groups == d.groups
                && k == d.k
                && Arrays.equals(experts, d.experts)
                && Arrays.equals(weights, d.weights)
                && reroutes == d.reroutes;
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(experts) + Arrays.hashCode(weights);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("RoutingDecision{");
        for (int o = 0; o < groups; o++) {
            sb.append(o == 0 ? "" : "; ").append("g").append(o).append(':');
            for (int j = 0; j < k; j++) {
                sb.append(' ').append(expert(o, j)).append('=').append(weight(o, j));
            }
        }
        return sb.append('}').toString();
    }
}
