package io.polyroute.runtime.placement;

import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Greedy improvement of an assignment, one change at a time. Only experts confined to the most
 * loaded block of slots can lower it, so each step tries, for every such expert, adding a replica
 * outside the block (within budget and capacity), moving one of its replicas out of the block, or
 * swapping one of its replicas with a replica of another expert on a full slot outside the block.
 * The change with the lexicographically smallest sorted slot loads is kept while it strictly
 * improves on the current loads.
 */
final class LocalSearch {
    /** Relative tolerance under which two load vectors count as equal. */
    private static final double TOLERANCE = 1e-9;

    private LocalSearch() {}

    /** Improves {@code start} for at most {@code maxSteps} changes, reporting each accepted one. */
    static Assignment improve(PlanningProblem p, Assignment start, int maxSteps, Consumer<Assignment> onStep) {
        Assignment current = start.copy();
        double[] currentLoads = sortedLoads(ShareSolver.solve(p, current));
        for (int step = 0; step < maxSteps; step++) {
            Step best = bestStep(p, current, ShareSolver.solve(p, current));
            if (best == null || !better(best.loads, currentLoads, p)) {
                break;
            }
            current = best.assignment;
            currentLoads = best.loads;
            if (onStep != null) {
                onStep.accept(current.copy());
            }
        }
        return current;
    }

    private static Step bestStep(PlanningProblem p, Assignment a, ShareSolver.Solution solution) {
        boolean[] top = new boolean[p.slots];
        for (int s = 0; s < p.slots; s++) {
            top[s] = solution.block[s] == 0;
        }
        Step best = null;
        for (int e = 0; e < p.experts; e++) {
            if (p.pinned(e) || p.load[e] <= 0 || !confined(a, e, top)) {
                continue;
            }
            for (int b = 0; b < p.slots; b++) {
                if (top[b] || a.hosts(e, b)) {
                    continue;
                }
                best = bestOf(p, best, changesOnto(p, a, e, b));
            }
        }
        return best;
    }

    /** Every change that gives expert e (confined to the top block) a replica on slot b. */
    private static Step changesOnto(PlanningProblem p, Assignment a, int e, int b) {
        Step best = null;
        boolean room = a.resident(b) < p.capacity;
        if (room && a.extras() < p.budget) {
            Assignment add = a.copy();
            add.set(e, b, true);
            best = bestOf(p, best, evaluate(p, add));
        }
        for (int from = 0; from < p.slots; from++) {
            if (!a.hosts(e, from)) {
                continue;
            }
            if (room) {
                Assignment move = a.copy();
                move.set(e, from, false);
                move.set(e, b, true);
                best = bestOf(p, best, evaluate(p, move));
                continue;
            }
            for (int g = 0; g < p.experts; g++) {
                if (g != e && !p.pinned(g) && a.hosts(g, b) && !a.hosts(g, from)) {
                    Assignment swap = a.copy();
                    swap.set(e, from, false);
                    swap.set(e, b, true);
                    swap.set(g, b, false);
                    swap.set(g, from, true);
                    best = bestOf(p, best, evaluate(p, swap));
                }
            }
        }
        return best;
    }

    private static Step evaluate(PlanningProblem p, Assignment a) {
        return new Step(a, sortedLoads(ShareSolver.solve(p, a)));
    }

    private static Step bestOf(PlanningProblem p, Step best, Step candidate) {
        if (candidate == null) {
            return best;
        }
        return best == null || better(candidate.loads, best.loads, p) ? candidate : best;
    }

    private static boolean confined(Assignment a, int e, boolean[] top) {
        for (int s = 0; s < a.slots; s++) {
            if (a.hosts(e, s) && !top[s]) {
                return false;
            }
        }
        return true;
    }

    /** Slot loads, largest first. */
    static double[] sortedLoads(ShareSolver.Solution solution) {
        double[] loads = solution.slotLoads.clone();
        Arrays.sort(loads);
        for (int i = 0, j = loads.length - 1; i < j; i++, j--) {
            double t = loads[i];
            loads[i] = loads[j];
            loads[j] = t;
        }
        return loads;
    }

    /** Whether {@code x} is lexicographically smaller than {@code y} by more than the tolerance. */
    static boolean better(double[] x, double[] y, PlanningProblem p) {
        double tolerance = TOLERANCE * Math.max(p.totalLoad() / p.slots, Double.MIN_NORMAL);
        for (int i = 0; i < x.length; i++) {
            if (x[i] < y[i] - tolerance) {
                return true;
            }
            if (x[i] > y[i] + tolerance) {
                return false;
            }
        }
        return false;
    }

    private record Step(Assignment assignment, double[] loads) {}
}
