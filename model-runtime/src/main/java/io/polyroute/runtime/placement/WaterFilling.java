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
package io.polyroute.runtime.placement;

import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * Fast approximate shares for scoring many assignments: Gauss–Seidel steps in which one free
 * expert at a time pours its load into its replicas like water, filling the least loaded ones first
 * given everyone else's traffic. This is block coordinate descent on the sum of squared slot loads,
 * whose minimum is the same evenly spread optimum the exact {@link ShareSolver} computes. A worklist
 * re-pours only the experts that share a slot whose load changed, so a neighbour derived by
 * {@link #with} from a converged state settles after a few local steps. Immutable once converged.
 */
final class WaterFilling {
    /** Differences below this fraction of the mean slot load (squared for sums of squares) are noise. */
    private static final double SIGNIFICANT = 1e-7;

    private final PlanningProblem p;
    /** Hosting slots of each expert, ascending (pinned experts: none, their load is in the base). */
    private final int[][] hosts;
    /** Traffic of each expert on each of its hosts, aligned with {@link #hosts}. */
    private final double[][] flow;
    /** Load of each slot. */
    private final double[] loads;
    /** The experts each slot can pass load to: free, loaded, with more than one replica. */
    private final int[][] sharing;

    private WaterFilling(PlanningProblem p, int[][] hosts, double[][] flow, double[] loads, int[][] sharing) {
        this.p = p;
        this.hosts = hosts;
        this.flow = flow;
        this.loads = loads;
        this.sharing = sharing;
    }

    /** Converged shares for {@code a}, starting from even splits. */
    static WaterFilling of(PlanningProblem p, Assignment a, double tolerance, int maxSweeps) {
        int[][] hosts = new int[p.experts][];
        double[][] flow = new double[p.experts][];
        double[] loads = p.base.clone();
        int[] all = new int[p.experts];
        for (int e = 0; e < p.experts; e++) {
            hosts[e] = p.pinned(e) ? new int[0] : hostsOf(a, e);
            flow[e] = evenSplit(p.pinned(e) ? 0 : p.load[e], hosts[e], loads);
            all[e] = e;
        }
        int[][] sharing = new int[p.slots][0];
        WaterFilling w = new WaterFilling(p, hosts, flow, loads, sharing);
        for (int e = 0; e < p.experts; e++) {
            w.share(e, true);
        }
        w.converge(all, tolerance, maxSweeps);
        return w;
    }

    /** The shares of a neighbour in which expert {@code experts[i]} is hosted on {@code rows[i]}. */
    WaterFilling with(int[] experts, int[][] rows, double tolerance, int maxSweeps) {
        WaterFilling w = new WaterFilling(p, hosts.clone(), flow.clone(), loads.clone(), sharing.clone());
        for (int i = 0; i < experts.length; i++) {
            int e = experts[i];
            w.share(e, false);
            for (int j = 0; j < w.hosts[e].length; j++) {
                w.loads[w.hosts[e][j]] -= w.flow[e][j];
            }
            w.hosts[e] = rows[i];
            w.flow[e] = evenSplit(p.load[e], rows[i], w.loads);
            w.share(e, true);
        }
        w.converge(experts, tolerance, maxSweeps);
        return w;
    }

    /** Adds expert e to (or removes it from) the sharing lists of its hosts, copying each list it edits. */
    private void share(int e, boolean add) {
        if (hosts[e].length < 2 || p.load[e] <= 0) {
            return;
        }
        for (int s : hosts[e]) {
            int[] list = sharing[s];
            if (add) {
                int[] grown = Arrays.copyOf(list, list.length + 1);
                grown[list.length] = e;
                Arrays.sort(grown);
                sharing[s] = grown;
            } else {
                sharing[s] = Arrays.stream(list).filter(x -> x != e).toArray();
            }
        }
    }

    private void converge(int[] start, double tolerance, int maxSweeps) {
        double limit = tolerance * Math.max(p.totalLoad() / p.slots, Double.MIN_NORMAL);
        ArrayDeque<Integer> queue = new ArrayDeque<>();
        boolean[] queued = new boolean[p.experts];
        for (int e : start) {
            if (!queued[e]) {
                queued[e] = true;
                queue.add(e);
            }
        }
        long budget = (long) maxSweeps * p.experts;
        while (!queue.isEmpty() && budget-- > 0) {
            int e = queue.poll();
            queued[e] = false;
            if (hosts[e].length < 2 || p.load[e] <= 0) {
                continue;
            }
            double[] before = flow[e];
            pour(e);
            for (int i = 0; i < hosts[e].length; i++) {
                if (Math.abs(flow[e][i] - before[i]) > limit) {
                    for (int g : sharing[hosts[e][i]]) {
                        if (g != e && !queued[g]) {
                            queued[g] = true;
                            queue.add(g);
                        }
                    }
                }
            }
        }
    }

    /** Re-splits expert e's load over its hosts given the rest of the traffic. */
    private void pour(int e) {
        int[] h = hosts[e];
        double[] f = flow[e];
        int r = h.length;
        double[] others = new double[r];
        int[] order = new int[r];
        for (int i = 0; i < r; i++) {
            others[i] = loads[h[i]] - f[i];
            int j = i;
            // Insertion sort by the load of the others, ties by position: r is small.
            while (j > 0 && others[order[j - 1]] > others[i]) {
                order[j] = order[j - 1];
                j--;
            }
            order[j] = i;
        }
        double level = 0;
        double sum = p.load[e];
        for (int k = 0; k < r; k++) {
            sum += others[order[k]];
            level = sum / (k + 1);
            if (k == r - 1 || level <= others[order[k + 1]]) {
                break;
            }
        }
        double[] next = new double[r];
        for (int i = 0; i < r; i++) {
            next[i] = Math.max(0, level - others[i]);
            loads[h[i]] = others[i] + next[i];
        }
        flow[e] = next;
    }

    private static int[] hostsOf(Assignment a, int e) {
        int[] h = new int[a.replicas(e)];
        for (int s = 0, i = 0; s < a.slots; s++) {
            if (a.hosts(e, s)) {
                h[i++] = s;
            }
        }
        return h;
    }

    private static double[] evenSplit(double load, int[] hosts, double[] loads) {
        double[] f = new double[hosts.length];
        for (int i = 0; i < hosts.length; i++) {
            f[i] = load / hosts.length;
            loads[hosts[i]] += f[i];
        }
        return f;
    }

    /** The hosts of free expert e, ascending. */
    int[] hosts(int e) {
        return hosts[e];
    }

    double load(int slot) {
        return loads[slot];
    }

    double maxLoad() {
        return Arrays.stream(loads).max().orElse(0);
    }

    double sumOfSquares() {
        double sum = 0;
        for (double l : loads) {
            sum += l * l;
        }
        return sum;
    }

    double imbalance() {
        return Placement.imbalanceOf(loads);
    }

    /** Traffic of free expert e on slot s. */
    double flow(int e, int s) {
        for (int i = 0; i < hosts[e].length; i++) {
            if (hosts[e][i] == s) {
                return flow[e][i];
            }
        }
        return 0;
    }

    /**
     * Whether this is better than {@code other}: a lower maximum slot load, or the same maximum and a
     * lower sum of squared loads (loads spread more evenly below the maximum), by more than the
     * precision the shares are computed to.
     */
    boolean betterThan(WaterFilling other) {
        double mean = Math.max(p.totalLoad() / p.slots, Double.MIN_NORMAL);
        double max = maxLoad();
        double otherMax = other.maxLoad();
        if (Math.abs(max - otherMax) > SIGNIFICANT * mean) {
            return max < otherMax;
        }
        return sumOfSquares() < other.sumOfSquares() - SIGNIFICANT * mean * mean;
    }
}
