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

import java.util.Arrays;

/**
 * Splits each free expert's traffic across its replicas so that the sorted slot loads are
 * lexicographically smallest, which in particular minimises the maximum slot load exactly.
 *
 * <p>Loads are divisible, so for a fixed assignment the smallest achievable maximum is the largest
 * density {@code (load of the experts hosted only inside A + pinned load on A) / |A|} over slot sets
 * A (Hall's condition on the transportation network). The solver finds the densest set by
 * Dinkelbach iterations over min cuts, fills it to that level with a max flow, removes it with the
 * experts confined to it, and repeats on the rest: the decomposition of the lexicographically
 * optimal base of a polymatroid. No linear programming is involved.
 */
final class ShareSolver {
    /** Residual tolerance of the flow networks, in units of the mean slot load. */
    private static final double EPS = 1e-12;
    /** Gap between routable and total load below which a density is optimal, in mean slot loads. */
    private static final double GAP = 1e-9;
    /** Extra room on sink edges when filling a block, so rounding never strands load. */
    private static final double SLACK = 1e-12;

    private ShareSolver() {}

    /** The shares, slot loads and block structure of an assignment. */
    static final class Solution {
        /** Share of expert e on slot s, {@code [experts][slots]}. */
        final double[][] shares;
        /** Load of each slot in the problem's units. */
        final double[] slotLoads;
        /** Block of each slot: 0 is the densest (most loaded) block. */
        final int[] block;

        final double imbalance;

        Solution(double[][] shares, double[] slotLoads, int[] block) {
            this.shares = shares;
            this.slotLoads = slotLoads;
            this.block = block;
            this.imbalance = Placement.imbalanceOf(slotLoads);
        }

        double maxLoad() {
            return Arrays.stream(slotLoads).max().orElse(0);
        }
    }

    static Solution solve(PlanningProblem p, Assignment a) {
        int experts = p.experts;
        int slots = p.slots;
        double scale = p.totalLoad() / slots;
        double[][] flow = new double[experts][slots];
        int[] block = new int[slots];
        if (scale > 0) {
            double[] w = new double[experts];
            boolean[] activeExpert = new boolean[experts];
            for (int e = 0; e < experts; e++) {
                w[e] = p.pinned(e) ? 0 : p.load[e] / scale;
                activeExpert[e] = w[e] > 0;
            }
            double[] base = new double[slots];
            for (int s = 0; s < slots; s++) {
                base[s] = p.base[s] / scale;
            }
            Network net = new Network(a, w, base, activeExpert);
            net.decompose(flow, block);
        }
        double[][] shares = shares(p, a, flow);
        return new Solution(shares, slotLoads(p, shares), block);
    }

    private static double[][] shares(PlanningProblem p, Assignment a, double[][] flow) {
        double[][] shares = new double[p.experts][p.slots];
        for (int e = 0; e < p.experts; e++) {
            if (p.pinned(e)) {
                for (int i = 0; i < p.pins[e].count(); i++) {
                    shares[e][p.pins[e].slot(i)] = p.pins[e].share(i);
                }
                continue;
            }
            double sum = 0;
            for (int s = 0; s < p.slots; s++) {
                sum += a.hosts(e, s) ? Math.max(0, flow[e][s]) : 0;
            }
            int replicas = a.replicas(e);
            for (int s = 0; s < p.slots; s++) {
                if (a.hosts(e, s)) {
                    // An expert without load keeps an even split: nothing to balance, nothing to prefer.
                    shares[e][s] = sum > 0 ? Math.max(0, flow[e][s]) / sum : 1.0 / replicas;
                }
            }
        }
        return shares;
    }

    private static double[] slotLoads(PlanningProblem p, double[][] shares) {
        double[] loads = new double[p.slots];
        for (int e = 0; e < p.experts; e++) {
            for (int s = 0; s < p.slots; s++) {
                loads[s] += p.load[e] * shares[e][s];
            }
        }
        return loads;
    }

    /** The decomposition over one assignment, in units of the mean slot load. */
    private static final class Network {
        private final Assignment a;
        private final double[] w;
        private final double[] base;
        private final boolean[] activeExpert;
        private final boolean[] activeSlot;
        private final int source;
        private final int sink;

        Network(Assignment a, double[] w, double[] base, boolean[] activeExpert) {
            this.a = a;
            this.w = w;
            this.base = base;
            this.activeExpert = activeExpert;
            this.activeSlot = new boolean[a.slots];
            Arrays.fill(activeSlot, true);
            this.source = a.experts + a.slots;
            this.sink = source + 1;
        }

        void decompose(double[][] flow, int[] block) {
            int b = 0;
            while (anyActiveSlot()) {
                double level = densestLevel();
                boolean[] dense = denseSet(level);
                boolean[] confined = confinedTo(dense);
                fill(confined, dense, level, flow);
                for (int s = 0; s < a.slots; s++) {
                    if (dense[s]) {
                        block[s] = b;
                        activeSlot[s] = false;
                    }
                }
                for (int e = 0; e < a.experts; e++) {
                    activeExpert[e] &= !confined[e];
                }
                b++;
            }
        }

        /** The largest density over sets of active slots (Dinkelbach iterations). */
        private double densestLevel() {
            double lambda = density(activeSlot);
            for (int s = 0; s < a.slots; s++) {
                if (activeSlot[s]) {
                    lambda = Math.max(lambda, base[s]);
                }
            }
            for (int iteration = 0; iteration < 4 * a.slots + 8; iteration++) {
                MaxFlow f = build(lambda, 0, activeExpert, activeSlot, null);
                double routed = f.run(source, sink);
                if (activeLoad() - routed <= GAP) {
                    return lambda;
                }
                boolean[] side = f.reachableFrom(source);
                boolean[] set = new boolean[a.slots];
                for (int s = 0; s < a.slots; s++) {
                    set[s] = activeSlot[s] && side[a.experts + s];
                }
                double next = density(set);
                if (!(next > lambda)) {
                    return lambda;
                }
                lambda = next;
            }
            return lambda;
        }

        /** The largest set of active slots whose density is {@code level}: slots that cannot reach the sink. */
        private boolean[] denseSet(double level) {
            MaxFlow f = build(level, 0, activeExpert, activeSlot, null);
            f.run(source, sink);
            boolean[] reaching = f.reaching(sink);
            boolean[] dense = new boolean[a.slots];
            boolean any = false;
            for (int s = 0; s < a.slots; s++) {
                dense[s] = activeSlot[s] && !reaching[a.experts + s];
                any |= dense[s];
            }
            // Rounding can hide a set that is dense by a hair; the rest is then one block.
            return any ? dense : activeSlot.clone();
        }

        /** Routes the experts confined to {@code dense} into it, filling each slot to {@code level}. */
        private void fill(boolean[] confined, boolean[] dense, double level, double[][] flow) {
            int[][] edge = new int[a.experts][a.slots];
            MaxFlow f = build(level, SLACK, confined, dense, edge);
            f.run(source, sink);
            double[] filled = base.clone();
            for (int e = 0; e < a.experts; e++) {
                for (int s = 0; confined[e] && s < a.slots; s++) {
                    if (dense[s] && a.hosts(e, s)) {
                        flow[e][s] = f.flow(edge[e][s]);
                        filled[s] += flow[e][s];
                    }
                }
            }
            strandedToLightest(confined, dense, flow, filled);
        }

        /** Load the flow could not route (rounding only) goes to the expert's least filled slot. */
        private void strandedToLightest(boolean[] confined, boolean[] dense, double[][] flow, double[] filled) {
            for (int e = 0; e < a.experts; e++) {
                if (!confined[e]) {
                    continue;
                }
                double routed = 0;
                int lightest = -1;
                for (int s = 0; s < a.slots; s++) {
                    if (dense[s] && a.hosts(e, s)) {
                        routed += flow[e][s];
                        lightest = lightest < 0 || filled[s] < filled[lightest] ? s : lightest;
                    }
                }
                double rest = w[e] - routed;
                if (rest > 0 && lightest >= 0) {
                    flow[e][lightest] += rest;
                    filled[lightest] += rest;
                }
            }
        }

        /** The network at {@code level}; when {@code edge} is given it receives the id of each expert-slot edge. */
        private MaxFlow build(double level, double slack, boolean[] expertsIn, boolean[] slotsIn, int[][] edge) {
            MaxFlow f = new MaxFlow(sink + 1, EPS);
            double unbounded = activeLoad() + 1;
            for (int e = 0; e < a.experts; e++) {
                if (!expertsIn[e]) {
                    continue;
                }
                f.addEdge(source, e, w[e]);
                for (int s = 0; s < a.slots; s++) {
                    if (slotsIn[s] && a.hosts(e, s)) {
                        int id = f.addEdge(e, a.experts + s, unbounded);
                        if (edge != null) {
                            edge[e][s] = id;
                        }
                    }
                }
            }
            for (int s = 0; s < a.slots; s++) {
                if (slotsIn[s]) {
                    f.addEdge(a.experts + s, sink, Math.max(0, level - base[s]) + slack);
                }
            }
            return f;
        }

        /** (load of active experts with every active replica in {@code set} + base of {@code set}) / |set|. */
        private double density(boolean[] set) {
            double sum = 0;
            int n = 0;
            for (int s = 0; s < a.slots; s++) {
                if (set[s]) {
                    sum += base[s];
                    n++;
                }
            }
            boolean[] confined = confinedTo(set);
            for (int e = 0; e < a.experts; e++) {
                sum += confined[e] ? w[e] : 0;
            }
            return n == 0 ? 0 : sum / n;
        }

        private boolean[] confinedTo(boolean[] set) {
            boolean[] confined = new boolean[a.experts];
            for (int e = 0; e < a.experts; e++) {
                if (!activeExpert[e]) {
                    continue;
                }
                boolean inside = true;
                for (int s = 0; s < a.slots && inside; s++) {
                    inside = !(activeSlot[s] && a.hosts(e, s) && !set[s]);
                }
                confined[e] = inside;
            }
            return confined;
        }

        private double activeLoad() {
            double sum = 0;
            for (int e = 0; e < a.experts; e++) {
                sum += activeExpert[e] ? w[e] : 0;
            }
            return sum;
        }

        private boolean anyActiveSlot() {
            for (boolean s : activeSlot) {
                if (s) {
                    return true;
                }
            }
            return false;
        }
    }
}
