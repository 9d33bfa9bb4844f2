package io.polyroute.runtime.placement;

import java.util.ArrayList;
import java.util.List;

/**
 * The candidate placements of one planning run, fewest moves first: the current replicas with
 * re-split shares, each step of a greedy repair from there, and a full EPLB re-plan (refined by the
 * same local search, then relabelled to keep as many sessions where they are as possible).
 */
final class Candidates {
    /** Upper bound on the greedy steps of each local search, so one run stays cheap on large stages. */
    static final int MAX_SEARCH_STEPS = 64;

    /** One candidate placement and what it costs and buys. */
    record Candidate(String kind, Placement placement, double imbalance, int moves) {}

    private Candidates() {}

    static List<Candidate> of(PlanningProblem p, StickyStart start, Placement current) {
        List<Candidate> list = new ArrayList<>();
        int steps = Math.min(MAX_SEARCH_STEPS, p.experts + p.budget);
        list.add(candidate("shares re-split", p, start.assignment, current));
        LocalSearch.improve(p, start.assignment, steps, a -> list.add(candidate("incremental", p, a, current)));
        Assignment full = LocalSearch.improve(p, EplbPlacer.place(p), steps, null);
        full = full.permuted(SlotMatcher.match(p, full, start.assignment));
        list.add(candidate("full re-plan", p, full, current));
        return list;
    }

    /**
     * The candidate with the fewest moves among those whose imbalance is within {@code stickiness}
     * (relative) of the best; ties go to the lower imbalance, then to the earlier candidate.
     */
    static Candidate choose(List<Candidate> candidates, double stickiness) {
        double best = candidates.stream().mapToDouble(Candidate::imbalance).min().orElseThrow();
        Candidate chosen = null;
        for (Candidate c : candidates) {
            boolean acceptable = c.imbalance() - best <= stickiness * c.imbalance() + 1e-12;
            if (acceptable && (chosen == null || c.moves() < chosen.moves()
                    || (c.moves() == chosen.moves() && c.imbalance() < chosen.imbalance()))) {
                chosen = c;
            }
        }
        return chosen;
    }

    private static Candidate candidate(String kind, PlanningProblem p, Assignment a, Placement current) {
        ShareSolver.Solution solution = ShareSolver.solve(p, a);
        Placement placement = toPlacement(p, a, solution, current);
        return new Candidate(kind, placement, placement.imbalance(p.load), placement.movedSessions(current));
    }

    /**
     * The placement of an assignment with its solved shares. A replica the current placement does not
     * hold and that would get no traffic is left out: loading it would be a move for nothing.
     */
    static Placement toPlacement(PlanningProblem p, Assignment a, ShareSolver.Solution solution, Placement current) {
        List<ExpertReplicas> experts = new ArrayList<>(p.experts);
        for (int e = 0; e < p.experts; e++) {
            if (p.pinned(e)) {
                experts.add(p.pins[e]);
                continue;
            }
            int[] slots = new int[a.replicas(e)];
            double[] shares = new double[slots.length];
            int n = 0;
            for (int s = 0; s < p.slots; s++) {
                boolean idleNewcomer = solution.shares[e][s] <= 0 && !current.replicas(e).hosts(s);
                if (a.hosts(e, s) && !(idleNewcomer && hasOtherTraffic(solution, e, s))) {
                    slots[n] = s;
                    shares[n++] = solution.shares[e][s];
                }
            }
            experts.add(ExpertReplicas.of(java.util.Arrays.copyOf(slots, n), java.util.Arrays.copyOf(shares, n)));
        }
        return Placement.of(p.slots, experts);
    }

    private static boolean hasOtherTraffic(ShareSolver.Solution solution, int e, int s) {
        for (int t = 0; t < solution.shares[e].length; t++) {
            if (t != s && solution.shares[e][t] > 0) {
                return true;
            }
        }
        return false;
    }
}
