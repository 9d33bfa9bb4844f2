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

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * Greedy improvement of an assignment, one change at a time. Only traffic on the most loaded slot
 * can lower the maximum, so each step tries, for every free expert with traffic on that slot and
 * every one of the {@value #TARGETS} least loaded other slots: adding a replica there (within budget
 * and capacity) and moving one of the expert's replicas there; only when none of those improves,
 * swapping one of its replicas with a replica of another expert there. Changes are scored with
 * {@link WaterFilling} shares; the best one (lowest maximum slot load, then lowest sum of squared
 * loads) is kept while it strictly improves, the loads are not yet perfectly even, and fewer than
 * {@value #MAX_EVALUATIONS} neighbours have been scored.
 */
final class LocalSearch {
    /** Destination slots tried per step: the lightest ones, where a change helps most. */
    static final int TARGETS = 8;
    /** Convergence of the scoring shares, relative to the mean slot load. */
    static final double TOLERANCE = 1e-8;

    static final int MAX_SWEEPS = 200;
    /** Scored neighbours per search at most, so a run on a large stage stays within a bounded time. */
    static final int MAX_EVALUATIONS = 20_000;

    private LocalSearch() {}

    /** Improves {@code start} for at most {@code maxSteps} changes, reporting each accepted one with its shares. */
    static Assignment improve(
            PlanningProblem p, Assignment start, int maxSteps, BiConsumer<Assignment, WaterFilling> onStep) {
        Assignment current = start.copy();
        WaterFilling shares = WaterFilling.of(p, current, TOLERANCE, MAX_SWEEPS);
        int[] evaluations = {0};
        for (int step = 0; step < maxSteps && !even(p, shares) && evaluations[0] < MAX_EVALUATIONS; step++) {
            Step best = bestStep(p, current, shares, evaluations);
            if (best == null || !best.shares.betterThan(shares)) {
                break;
            }
            best.change.applyTo(current);
            shares = best.shares;
            if (onStep != null) {
                onStep.accept(current.copy(), shares);
            }
        }
        return current;
    }

    /** Every slot at the mean: nothing left to improve. */
    private static boolean even(PlanningProblem p, WaterFilling shares) {
        double mean = p.totalLoad() / p.slots;
        return shares.maxLoad() <= mean * (1 + 1e-12);
    }

    /** The best add or move; only when none improves, the best swap (swaps are many and cost two moves). */
    private static Step bestStep(PlanningProblem p, Assignment a, WaterFilling shares, int[] evaluations) {
        int top = mostLoaded(p, shares);
        List<Integer> targets = targets(p, shares, top);
        boolean spare = a.extras() < p.budget;
        Step best = null;
        for (boolean swaps : new boolean[] {false, true}) {
            for (int e = 0; e < p.experts && evaluations[0] < MAX_EVALUATIONS; e++) {
                if (p.pinned(e) || p.load[e] <= 0 || shares.flow(e, top) <= 1e-12 * p.load[e]) {
                    continue;
                }
                for (int b : targets) {
                    if (!a.hosts(e, b)) {
                        best = swaps
                                ? swapsOnto(p, a, shares, e, b, best, evaluations)
                                : addsAndMovesOnto(p, a, shares, e, b, spare, best, evaluations);
                    }
                }
            }
            if (best != null && best.shares.betterThan(shares)) {
                return best;
            }
        }
        return best;
    }

    /** Adding a replica of expert e on slot b, or moving one of its replicas there. */
    private static Step addsAndMovesOnto(
            PlanningProblem p,
            Assignment a,
            WaterFilling shares,
            int e,
            int b,
            boolean spare,
            Step best,
            int[] evaluations) {
        if (a.resident(b) >= p.capacity) {
            return best;
        }
        if (spare && p.mayGrow(e, a.replicas(e))) {
            best = better(best, score(p, a, shares, new Change(e, -1, b, -1), evaluations));
        }
        for (int from : shares.hosts(e)) {
            best = better(best, score(p, a, shares, new Change(e, from, b, -1), evaluations));
        }
        return best;
    }

    /** Swapping a replica of expert e with a replica of another expert on slot b. */
    private static Step swapsOnto(
            PlanningProblem p, Assignment a, WaterFilling shares, int e, int b, Step best, int[] evaluations) {
        for (int from : shares.hosts(e)) {
            for (int g = 0; g < p.experts; g++) {
                if (g != e && !p.pinned(g) && a.hosts(g, b) && !a.hosts(g, from)) {
                    best = better(best, score(p, a, shares, new Change(e, from, b, g), evaluations));
                }
            }
        }
        return best;
    }

    private static Step score(PlanningProblem p, Assignment a, WaterFilling parent, Change c, int[] evaluations) {
        evaluations[0]++;
        int[] rowE = c.rowOf(a, c.expert);
        WaterFilling shares = c.other < 0
                ? parent.with(new int[] {c.expert}, new int[][] {rowE}, TOLERANCE, MAX_SWEEPS)
                : parent.with(
                        new int[] {c.expert, c.other}, new int[][] {rowE, c.rowOf(a, c.other)}, TOLERANCE, MAX_SWEEPS);
        return new Step(c, shares);
    }

    private static Step better(Step best, Step candidate) {
        return best == null || candidate.shares.betterThan(best.shares) ? candidate : best;
    }

    /** The most loaded slot (ties: the lower slot). */
    private static int mostLoaded(PlanningProblem p, WaterFilling shares) {
        int top = 0;
        for (int s = 1; s < p.slots; s++) {
            top = shares.load(s) > shares.load(top) ? s : top;
        }
        return top;
    }

    /** The {@value #TARGETS} least loaded slots other than {@code top} (ties: lower slot). */
    private static List<Integer> targets(PlanningProblem p, WaterFilling shares, int top) {
        List<Integer> slots = new ArrayList<>();
        for (int s = 0; s < p.slots; s++) {
            if (s != top) {
                slots.add(s);
            }
        }
        slots.sort(Comparator.comparingDouble(shares::load).thenComparingInt(s -> s));
        return slots.subList(0, Math.min(TARGETS, slots.size()));
    }

    /**
     * Expert {@code expert} gains a replica on {@code to}, losing the one on {@code from} unless
     * {@code from < 0} (an added replica); when {@code other >= 0} that expert moves from {@code to} to
     * {@code from} (a swap).
     */
    private record Change(int expert, int from, int to, int other) {
        void applyTo(Assignment a) {
            a.set(expert, to, true);
            if (from >= 0) {
                a.set(expert, from, false);
            }
            if (other >= 0) {
                a.set(other, to, false);
                a.set(other, from, true);
            }
        }

        /** The hosts of expert x after the change, ascending. */
        int[] rowOf(Assignment a, int x) {
            int[] row = new int[a.slots];
            int n = 0;
            for (int s = 0; s < a.slots; s++) {
                if (hostsAfter(a, x, s)) {
                    row[n++] = s;
                }
            }
            return java.util.Arrays.copyOf(row, n);
        }

        private boolean hostsAfter(Assignment a, int x, int s) {
            if (x == expert) {
                return s == to || (s != from && a.hosts(x, s));
            }
            if (x == other) {
                return s == from || (s != to && a.hosts(x, s));
            }
            return a.hosts(x, s);
        }
    }

    private record Step(Change change, WaterFilling shares) {}
}
