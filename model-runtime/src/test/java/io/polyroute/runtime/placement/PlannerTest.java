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
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.polyroute.runtime.placement.PlanDecision.Outcome;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The planner's decisions on hand-made stages, and its validation. */
class PlannerTest {
    /** Expert 0 on both slots (even shares), expert 1 on slot 0, expert 2 on slot 1. */
    private static final Placement SPLIT =
            Placement.of(2, List.of(ExpertReplicas.even(0, 1), ExpertReplicas.single(0), ExpertReplicas.single(1)));
    /** Re-splitting expert 0 gives 1.04 from 1.06; another replica of expert 1 would give 1.00. */
    private static final LoadSnapshot NEARLY_EVEN = LoadSnapshot.ofLoads(0.2, 5.5, 4.9);

    private static PlanRequest.Builder request(Placement current, LoadSnapshot load) {
        return PlanRequest.builder()
                .load(load)
                .slots(current.slots())
                .slotCapacity(4)
                .current(current);
    }

    private static Planner.Builder planner() {
        return Planner.builder().cooldownWindows(0);
    }

    @Test
    void shouldGiveAHotExpertAReplicaAndSayWhichExpertWasHot() {
        PlanDecision d = planner()
                .build()
                .plan(request(Placement.roundRobin(4, 2), LoadSnapshot.ofLoads(10, 1, 1, 1))
                        .build());
        assertThat(d.outcome()).isEqualTo(Outcome.PUBLISHED);
        assertThat(d.reason()).isEqualTo("imbalance 1.69 -> 1.00 (expert 0 hot), incremental, 1 sessions moved");
        Placement plan = d.placement().orElseThrow();
        assertThat(plan.replicas(0).slots()).containsExactly(0, 1);
        assertThat(d.sessionsMoved()).isEqualTo(1);
        assertThat(d.imbalanceAfter()).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void shouldOnlyReSplitSharesWhenMovingSessionsGainsLessThanTheStickinessThreshold() {
        PlanDecision sticky = planner()
                .stickinessThreshold(0.05)
                .hysteresis(0.01)
                .build()
                .plan(request(SPLIT, NEARLY_EVEN).build());
        assertThat(sticky.reason()).startsWith("imbalance 1.06 -> 1.04").contains("shares re-split, 0 sessions moved");
        assertThat(sticky.placement().orElseThrow().replicas(0).shareOn(1)).isEqualTo(1.0);

        PlanDecision moving = planner()
                .stickinessThreshold(0.02)
                .hysteresis(0.01)
                .build()
                .plan(request(SPLIT, NEARLY_EVEN).build());
        assertThat(moving.imbalanceAfter()).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(moving.sessionsMoved()).isPositive();
    }

    @Test
    void shouldPublishNothingWhenTheGainIsWithinHysteresis() {
        PlanDecision d = planner()
                .stickinessThreshold(0.05)
                .hysteresis(0.05)
                .build()
                .plan(request(SPLIT, NEARLY_EVEN).build());
        assertThat(d.outcome()).isEqualTo(Outcome.WITHIN_HYSTERESIS);
        assertThat(d.placement()).isEmpty();
        assertThat(d.reason())
                .isEqualTo("within hysteresis: best plan imbalance 1.06 -> 1.04, 1.8% better, threshold 5.0%");
        assertThat(d.imbalanceAfter()).isEqualTo(d.imbalanceBefore());
    }

    @Test
    void shouldPublishNothingDuringTheCooldown() {
        Planner planner = Planner.builder().cooldownWindows(2).build();
        PlanRequest.Builder hot = request(Placement.roundRobin(4, 2), LoadSnapshot.ofLoads(10, 1, 1, 1));
        PlanDecision d = planner.plan(hot.windowsSinceLastPublish(2).build());
        assertThat(d.outcome()).isEqualTo(Outcome.COOLDOWN);
        assertThat(d.reason()).isEqualTo("cooldown: 2 of 2 windows since the last plan");
        assertThat(planner.plan(hot.windowsSinceLastPublish(3).build()).published())
                .isTrue();
    }

    @Test
    void shouldPlanNothingWhenEveryExpertIsPinned() {
        Placement rr = Placement.roundRobin(2, 2);
        PlanDecision d = planner()
                .build()
                .plan(request(rr, LoadSnapshot.ofLoads(9, 1))
                        .pin(0, ExpertReplicas.single(0))
                        .pin(1, ExpertReplicas.single(1))
                        .build());
        assertThat(d.outcome()).isEqualTo(Outcome.PINNED);
        assertThat(d.reason()).isEqualTo("pinned: every expert is pinned");
    }

    @Test
    void shouldPlanTheOtherExpertsAroundAPin() {
        PlanDecision d = planner()
                .build()
                .plan(request(Placement.roundRobin(3, 3), LoadSnapshot.ofLoads(10, 1, 1))
                        .pin(0, ExpertReplicas.single(0))
                        .build());
        Placement plan = d.placement().orElse(Placement.roundRobin(3, 3));
        assertThat(plan.replicas(0)).isEqualTo(ExpertReplicas.single(0));
        assertThat(plan.replicas(1).hosts(0)).isFalse();
        assertThat(plan.replicas(2).hosts(0)).isFalse();
    }

    @Test
    void shouldEnforceANewPinEvenDuringTheCooldown() {
        PlanDecision d = Planner.builder()
                .cooldownWindows(5)
                .build()
                .plan(request(Placement.roundRobin(3, 3), LoadSnapshot.ofLoads(1, 1, 1))
                        .pin(2, ExpertReplicas.even(0, 1))
                        .windowsSinceLastPublish(1)
                        .build());
        assertThat(d.published()).isTrue();
        assertThat(d.reason()).startsWith("current placement invalid (expert 2 is pinned to {0:0.500, 1:0.500}");
        assertThat(d.placement().orElseThrow().replicas(2)).isEqualTo(ExpertReplicas.even(0, 1));
    }

    @Test
    void shouldReplaceAPlacementMadeForAnotherSlotCount() {
        PlanDecision d = Planner.builder()
                .cooldownWindows(5)
                .build()
                .plan(PlanRequest.builder()
                        .load(LoadSnapshot.ofLoads(1, 1, 1, 1))
                        .slots(2)
                        .slotCapacity(4)
                        .current(Placement.roundRobin(4, 4))
                        .windowsSinceLastPublish(1)
                        .build());
        assertThat(d.published()).isTrue();
        assertThat(d.reason()).contains("it spans 4 slots, the job now has 2");
        assertThat(d.placement().orElseThrow().slots()).isEqualTo(2);
        assertThat(d.imbalanceAfter()).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void shouldTrimAPlacementThatExceedsCapacityOrBudget() {
        Placement crowded = Placement.of(
                2, List.of(ExpertReplicas.even(0, 1), ExpertReplicas.even(0, 1), ExpertReplicas.single(0)));
        PlanDecision d = Planner.builder()
                .replicaBudget(1)
                .build()
                .plan(PlanRequest.builder()
                        .load(LoadSnapshot.ofLoads(1, 1, 1))
                        .slots(2)
                        .slotCapacity(2)
                        .current(crowded)
                        .build());
        assertThat(d.reason()).contains("slot 0 holds 3 sessions, capacity is 2");
        Placement plan = d.placement().orElseThrow();
        assertThat(plan.residentSessions(0)).isLessThanOrEqualTo(2);
        assertThat(plan.totalReplicas() - plan.experts()).isLessThanOrEqualTo(1);

        PlanDecision overBudget = Planner.builder()
                .replicaBudget(0)
                .build()
                .plan(PlanRequest.builder()
                        .load(LoadSnapshot.ofLoads(1, 1, 1))
                        .slots(2)
                        .slotCapacity(3)
                        .current(crowded)
                        .build());
        assertThat(overBudget.reason()).contains("2 replicas beyond one per expert exceed the budget of 0");
        assertThat(overBudget.placement().orElseThrow().totalReplicas()).isEqualTo(3);
    }

    @Test
    void shouldKeepSessionsWhereTheyAreWhenRelabellingAFreshPlan() {
        PlanningProblem p = new PlanningProblem(new double[] {5, 3, 2, 2, 1, 1}, 3, 3, 2, Map.of());
        Assignment fresh = EplbPlacer.place(p);
        int[] rotate = {1, 2, 0};
        Assignment current = fresh.permuted(rotate);
        Assignment relabelled = fresh.permuted(SlotMatcher.match(p, fresh, current));
        assertThat(relabelled.movedFrom(current)).isZero();
    }

    @Test
    void shouldGiveTheSameDecisionsFromManyThreads() {
        Planner planner = Planner.builder().build();
        List<PlanDecision> serial = IntStream.range(0, 200)
                .mapToObj(
                        seed -> planner.plan(PlanningCases.stage(seed).request().build()))
                .toList();
        List<PlanDecision> parallel = IntStream.range(0, 200)
                .parallel()
                .mapToObj(
                        seed -> planner.plan(PlanningCases.stage(seed).request().build()))
                .toList();
        for (int i = 0; i < serial.size(); i++) {
            assertThat(parallel.get(i).placement()).isEqualTo(serial.get(i).placement());
            assertThat(parallel.get(i).reason()).isEqualTo(serial.get(i).reason());
        }
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS)
    void shouldPlanALargeStageQuickly() {
        java.util.Random rnd = new java.util.Random(7);
        Placement current = Placement.roundRobin(128, 32);
        for (int window = 0; window < 3; window++) {
            double[] load = PlanningCases.zipf(rnd, 128, 1.2);
            PlanDecision d = Planner.builder()
                    .cooldownWindows(0)
                    .build()
                    .plan(PlanRequest.builder()
                            .load(LoadSnapshot.ofLoads(load))
                            .slots(32)
                            .slotCapacity(8)
                            .current(current)
                            .build());
            current = d.placement().orElse(current);
            assertThat(d.imbalanceAfter()).isLessThan(1.1);
        }
    }

    @Test
    void shouldRefuseBadPlannerOptionsNamingTheOption() {
        assertThatThrownBy(() -> Planner.builder().replicaBudget(-1).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("rebalance.replica-budget must be >= 0, but is -1.");
        assertThatThrownBy(() -> Planner.builder().stickinessThreshold(1.5).build())
                .hasMessage("rebalance.stickiness-threshold must be in [0, 1) (a relative gain), but is 1.5.");
        assertThatThrownBy(() -> Planner.builder().hysteresis(Double.NaN).build())
                .hasMessageContaining("rebalance.hysteresis must be in [0, 1)");
        assertThatThrownBy(() -> Planner.builder().cooldownWindows(-2).build())
                .hasMessage("rebalance.cooldown-windows must be >= 0, but is -2.");
        Planner defaults = Planner.builder().build();
        assertThat(defaults.replicaBudget(8)).isEqualTo(8);
        assertThat(defaults.hysteresis()).isEqualTo(Planner.DEFAULT_HYSTERESIS);
    }

    @Test
    void shouldRefuseBadRequestsSayingWhatToFix() {
        LoadSnapshot load = LoadSnapshot.ofLoads(1, 1, 1, 1);
        Placement rr = Placement.roundRobin(4, 2);
        assertThatThrownBy(() -> PlanRequest.builder()
                        .current(rr)
                        .slots(2)
                        .slotCapacity(2)
                        .build())
                .hasMessage("The load snapshot must be set.");
        assertThatThrownBy(() -> PlanRequest.builder()
                        .load(load)
                        .slots(2)
                        .slotCapacity(2)
                        .build())
                .hasMessageContaining("use Placement.roundRobin(4, slots)");
        assertThatThrownBy(() -> PlanRequest.builder()
                        .load(load)
                        .current(rr)
                        .slots(0)
                        .slotCapacity(2)
                        .build())
                .hasMessage("The slot count must be >= 1, but is 0.");
        assertThatThrownBy(() -> PlanRequest.builder()
                        .load(load)
                        .current(rr)
                        .slots(2)
                        .slotCapacity(0)
                        .build())
                .hasMessage("rebalance.slot-capacity must be >= 1, but is 0.");
        assertThatThrownBy(() -> PlanRequest.builder()
                        .load(load)
                        .current(rr)
                        .slots(2)
                        .slotCapacity(1)
                        .build())
                .hasMessageContaining("fewer than the 4 that 4 experts need");
        assertThatThrownBy(() -> PlanRequest.builder()
                        .load(LoadSnapshot.ofLoads(1))
                        .current(rr)
                        .slots(2)
                        .slotCapacity(2)
                        .build())
                .hasMessageContaining("has 4 experts but the load snapshot has 1");
        assertThatThrownBy(() -> PlanRequest.builder()
                        .load(load)
                        .current(rr)
                        .slots(2)
                        .slotCapacity(2)
                        .pin(7, ExpertReplicas.single(0))
                        .build())
                .hasMessageContaining("A pin must name an expert in [0, 4)");
        assertThatThrownBy(() -> PlanRequest.builder()
                        .load(load)
                        .current(rr)
                        .slots(2)
                        .slotCapacity(2)
                        .pin(0, ExpertReplicas.single(3))
                        .build())
                .hasMessage("Expert 0 is pinned to slot 3 but the stage has only 2 slots.");
        assertThatThrownBy(() -> PlanRequest.builder()
                        .load(load)
                        .current(rr)
                        .slots(2)
                        .slotCapacity(2)
                        .windowsSinceLastPublish(-1)
                        .build())
                .hasMessageContaining("must be >= 0");
    }
}
