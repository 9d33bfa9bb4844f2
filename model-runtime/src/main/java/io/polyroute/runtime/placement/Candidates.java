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
import java.util.List;

/**
 * The candidate placements of one planning run, fewest moves first: the current replicas with
 * re-split shares, each step of a greedy repair from there, and a full re-plan (the better of EPLB
 * and one-replica-per-expert grown by the same local search, then relabelled to keep as many
 * sessions where they are as possible). Candidates are compared on {@link WaterFilling} estimates;
 * the chosen one gets exact shares from the {@link ShareSolver}.
 */
final class Candidates {
    /** Upper bound on the greedy steps of each local search, so one run stays cheap on large stages. */
    static final int MAX_SEARCH_STEPS = 64;
    /** Convergence of the estimates candidates are compared on, relative to the mean slot load. */
    private static final double TOLERANCE = 1e-10;

    private static final int MAX_SWEEPS = 1000;

    /** One candidate assignment, its estimated imbalance and the sessions it would load. */
    record Candidate(String kind, Assignment assignment, double imbalance, int moves) {}

    private Candidates() {}

    static List<Candidate> of(PlanningProblem p, StickyStart start, Placement current) {
        Assignment reference = Assignment.of(current, p.slots);
        List<Candidate> list = new ArrayList<>();
        int steps = Math.min(MAX_SEARCH_STEPS, p.experts + p.budget);
        list.add(candidate("shares re-split", p, start.assignment, estimate(p, start.assignment), reference));
        LocalSearch.improve(
                p, start.assignment, steps, (a, shares) -> list.add(candidate("incremental", p, a, shares, reference)));
        Assignment full = fullPlan(p, steps);
        full = full.permuted(SlotMatcher.match(p, full, start.assignment));
        list.add(candidate("full re-plan", p, full, estimate(p, full), reference));
        return list;
    }

    /**
     * The better of two refined starts: EPLB with the whole budget, and one replica per expert whose
     * extras the local search then adds one at a time where they lower the load most. Neither start
     * dominates; together they stay close to exhaustive search on small stages.
     */
    private static Assignment fullPlan(PlanningProblem p, int steps) {
        Assignment eplb = LocalSearch.improve(p, EplbPlacer.place(p), steps, null);
        Assignment grown = LocalSearch.improve(p, EplbPlacer.placeSingles(p), steps + p.budget, null);
        return estimate(p, grown).betterThan(estimate(p, eplb)) ? grown : eplb;
    }

    /**
     * The candidate with the fewest moves among those whose imbalance is within {@code stickiness}
     * (relative) of the best; ties go to the lower imbalance, then to the earlier candidate.
     */
    static Candidate choose(List<Candidate> candidates, double stickiness) {
        double best =
                candidates.stream().mapToDouble(Candidate::imbalance).min().orElseThrow();
        Candidate chosen = null;
        for (Candidate c : candidates) {
            boolean acceptable = c.imbalance() - best <= stickiness * c.imbalance() + 1e-12;
            if (acceptable
                    && (chosen == null
                            || c.moves() < chosen.moves()
                            || (c.moves() == chosen.moves() && c.imbalance() < chosen.imbalance()))) {
                chosen = c;
            }
        }
        return chosen;
    }

    private static WaterFilling estimate(PlanningProblem p, Assignment a) {
        return WaterFilling.of(p, a, TOLERANCE, MAX_SWEEPS);
    }

    private static Candidate candidate(
            String kind, PlanningProblem p, Assignment a, WaterFilling shares, Assignment reference) {
        int moves = 0;
        for (int e = 0; e < p.experts; e++) {
            for (int s = 0; s < p.slots; s++) {
                // A new replica without traffic is left out of the placement, so it is no move.
                boolean idle = !p.pinned(e) && shares.flow(e, s) <= 1e-9 * p.load[e] && a.replicas(e) > 1;
                moves += a.hosts(e, s) && !reference.hosts(e, s) && !idle ? 1 : 0;
            }
        }
        return new Candidate(kind, a, shares.imbalance(), moves);
    }

    /**
     * The placement of an assignment with exact shares. A replica the current placement does not hold
     * and that would get no traffic is left out: loading it would be a move for nothing.
     */
    static Placement toPlacement(PlanningProblem p, Assignment a, Placement current) {
        ShareSolver.Solution solution = ShareSolver.solve(p, a);
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
                boolean idleNewcomer =
                        solution.shares[e][s] <= 0 && !current.replicas(e).hosts(s);
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
