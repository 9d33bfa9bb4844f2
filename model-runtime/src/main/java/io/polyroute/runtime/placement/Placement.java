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
import java.util.Arrays;
import java.util.List;

/**
 * Where the experts of one stage run: for each expert its replica slots and traffic shares
 * (docs/design.md §6). Immutable and independent of load; the load-dependent figures take the per-expert
 * load as an argument.
 *
 * <p>Load is in any unit that is additive over experts; the planner uses nanoseconds of expert
 * work per second ({@link LoadSnapshot#load(int)}). Slot load = sum over experts of
 * {@code load[e] × share of the slot in e}; imbalance = max slot load / mean slot load over all
 * slots (1.0 is perfect, and by convention 1.0 when there is no load).
 *
 * <pre>{@code
 * Placement p = Placement.roundRobin(16, 4);
 * int slot = p.slotFor(expert, eventId.hashCode());
 * double imbalance = p.imbalance(snapshot);
 * }</pre>
 */
public final class Placement {
    /** Number of slots (expert operator subtasks) the placement spreads over. */
    private final int slots;
    /** Replicas of each expert, indexed by expert. */
    private final ExpertReplicas[] experts;

    private Placement(int slots, ExpertReplicas[] experts) {
        this.slots = slots;
        this.experts = experts;
    }

    /**
     * A placement over {@code slots} slots with one {@link ExpertReplicas} per expert.
     *
     * @throws IllegalArgumentException if {@code slots < 1}, there is no expert, or a replica lies on a
     *     slot {@code >= slots}
     */
    public static Placement of(int slots, List<ExpertReplicas> experts) {
        if (slots < 1) {
            throw new IllegalArgumentException("A placement needs at least one slot, got " + slots + ".");
        }
        if (experts == null || experts.isEmpty()) {
            throw new IllegalArgumentException("A placement needs at least one expert.");
        }
        ExpertReplicas[] copy = experts.toArray(new ExpertReplicas[0]);
        for (int e = 0; e < copy.length; e++) {
            if (copy[e] == null) {
                throw new IllegalArgumentException("Expert " + e + " has no replicas.");
            }
            int last = copy[e].slot(copy[e].count() - 1);
            if (last >= slots) {
                throw new IllegalArgumentException("Expert " + e + " has a replica on slot " + last
                        + " but the placement has only " + slots + " slots.");
            }
        }
        return new Placement(slots, copy);
    }

    /** The static default: expert {@code e} on slot {@code e mod slots}, one replica, share 1. */
    public static Placement roundRobin(int experts, int slots) {
        if (experts < 1) {
            throw new IllegalArgumentException("A placement needs at least one expert, got " + experts + ".");
        }
        List<ExpertReplicas> list = new ArrayList<>(experts);
        for (int e = 0; e < experts; e++) {
            list.add(ExpertReplicas.single(Math.floorMod(e, Math.max(1, slots))));
        }
        return of(slots, list);
    }

    public int slots() {
        return slots;
    }

    /** Number of experts of the stage. */
    public int experts() {
        return experts.length;
    }

    /** The replicas of {@code expert}. */
    public ExpertReplicas replicas(int expert) {
        return experts[expert];
    }

    /** Total number of replicas (resident sessions) over all slots. */
    public int totalReplicas() {
        int n = 0;
        for (ExpertReplicas r : experts) {
            n += r.count();
        }
        return n;
    }

    /** Number of experts with a replica on {@code slot}: the sessions the slot keeps resident. */
    public int residentSessions(int slot) {
        int n = 0;
        for (ExpertReplicas r : experts) {
            n += r.hosts(slot) ? 1 : 0;
        }
        return n;
    }

    /**
     * Replicas present in this placement and absent from {@code from}: the sessions slots must load
     * to move from {@code from} to this placement. Replicas that disappear are not counted.
     */
    public int movedSessions(Placement from) {
        requireSameExperts(from);
        int moved = 0;
        for (int e = 0; e < experts.length; e++) {
            for (int i = 0; i < experts[e].count(); i++) {
                moved += from.experts[e].hosts(experts[e].slot(i)) ? 0 : 1;
            }
        }
        return moved;
    }

    /** Per-slot load given the per-expert load ({@code expertLoad.length == experts()}). */
    public double[] slotLoads(double[] expertLoad) {
        if (expertLoad.length != experts.length) {
            throw new IllegalArgumentException(
                    "The placement has " + experts.length + " experts but " + expertLoad.length + " loads were given.");
        }
        double[] loads = new double[slots];
        for (int e = 0; e < experts.length; e++) {
            for (int i = 0; i < experts[e].count(); i++) {
                loads[experts[e].slot(i)] += expertLoad[e] * experts[e].share(i);
            }
        }
        return loads;
    }

    /** Per-slot load for the loads of a snapshot. */
    public double[] slotLoads(LoadSnapshot load) {
        return slotLoads(load.loads());
    }

    /** Max slot load / mean slot load for the given per-expert load; 1.0 when the total is 0. */
    public double imbalance(double[] expertLoad) {
        return imbalanceOf(slotLoads(expertLoad));
    }

    /** Max slot load / mean slot load for the loads of a snapshot. */
    public double imbalance(LoadSnapshot load) {
        return imbalance(load.loads());
    }

    /**
     * The slot that serves {@code expert} for a record whose stable hash is {@code recordHash}.
     * Deterministic: the same (plan, expert, hash) always gives the same slot, and over many
     * hashes each replica receives its share of the records. The hash is mixed with the expert id
     * (SplitMix64 finaliser) and mapped to {@code u} in [0, 1); the replica whose cumulative share
     * interval contains {@code u} (replicas in ascending slot order) is chosen. Replicas with share 0
     * are never chosen.
     */
    public int slotFor(int expert, long recordHash) {
        ExpertReplicas r = experts[expert];
        if (r.count() == 1) {
            return r.slot(0);
        }
        long mixed = mix(recordHash ^ (0x9E3779B97F4A7C15L * (expert + 1L)));
        double u = (mixed >>> 11) * 0x1.0p-53;
        return r.slotAt(u);
    }

    static double imbalanceOf(double[] slotLoads) {
        double max = 0;
        double sum = 0;
        for (double l : slotLoads) {
            max = Math.max(max, l);
            sum += l;
        }
        return sum <= 0 ? 1.0 : max / (sum / slotLoads.length);
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private void requireSameExperts(Placement other) {
        if (other.experts.length != experts.length) {
            throw new IllegalArgumentException("Cannot compare a placement of " + experts.length
                    + " experts with one of " + other.experts.length + ".");
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Placement p && p.slots == slots && Arrays.equals(p.experts, experts);
    }

    @Override
    public int hashCode() {
        return 31 * slots + Arrays.hashCode(experts);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Placement{slots=").append(slots);
        for (int e = 0; e < experts.length; e++) {
            sb.append(", ").append(e).append('=').append(experts[e]);
        }
        return sb.append('}').toString();
    }
}
