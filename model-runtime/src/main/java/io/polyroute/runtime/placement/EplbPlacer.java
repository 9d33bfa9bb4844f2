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

/**
 * DeepSeek's EPLB for one stage: extra replicas go one at a time to the free expert with the largest
 * load per replica until the budget is spent; replicas are then placed heaviest first on the least
 * loaded slot that does not already host the expert and has room. Pinned experts keep their pin and
 * weigh on their slots from the start.
 */
final class EplbPlacer {
    private EplbPlacer() {}

    /** EPLB with the problem's whole replica budget. */
    static Assignment place(PlanningProblem p) {
        return place(p, replicaCounts(p, p.budget));
    }

    /** One replica per free expert, heaviest first on the least loaded slot (EPLB with no extras). */
    static Assignment placeSingles(PlanningProblem p) {
        return place(p, replicaCounts(p, 0));
    }

    private static Assignment place(PlanningProblem p, int[] count) {
        Assignment a = new Assignment(p.experts, p.slots);
        double[] slotLoad = p.base.clone();
        int[] resident = p.pinnedResident.clone();
        for (int e = 0; e < p.experts; e++) {
            if (p.pinned(e)) {
                a.setRow(e, p.pins[e]);
            }
        }
        for (Replica r : replicasHeaviestFirst(p, count)) {
            int best = -1;
            for (int s = 0; s < p.slots; s++) {
                if (!a.hosts(r.expert, s) && resident[s] < p.capacity && (best < 0 || slotLoad[s] < slotLoad[best])) {
                    best = s;
                }
            }
            // Only a surplus replica can find no slot (every slot with room hosts the expert already).
            if (best >= 0) {
                a.set(r.expert, best, true);
                slotLoad[best] += r.weight;
                resident[best]++;
            }
        }
        return a;
    }

    /** Replicas per expert: 1 each (pins as pinned), then the budget to the largest load per replica (ties: lower expert). */
    static int[] replicaCounts(PlanningProblem p, int budget) {
        int[] count = new int[p.experts];
        int extras = budget;
        for (int e = 0; e < p.experts; e++) {
            count[e] = p.pinned(e) ? p.pins[e].count() : 1;
            extras -= count[e] - 1;
        }
        for (; extras > 0; extras--) {
            int best = -1;
            for (int e = 0; e < p.experts; e++) {
                if (!p.pinned(e)
                        && p.load[e] > 0
                        && p.mayGrow(e, count[e])
                        && (best < 0 || p.load[e] / count[e] > p.load[best] / count[best])) {
                    best = e;
                }
            }
            if (best < 0) {
                break;
            }
            count[best]++;
        }
        return count;
    }

    private static List<Replica> replicasHeaviestFirst(PlanningProblem p, int[] count) {
        List<Replica> replicas = new ArrayList<>();
        for (int e = 0; e < p.experts; e++) {
            for (int i = 0; !p.pinned(e) && i < count[e]; i++) {
                replicas.add(new Replica(e, p.load[e] / count[e]));
            }
        }
        replicas.sort(Comparator.comparingDouble(Replica::weight).reversed().thenComparingInt(Replica::expert));
        return replicas;
    }

    private record Replica(int expert, double weight) {}
}
