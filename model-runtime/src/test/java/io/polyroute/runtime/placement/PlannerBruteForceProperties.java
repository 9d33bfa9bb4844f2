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

import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * On small stages with Zipf loads the planner's imbalance is within 10% of the best any replica
 * assignment can reach; see {@link BruteForce} for exactly what is enumerated.
 */
class PlannerBruteForceProperties {
    /** Worst planner / brute-force ratio seen, as raw double bits (ratios are positive). */
    private static final AtomicLong WORST = new AtomicLong(Double.doubleToLongBits(1.0));

    private static final AtomicLong CASES = new AtomicLong();
    private static final AtomicLong OPTIMAL = new AtomicLong();

    @Property(tries = 1500)
    void plannerImbalanceIsWithinTenPercentOfTheBruteForceBest(@ForAll long seed) {
        Random rnd = new Random(seed);
        int experts = 1 + rnd.nextInt(6);
        int slots = 1 + rnd.nextInt(3);
        int budget = rnd.nextInt(4);
        int minCapacity = (experts + slots - 1) / slots;
        int capacity = minCapacity + rnd.nextInt(experts - minCapacity + 1);
        double s = 0.8 + 0.8 * rnd.nextDouble();
        double[] load = PlanningCases.zipf(rnd, experts, s);

        Planner planner = Planner.builder()
                .replicaBudget(budget)
                .stickinessThreshold(0)
                .hysteresis(0)
                .cooldownWindows(0)
                .build();
        PlanDecision d = planner.plan(PlanRequest.builder()
                .load(LoadSnapshot.ofLoads(load))
                .slots(slots)
                .slotCapacity(capacity)
                .current(Placement.roundRobin(experts, slots))
                .build());
        double best = BruteForce.bestImbalance(load, slots, capacity, budget).imbalance();

        double ratio = d.imbalanceAfter() / best;
        WORST.accumulateAndGet(
                Double.doubleToLongBits(ratio),
                (a, b) -> Double.longBitsToDouble(a) >= Double.longBitsToDouble(b) ? a : b);
        CASES.incrementAndGet();
        OPTIMAL.addAndGet(ratio <= 1 + 1e-9 ? 1 : 0);
        assertThat(ratio)
                .as("planner %s vs brute force %s", d.imbalanceAfter(), best)
                .isLessThanOrEqualTo(1.10);
        assertThat(ratio).as("nothing beats exhaustive search").isGreaterThanOrEqualTo(1 - 1e-9);
    }

    @AfterContainer
    static void report() {
        System.out.printf(
                "planner vs brute force: %d cases, %d optimal, worst ratio %.4f%n",
                CASES.get(), OPTIMAL.get(), Double.longBitsToDouble(WORST.get()));
    }
}
