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

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The versioned, multi-stage plan and how decisions advance it. */
class PlannerPlanVersionTest {
    private final Planner planner =
            Planner.builder().hysteresis(0.05).cooldownWindows(0).build();

    private PlanDecision decide(Placement current, double... loads) {
        return planner.plan(PlanRequest.builder()
                .load(LoadSnapshot.ofLoads(loads))
                .slots(current.slots())
                .slotCapacity(4)
                .current(current)
                .build());
    }

    @Test
    void shouldStartAtVersionZeroInRoundRobinForEveryStage() {
        PlanVersion plan = PlanVersion.initial(List.of(4, 6), 2);
        assertThat(plan.version()).isZero();
        assertThat(plan.stageCount()).isEqualTo(2);
        assertThat(plan.stage(1)).isEqualTo(Placement.roundRobin(6, 2));
        assertThat(plan.pinned()).isFalse();
    }

    @Test
    void shouldAdvanceOnlyWhenAStageIsPublished() {
        PlanVersion plan = PlanVersion.initial(List.of(4, 4), 2);
        PlanDecision hot = decide(plan.stage(0), 10, 1, 1, 1);
        PlanDecision calm = decide(plan.stage(1), 1, 1, 1, 1);
        assertThat(hot.published()).isTrue();
        assertThat(calm.published()).isFalse();

        PlanVersion next = plan.next(List.of(hot, calm), 1234L).orElseThrow();
        assertThat(next.version()).isEqualTo(1);
        assertThat(next.timestampMillis()).isEqualTo(1234L);
        assertThat(next.stage(0)).isEqualTo(hot.placement().orElseThrow());
        assertThat(next.stage(1)).isEqualTo(plan.stage(1));
        assertThat(next.reason()).startsWith("stage 0: imbalance").doesNotContain("stage 1");
        assertThat(next.predictedImbalance()).isEqualTo(Math.max(hot.imbalanceAfter(), calm.imbalanceAfter()));
        assertThat(next.sessionsMoved()).isEqualTo(hot.sessionsMoved());
        assertThat(plan.next(List.of(calm, calm), 1L)).isEqualTo(Optional.empty());
    }

    @Test
    void shouldCarryPinsForwardAndHandThemToThePlanner() {
        Placement manual = Placement.of(2, List.of(ExpertReplicas.even(0, 1), ExpertReplicas.single(1)));
        PlanVersion pinned = PlanVersion.builder()
                .version(7)
                .reason("pinned by an operator")
                .stage(manual)
                .pinned(0, Set.of(0))
                .build();
        assertThat(pinned.pinned()).isTrue();
        assertThat(pinned.pins(0)).isEqualTo(Map.of(0, ExpertReplicas.even(0, 1)));

        PlanDecision d = planner.plan(PlanRequest.builder()
                .load(LoadSnapshot.ofLoads(1, 9))
                .slots(2)
                .slotCapacity(2)
                .current(manual)
                .pins(pinned.pins(0))
                .build());
        PlanVersion next = pinned.next(List.of(d), 0L).orElseThrow();
        assertThat(next.pinnedExperts(0)).containsExactly(0);
        assertThat(next.stage(0).replicas(0)).isEqualTo(ExpertReplicas.even(0, 1));
    }

    @Test
    void shouldRefuseInconsistentPlans() {
        assertThatThrownBy(() -> PlanVersion.builder().build()).hasMessageContaining("placement for every stage");
        assertThatThrownBy(() -> PlanVersion.builder()
                        .version(-1)
                        .stage(Placement.roundRobin(2, 2))
                        .build())
                .hasMessageContaining("version must be >= 0");
        assertThatThrownBy(() -> PlanVersion.builder()
                        .stage(Placement.roundRobin(2, 2))
                        .pinned(1, Set.of(0))
                        .build())
                .hasMessageContaining("stage 1 but the plan has 1 stages");
        assertThatThrownBy(() -> PlanVersion.builder()
                        .stage(Placement.roundRobin(2, 2))
                        .pinned(0, Set.of(5))
                        .build())
                .hasMessageContaining("pins expert 5");
        PlanVersion plan = PlanVersion.initial(List.of(2), 2);
        assertThatThrownBy(() -> plan.next(List.of(), 0L)).hasMessageContaining("one decision per stage");
    }
}
