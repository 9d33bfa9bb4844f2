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

import java.util.Map;

/**
 * The fixed part of one planning run: loads, slots, capacity, pins and the effective replica
 * budget. Pinned experts are not planned; their traffic is a fixed base load on their slots.
 */
final class PlanningProblem {
    final int experts;
    final int slots;
    final int capacity;
    /** Load per expert (ns of work per second). */
    final double[] load;
    /** The pin of each expert, null when the expert is free. */
    final ExpertReplicas[] pins;
    /** Load each slot receives from pinned experts. */
    final double[] base;
    /** Resident sessions each slot holds for pinned experts. */
    final int[] pinnedResident;
    /** Maximum number of replicas beyond one per expert, pinned experts included. */
    final int budget;
    /** Most replicas each free expert may have (batch efficiency); at least 1, at most the slot count. */
    final int[] maxReplicas;

    PlanningProblem(double[] load, int slots, int capacity, int requestedBudget, Map<Integer, ExpertReplicas> pins) {
        this(load, slots, capacity, requestedBudget, pins, null);
    }

    /** As above, with at most {@code maxReplicas[e]} replicas of each free expert e (null: the slot count). */
    PlanningProblem(
            double[] load,
            int slots,
            int capacity,
            int requestedBudget,
            Map<Integer, ExpertReplicas> pins,
            int[] maxReplicas) {
        this.experts = load.length;
        this.maxReplicas = new int[experts];
        for (int e = 0; e < experts; e++) {
            this.maxReplicas[e] = maxReplicas == null ? slots : Math.max(1, Math.min(slots, maxReplicas[e]));
        }
        this.slots = slots;
        this.capacity = capacity;
        this.load = load.clone();
        this.pins = new ExpertReplicas[experts];
        this.base = new double[slots];
        this.pinnedResident = new int[slots];
        int pinnedExtras = 0;
        for (Map.Entry<Integer, ExpertReplicas> p : pins.entrySet()) {
            int e = p.getKey();
            ExpertReplicas r = p.getValue();
            this.pins[e] = r;
            pinnedExtras += r.count() - 1;
            for (int i = 0; i < r.count(); i++) {
                base[r.slot(i)] += load[e] * r.share(i);
                pinnedResident[r.slot(i)]++;
            }
        }
        // More extras than free capacity, or than one replica per slot, could never be placed.
        int placeable = Math.min(slots * capacity - experts, experts * (slots - 1));
        this.budget = Math.max(pinnedExtras, Math.min(requestedBudget, placeable));
    }

    /** Whether free expert {@code expert} may have one replica more than {@code replicas}. */
    boolean mayGrow(int expert, int replicas) {
        return replicas < maxReplicas[expert];
    }

    boolean pinned(int expert) {
        return pins[expert] != null;
    }

    int freeExperts() {
        int n = 0;
        for (ExpertReplicas p : pins) {
            n += p == null ? 1 : 0;
        }
        return n;
    }

    double totalLoad() {
        double sum = 0;
        for (double l : load) {
            sum += l;
        }
        return sum;
    }
}
