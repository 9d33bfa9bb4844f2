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
 * The current placement's replicas made valid for this planning run: replicas on slots that no
 * longer exist are dropped, pins are applied, over-full slots and an exceeded budget are trimmed
 * (smallest current share first), and experts left without a replica get one on the least loaded
 * slot with room. Every repair is listed, because a current placement that needed one must be
 * replaced whatever hysteresis and cooldown say.
 */
final class StickyStart {
    final Assignment assignment;
    final List<String> repairs;
    /** Experts whose surplus replicas were dropped for batch efficiency (no repair: the placement was valid). */
    final List<String> trimmed;

    private StickyStart(Assignment assignment, List<String> repairs, List<String> trimmed) {
        this.assignment = assignment;
        this.repairs = List.copyOf(repairs);
        this.trimmed = List.copyOf(trimmed);
    }

    static StickyStart of(PlanningProblem p, Placement current) {
        List<String> repairs = new ArrayList<>();
        Assignment a = Assignment.of(current, p.slots);
        if (current.slots() != p.slots) {
            repairs.add("it spans " + current.slots() + " slots, the job now has " + p.slots);
        }
        applyPins(p, current, a, repairs);
        trimOverfullSlots(p, current, a, repairs);
        placeOrphans(p, current, a);
        trimToBudget(p, current, a, repairs);
        List<String> trimmed = trimToBatchEfficiency(p, current, a);
        return new StickyStart(a, repairs, trimmed);
    }

    private static void applyPins(PlanningProblem p, Placement current, Assignment a, List<String> repairs) {
        for (int e = 0; e < p.experts; e++) {
            if (p.pinned(e) && !p.pins[e].equals(current.replicas(e))) {
                repairs.add("expert " + e + " is pinned to " + p.pins[e] + " but placed on " + current.replicas(e));
                a.setRow(e, p.pins[e]);
            }
        }
    }

    private static void trimOverfullSlots(PlanningProblem p, Placement current, Assignment a, List<String> repairs) {
        for (int s = 0; s < p.slots; s++) {
            if (a.resident(s) > p.capacity) {
                repairs.add("slot " + s + " holds " + a.resident(s) + " sessions, capacity is " + p.capacity);
            }
        }
        for (int s = overfull(p, a); s >= 0; s = overfull(p, a)) {
            int e = smallestShareOn(p, current, a, s, true);
            if (e >= 0) {
                a.set(e, s, false);
                continue;
            }
            // Only single-replica experts are left to remove: move one to the slot with the most room,
            // first dropping a surplus replica elsewhere when no slot has room.
            e = smallestShareOn(p, current, a, s, false);
            int target = roomiest(p, a, e);
            if (a.resident(target) >= p.capacity) {
                freeRoomByDroppingAReplica(p, current, a);
                continue;
            }
            a.set(e, s, false);
            a.set(e, target, true);
        }
    }

    private static int overfull(PlanningProblem p, Assignment a) {
        for (int s = 0; s < p.slots; s++) {
            if (a.resident(s) > p.capacity) {
                return s;
            }
        }
        return -1;
    }

    private static void placeOrphans(PlanningProblem p, Placement current, Assignment a) {
        double[] load = new double[p.slots];
        for (int e = 0; e < p.experts; e++) {
            for (int s = 0; s < p.slots; s++) {
                load[s] += a.hosts(e, s) ? p.load[e] * current.replicas(e).shareOn(s) : 0;
            }
        }
        for (int e = 0; e < p.experts; e++) {
            if (a.replicas(e) > 0) {
                continue;
            }
            int best = -1;
            for (int s = 0; s < p.slots; s++) {
                if (a.resident(s) < p.capacity && (best < 0 || load[s] < load[best])) {
                    best = s;
                }
            }
            if (best < 0) {
                best = freeRoomByDroppingAReplica(p, current, a);
            }
            a.set(e, best, true);
            load[best] += p.load[e];
        }
    }

    private static int freeRoomByDroppingAReplica(PlanningProblem p, Placement current, Assignment a) {
        int bestSlot = -1;
        int bestExpert = -1;
        for (int s = 0; s < p.slots; s++) {
            int e = smallestShareOn(p, current, a, s, true);
            if (e >= 0
                    && (bestSlot < 0
                            || current.replicas(e).shareOn(s)
                                    < current.replicas(bestExpert).shareOn(bestSlot))) {
                bestSlot = s;
                bestExpert = e;
            }
        }
        a.set(bestExpert, bestSlot, false);
        return bestSlot;
    }

    private static void trimToBudget(PlanningProblem p, Placement current, Assignment a, List<String> repairs) {
        int extras = a.extras();
        if (extras <= p.budget) {
            return;
        }
        repairs.add(extras + " replicas beyond one per expert exceed the budget of " + p.budget);
        while (a.extras() > p.budget) {
            freeRoomByDroppingAReplica(p, current, a);
        }
    }

    /**
     * Drops the replicas, smallest current share first, of free experts spread over more replicas than
     * their expected batches allow. No repair: the current placement stays valid, and the next plan
     * published starts from the trimmed one.
     */
    private static List<String> trimToBatchEfficiency(PlanningProblem p, Placement current, Assignment a) {
        List<String> trimmed = new ArrayList<>();
        for (int e = 0; e < p.experts; e++) {
            if (!p.pinned(e) && a.replicas(e) > p.maxReplicas[e]) {
                trimmed.add("expert " + e + " " + a.replicas(e) + " -> " + p.maxReplicas[e]);
            }
            while (!p.pinned(e) && a.replicas(e) > p.maxReplicas[e]) {
                int smallest = -1;
                for (int s = 0; s < p.slots; s++) {
                    if (a.hosts(e, s)
                            && (smallest < 0
                                    || current.replicas(e).shareOn(s)
                                            < current.replicas(e).shareOn(smallest))) {
                        smallest = s;
                    }
                }
                a.set(e, smallest, false);
            }
        }
        return trimmed;
    }

    /**
     * The free expert on slot s with the smallest current share there (ties: the higher expert), among
     * experts with another replica when {@code multiOnly}; -1 when there is none.
     */
    private static int smallestShareOn(PlanningProblem p, Placement current, Assignment a, int s, boolean multiOnly) {
        int best = -1;
        for (int e = 0; e < p.experts; e++) {
            if (p.pinned(e) || !a.hosts(e, s) || (multiOnly && a.replicas(e) < 2)) {
                continue;
            }
            if (best < 0
                    || current.replicas(e).shareOn(s) <= current.replicas(best).shareOn(s)) {
                best = e;
            }
        }
        return best;
    }

    private static int roomiest(PlanningProblem p, Assignment a, int expert) {
        int best = -1;
        for (int s = 0; s < p.slots; s++) {
            if (!a.hosts(expert, s) && (best < 0 || a.resident(s) < a.resident(best))) {
                best = s;
            }
        }
        return best;
    }
}
