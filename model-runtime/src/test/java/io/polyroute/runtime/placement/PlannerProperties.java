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

import io.polyroute.runtime.placement.PlanningCases.Stage;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;

/** Invariants of every plan the planner publishes, on random stages with random valid current placements. */
class PlannerProperties {

    private static PlanDecision planFreely(Stage stage) {
        Planner planner = stage.planner()
                .stickinessThreshold(0)
                .hysteresis(0)
                .cooldownWindows(0)
                .build();
        return planner.plan(stage.request().build());
    }

    @Property(tries = 500)
    void everyExpertKeepsAReplicaAndItsSharesSumToOne(@ForAll long seed) {
        Stage stage = PlanningCases.stage(seed);
        Placement plan = planFreely(stage).placement().orElse(stage.current());
        assertThat(plan.experts()).isEqualTo(stage.experts());
        for (int e = 0; e < plan.experts(); e++) {
            ExpertReplicas r = plan.replicas(e);
            assertThat(r.count()).isGreaterThanOrEqualTo(1);
            double sum = 0;
            for (int i = 0; i < r.count(); i++) {
                assertThat(r.share(i)).isGreaterThanOrEqualTo(0.0);
                sum += r.share(i);
            }
            assertThat(Math.abs(sum - 1.0)).isLessThanOrEqualTo(1e-9);
        }
    }

    @Property(tries = 500)
    void noSlotExceedsItsCapacityAndTheBudgetHolds(@ForAll long seed) {
        Stage stage = PlanningCases.stage(seed);
        Placement plan = planFreely(stage).placement().orElse(stage.current());
        for (int s = 0; s < stage.slots(); s++) {
            assertThat(plan.residentSessions(s)).isLessThanOrEqualTo(stage.capacity());
        }
        assertThat(plan.totalReplicas() - plan.experts()).isLessThanOrEqualTo(stage.budget());
    }

    @Property(tries = 300)
    void theSameInputGivesTheSamePlan(@ForAll long seed) {
        Stage stage = PlanningCases.stage(seed);
        PlanDecision first = planFreely(stage);
        PlanDecision second = planFreely(PlanningCases.stage(seed));
        assertThat(second.placement()).isEqualTo(first.placement());
        assertThat(second.reason()).isEqualTo(first.reason());
        assertThat(second.imbalanceAfter()).isEqualTo(first.imbalanceAfter());
    }

    @Property(tries = 500)
    void aPublishedPlanNeverPredictsAWorseImbalance(
            @ForAll long seed,
            @ForAll @DoubleRange(min = 0, max = 0.3) double stickiness,
            @ForAll @DoubleRange(min = 0, max = 0.3) double hysteresis) {
        Stage stage = PlanningCases.stage(seed);
        Planner planner = stage.planner()
                .stickinessThreshold(stickiness)
                .hysteresis(hysteresis)
                .build();
        PlanDecision d = planner.plan(stage.request().build());
        double before = stage.current().imbalance(stage.load());
        assertThat(d.imbalanceBefore()).isEqualTo(before);
        if (d.published()) {
            double after = d.placement().orElseThrow().imbalance(stage.load());
            assertThat(after).isCloseTo(d.imbalanceAfter(), org.assertj.core.data.Offset.offset(1e-12));
            assertThat(after).isLessThan(before);
            assertThat((before - after) / before).isGreaterThan(hysteresis);
            assertThat(d.sessionsMoved()).isEqualTo(d.placement().orElseThrow().movedSessions(stage.current()));
        } else {
            assertThat(d.imbalanceAfter()).isEqualTo(before);
            assertThat(d.sessionsMoved()).isZero();
        }
    }

    @Property(tries = 300)
    void hysteresisPublishesExactlyWhenTheGainExceedsTheThreshold(
            @ForAll long seed, @ForAll @DoubleRange(min = 0, max = 0.5) double hysteresis) {
        Stage stage = PlanningCases.stage(seed);
        PlanDecision free = planFreely(stage);
        Planner planner = stage.planner()
                .stickinessThreshold(0)
                .hysteresis(hysteresis)
                .cooldownWindows(0)
                .build();
        PlanDecision d = planner.plan(stage.request().build());
        // The chosen plan does not depend on the hysteresis, only whether it is published does.
        Placement best = free.placement().orElse(stage.current());
        double gain = (free.imbalanceBefore() - best.imbalance(stage.load())) / free.imbalanceBefore();
        assertThat(d.published()).isEqualTo(free.published() && gain > hysteresis);
        if (!d.published()) {
            assertThat(d.outcome()).isEqualTo(PlanDecision.Outcome.WITHIN_HYSTERESIS);
            assertThat(d.reason()).startsWith("within hysteresis");
        }
    }

    @Property(tries = 300)
    void cooldownPublishesNothingForNWindowsAfterAPublish(
            @ForAll long seed,
            @ForAll @IntRange(min = 0, max = 4) int cooldown,
            @ForAll @IntRange(min = 0, max = 6) int since) {
        Stage stage = PlanningCases.stage(seed);
        Planner planner = stage.planner()
                .stickinessThreshold(0)
                .hysteresis(0)
                .cooldownWindows(cooldown)
                .build();
        PlanDecision d =
                planner.plan(stage.request().windowsSinceLastPublish(since).build());
        if (since <= cooldown) {
            assertThat(d.outcome()).isEqualTo(PlanDecision.Outcome.COOLDOWN);
            assertThat(d.placement()).isEmpty();
            assertThat(d.reason()).startsWith("cooldown");
        } else {
            PlanDecision free = planFreely(stage);
            assertThat(d.placement()).isEqualTo(free.placement());
            assertThat(d.outcome()).isEqualTo(free.outcome());
        }
    }

    @Property(tries = 400)
    void pinnedExpertsKeepTheirSlotsAndSharesAndTheRestStaysValid(@ForAll long seed) {
        Stage stage = PlanningCases.stage(seed);
        Random rnd = new Random(seed ^ 0x5EED);
        PlanRequest.Builder request = stage.request();
        java.util.Map<Integer, ExpertReplicas> pins = new java.util.TreeMap<>();
        int[] pinnedResident = new int[stage.slots()];
        for (int e = 0; e < stage.experts(); e++) {
            if (rnd.nextInt(3) != 0) {
                continue;
            }
            boolean[] hosted = new boolean[stage.slots()];
            hosted[rnd.nextInt(stage.slots())] = true;
            hosted[rnd.nextInt(stage.slots())] = true;
            boolean fits = true;
            for (int s = 0; s < stage.slots(); s++) {
                fits &= !hosted[s] || pinnedResident[s] < stage.capacity();
            }
            if (fits) {
                for (int s = 0; s < stage.slots(); s++) {
                    pinnedResident[s] += hosted[s] ? 1 : 0;
                }
                pins.put(e, PlanningCases.randomShares(rnd, hosted));
            }
        }
        int sessions = java.util.Arrays.stream(pinnedResident).sum() + stage.experts() - pins.size();
        if (sessions > stage.slots() * stage.capacity()) {
            return;
        }
        PlanRequest req = request.pins(pins).build();
        PlanDecision d =
                stage.planner().stickinessThreshold(0).hysteresis(0.02).build().plan(req);
        boolean honoured = pins.entrySet().stream()
                .allMatch(p -> stage.current().replicas(p.getKey()).equals(p.getValue()));
        if (!honoured) {
            assertThat(d.published())
                    .as("a current placement that ignores a pin is replaced")
                    .isTrue();
            assertThat(d.reason()).contains("pinned to");
        }
        if (pins.size() == stage.experts() && honoured) {
            assertThat(d.outcome()).isEqualTo(PlanDecision.Outcome.PINNED);
        }
        Placement plan = d.placement().orElse(stage.current());
        pins.forEach((e, r) -> assertThat(plan.replicas(e)).isEqualTo(r));
        for (int s = 0; s < stage.slots(); s++) {
            assertThat(plan.residentSessions(s)).isLessThanOrEqualTo(stage.capacity());
        }
    }
}
