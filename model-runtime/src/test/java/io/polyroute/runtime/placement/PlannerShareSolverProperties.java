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

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * The share solver against independent characterisations of the optimum: its maximum slot load
 * equals Hall's bound (max over slot sets of confined load / size), and every expert sends traffic
 * only to its least loaded replicas (the optimality condition of evenly spread slot loads).
 */
class PlannerShareSolverProperties {

    record Case(PlanningProblem problem, Assignment assignment) {}

    static Case randomCase(long seed) {
        Random rnd = new Random(seed);
        int experts = 1 + rnd.nextInt(8);
        int slots = 1 + rnd.nextInt(5);
        double[] load = new double[experts];
        Assignment a = new Assignment(experts, slots);
        Map<Integer, ExpertReplicas> pins = new TreeMap<>();
        for (int e = 0; e < experts; e++) {
            load[e] = rnd.nextInt(5) == 0 ? 0 : rnd.nextInt(3) == 0 ? rnd.nextInt(4) : 100 * rnd.nextDouble();
            boolean[] hosted = new boolean[slots];
            hosted[rnd.nextInt(slots)] = true;
            for (int s = 0; s < slots; s++) {
                hosted[s] |= rnd.nextInt(3) == 0;
                a.set(e, s, hosted[s]);
            }
            if (rnd.nextInt(5) == 0) {
                pins.put(e, PlanningCases.randomShares(rnd, hosted));
            }
        }
        return new Case(new PlanningProblem(load, slots, experts, experts * slots, pins), a);
    }

    @Property(tries = 2000)
    void maximumSlotLoadEqualsHallsBound(@ForAll long seed) {
        Case c = randomCase(seed);
        ShareSolver.Solution solution = ShareSolver.solve(c.problem(), c.assignment());
        double hall = hallBound(c.problem(), c.assignment());
        double scale = Math.max(1e-12, c.problem().totalLoad() / c.problem().slots);
        assertThat(Math.abs(solution.maxLoad() - hall) / scale).isLessThanOrEqualTo(1e-7);
    }

    @Property(tries = 2000)
    void everyExpertSendsTrafficOnlyToItsLeastLoadedReplicas(@ForAll long seed) {
        Case c = randomCase(seed);
        PlanningProblem p = c.problem();
        ShareSolver.Solution solution = ShareSolver.solve(p, c.assignment());
        double tolerance = 1e-7 * Math.max(1e-12, p.totalLoad() / p.slots);
        for (int e = 0; e < p.experts; e++) {
            double sum = 0;
            double leastLoaded = Double.POSITIVE_INFINITY;
            for (int s = 0; s < p.slots; s++) {
                sum += solution.shares[e][s];
                leastLoaded = c.assignment().hosts(e, s) ? Math.min(leastLoaded, solution.slotLoads[s]) : leastLoaded;
                assertThat(solution.shares[e][s]).isGreaterThanOrEqualTo(0.0);
                if (!c.assignment().hosts(e, s)) {
                    assertThat(solution.shares[e][s]).isZero();
                }
            }
            assertThat(Math.abs(sum - 1)).isLessThanOrEqualTo(1e-9);
            for (int s = 0; s < p.slots && !p.pinned(e) && p.load[e] > 0; s++) {
                if (solution.shares[e][s] * p.load[e] > tolerance) {
                    assertThat(solution.slotLoads[s]).isLessThanOrEqualTo(leastLoaded + tolerance);
                }
            }
        }
    }

    /** max over non-empty slot sets A of (free load confined to A + pinned load on A) / |A|. */
    private static double hallBound(PlanningProblem p, Assignment a) {
        double worst = 0;
        for (int set = 1; set < (1 << p.slots); set++) {
            double inside = 0;
            for (int s = 0; s < p.slots; s++) {
                inside += (set >> s & 1) == 1 ? p.base[s] : 0;
            }
            for (int e = 0; e < p.experts; e++) {
                boolean confined = !p.pinned(e);
                for (int s = 0; s < p.slots && confined; s++) {
                    confined = !a.hosts(e, s) || (set >> s & 1) == 1;
                }
                inside += confined ? p.load[e] : 0;
            }
            worst = Math.max(worst, inside / Integer.bitCount(set));
        }
        return worst;
    }
}
