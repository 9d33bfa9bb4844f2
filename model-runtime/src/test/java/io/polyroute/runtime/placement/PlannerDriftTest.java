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

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The planner in a simulated control loop: 16 experts on 8 slots, Zipf(1.2) popularity whose hot
 * set changes half-way, 3% measurement noise per window, loads smoothed with alpha 0.5. This is the
 * loop the rebalancer runs, minus Kafka and Flink.
 */
class PlannerDriftTest {
    private static final int EXPERTS = 16;
    private static final int SLOTS = 8;
    private static final int WINDOWS = 60;
    private static final int DRIFT = 30;

    record Window(int index, double trueImbalance, PlanDecision decision) {}

    private static List<Window> run(Planner planner, long seed) {
        Random rnd = new Random(seed);
        double[] before = PlanningCases.zipf(rnd, EXPERTS, 1.2);
        double[] after = PlanningCases.zipf(rnd, EXPERTS, 1.2);
        LoadSmoother smoother = new LoadSmoother(EXPERTS, 0.5);
        Placement current = Placement.roundRobin(EXPERTS, SLOTS);
        int since = Integer.MAX_VALUE;
        List<Window> windows = new ArrayList<>();
        for (int w = 0; w < WINDOWS; w++) {
            double[] truth = w < DRIFT ? before : after;
            double[] demand = new double[EXPERTS];
            double[] cost = new double[EXPERTS];
            for (int e = 0; e < EXPERTS; e++) {
                demand[e] = truth[e] * (1 + 0.03 * rnd.nextGaussian());
                cost[e] = 50_000 * (1 + 0.03 * rnd.nextGaussian());
            }
            PlanDecision d = planner.plan(PlanRequest.builder()
                    .load(smoother.update(demand, cost))
                    .slots(SLOTS)
                    .slotCapacity(4)
                    .current(current)
                    .windowsSinceLastPublish(since)
                    .build());
            if (d.published()) {
                current = d.placement().orElseThrow();
                since = 0;
            }
            since = since == Integer.MAX_VALUE ? since : since + 1;
            windows.add(new Window(w, current.imbalance(truth), d));
        }
        return windows;
    }

    @Test
    void shouldConvergeReactToDriftWithinTwoWindowsAndNotFlap() {
        Planner planner = Planner.builder().build();
        for (long seed = 0; seed < 10; seed++) {
            List<Window> windows = run(planner, seed);
            int firstAfterDrift = windows.stream()
                    .filter(w -> w.index() >= DRIFT && w.decision().published())
                    .mapToInt(Window::index)
                    .findFirst()
                    .orElse(WINDOWS);
            long steadyPublishes = windows.stream()
                    .filter(w -> (w.index() >= 10 && w.index() < DRIFT) || w.index() >= DRIFT + 10)
                    .filter(w -> w.decision().published())
                    .count();
            assertThat(firstAfterDrift - DRIFT)
                    .as("reaction windows, seed %d", seed)
                    .isLessThanOrEqualTo(2);
            assertThat(steadyPublishes)
                    .as("plans published in steady state, seed %d", seed)
                    .isLessThanOrEqualTo(2);
            for (Window w : windows) {
                if ((w.index() >= 5 && w.index() < DRIFT) || w.index() >= DRIFT + 5) {
                    assertThat(w.trueImbalance())
                            .as("true imbalance in window %d, seed %d", w.index(), seed)
                            .isLessThanOrEqualTo(1.15);
                }
            }
        }
    }
}
