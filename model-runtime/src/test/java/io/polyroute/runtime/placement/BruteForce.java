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

/**
 * The best achievable imbalance of a small stage, by exhaustive search.
 *
 * <p>What it enumerates: every <em>replica assignment</em> = for each expert a non-empty set of slots
 * (a bitmask in {@code [1, 2^slots)}), such that (a) the replicas beyond one per expert,
 * {@code Σ_e (|set_e| - 1)}, are at most the budget, and (b) no slot is in more than
 * {@code capacity} sets. Shares are not enumerated: for a fixed assignment the optimal shares are
 * those that minimise the maximum slot load, and since loads are divisible that minimum is exactly
 * {@code max over non-empty slot sets A of load(experts whose set ⊆ A) / |A|} (Hall's condition,
 * i.e. max-flow/min-cut on the transportation network). The result is the smallest such maximum
 * over all assignments, divided by the mean slot load. Independent of the planner's code: it shares
 * no class with it beyond the inputs.
 */
final class BruteForce {
    private final double[] load;
    private final int slots;
    private final int capacity;
    private final int budget;
    private final int[] sets;
    private final int[] resident;
    private double best = Double.POSITIVE_INFINITY;
    private long assignments;

    private BruteForce(double[] load, int slots, int capacity, int budget) {
        this.load = load;
        this.slots = slots;
        this.capacity = capacity;
        this.budget = budget;
        this.sets = new int[load.length];
        this.resident = new int[slots];
    }

    /** The best imbalance over all assignments within budget and capacity. */
    static Result bestImbalance(double[] load, int slots, int capacity, int budget) {
        BruteForce search = new BruteForce(load, slots, capacity, budget);
        search.enumerate(0, 0);
        double total = 0;
        for (double l : load) {
            total += l;
        }
        return new Result(total <= 0 ? 1.0 : search.best / (total / slots), search.assignments);
    }

    record Result(double imbalance, long assignments) {}

    private void enumerate(int expert, int extras) {
        if (expert == load.length) {
            assignments++;
            best = Math.min(best, minMaxLoad());
            return;
        }
        for (int set = 1; set < (1 << slots); set++) {
            int more = Integer.bitCount(set) - 1;
            if (extras + more > budget || !fits(set)) {
                continue;
            }
            sets[expert] = set;
            occupy(set, 1);
            enumerate(expert + 1, extras + more);
            occupy(set, -1);
        }
    }

    private boolean fits(int set) {
        for (int s = 0; s < slots; s++) {
            if ((set >> s & 1) == 1 && resident[s] >= capacity) {
                return false;
            }
        }
        return true;
    }

    private void occupy(int set, int delta) {
        for (int s = 0; s < slots; s++) {
            resident[s] += (set >> s & 1) == 1 ? delta : 0;
        }
    }

    /** Hall's bound, which optimal divisible shares attain. */
    private double minMaxLoad() {
        double worst = 0;
        for (int a = 1; a < (1 << slots); a++) {
            double inside = 0;
            for (int e = 0; e < load.length; e++) {
                inside += (sets[e] & ~a) == 0 ? load[e] : 0;
            }
            worst = Math.max(worst, inside / Integer.bitCount(a));
        }
        return worst;
    }
}
