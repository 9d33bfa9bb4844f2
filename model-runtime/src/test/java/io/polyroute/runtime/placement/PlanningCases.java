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
import java.util.Random;

/** Random stages for the planner properties, built from a seed so every case can be replayed. */
final class PlanningCases {
    private PlanningCases() {}

    /** A random stage: experts, slots, capacity, budget, loads (with zeros and spikes) and a valid current placement. */
    record Stage(int experts, int slots, int capacity, int budget, LoadSnapshot load, Placement current) {
        PlanRequest.Builder request() {
            return PlanRequest.builder()
                    .load(load)
                    .slots(slots)
                    .slotCapacity(capacity)
                    .current(current);
        }

        Planner.Builder planner() {
            return Planner.builder().replicaBudget(budget);
        }
    }

    static Stage stage(long seed) {
        Random rnd = new Random(seed);
        int experts = 1 + rnd.nextInt(12);
        int slots = 1 + rnd.nextInt(6);
        int minCapacity = (experts + slots - 1) / slots;
        int capacity = minCapacity + rnd.nextInt(experts - minCapacity + 2);
        int budget = rnd.nextInt(2 * slots + 1);
        LoadSnapshot load = randomLoad(rnd, experts);
        Placement current = rnd.nextInt(3) == 0
                ? Placement.roundRobin(experts, slots)
                : randomPlacement(rnd, experts, slots, capacity, budget);
        return new Stage(experts, slots, capacity, budget, load, current);
    }

    static LoadSnapshot randomLoad(Random rnd, int experts) {
        double[] demand = new double[experts];
        double[] cost = new double[experts];
        for (int e = 0; e < experts; e++) {
            int kind = rnd.nextInt(6);
            demand[e] = kind == 0 ? 0 : kind == 1 ? 1000 * rnd.nextDouble() * 20 : 1000 * rnd.nextDouble();
            cost[e] = 1e5 * (0.5 + rnd.nextDouble());
        }
        return LoadSnapshot.of(demand, cost);
    }

    /** Zipf(s) popularity over a random ranking of the experts, equal cost per record. */
    static double[] zipf(Random rnd, int experts, double s) {
        List<Integer> ranks = new ArrayList<>();
        for (int r = 1; r <= experts; r++) {
            ranks.add(r);
        }
        java.util.Collections.shuffle(ranks, rnd);
        double[] load = new double[experts];
        for (int e = 0; e < experts; e++) {
            load[e] = 1000.0 / Math.pow(ranks.get(e), s);
        }
        return load;
    }

    /** A placement within capacity and budget: one replica each, extras where there is room, random shares. */
    static Placement randomPlacement(Random rnd, int experts, int slots, int capacity, int budget) {
        boolean[][] hosts = new boolean[experts][slots];
        int[] resident = new int[slots];
        for (int e = 0; e < experts; e++) {
            int s = rnd.nextInt(slots);
            while (resident[s] >= capacity) {
                s = (s + 1) % slots;
            }
            hosts[e][s] = true;
            resident[s]++;
        }
        int extras = rnd.nextInt(budget + 1);
        for (int i = 0; i < 4 * extras && extras > 0; i++) {
            int e = rnd.nextInt(experts);
            int s = rnd.nextInt(slots);
            if (!hosts[e][s] && resident[s] < capacity) {
                hosts[e][s] = true;
                resident[s]++;
                extras--;
            }
        }
        List<ExpertReplicas> list = new ArrayList<>();
        for (int e = 0; e < experts; e++) {
            list.add(randomShares(rnd, hosts[e]));
        }
        return Placement.of(slots, list);
    }

    static ExpertReplicas randomShares(Random rnd, boolean[] hosted) {
        int n = 0;
        for (boolean h : hosted) {
            n += h ? 1 : 0;
        }
        int[] slots = new int[n];
        double[] weights = new double[n];
        double sum = 0;
        for (int s = 0, i = 0; s < hosted.length; s++) {
            if (hosted[s]) {
                slots[i] = s;
                weights[i] = rnd.nextInt(4) == 0 ? 0 : rnd.nextDouble();
                sum += weights[i++];
            }
        }
        for (int i = 0; i < n; i++) {
            weights[i] = sum > 0 ? weights[i] / sum : 1.0 / n;
        }
        return ExpertReplicas.of(slots, weights);
    }
}
