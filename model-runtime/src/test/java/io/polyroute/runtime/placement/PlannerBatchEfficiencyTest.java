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
import static org.assertj.core.data.Offset.offset;

import io.polyroute.runtime.placement.PlanDecision.Outcome;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The minimum expected rows per replica batch: how the planner limits an expert's replicas. */
class PlannerBatchEfficiencyTest {
    private static final int SLOTS = 4;
    private static final int EXPERTS = 8;
    /** 50 µs of work per record: 15,000 records/s on 4 slots keep each slot busy 18.75% of the time. */
    private static final double COST_NS = 50_000;

    /** Expert 0 takes 8,000 of 15,000 records/s, more than two slots' fair share. */
    private static LoadSnapshot hotExpert(double scale) {
        double[] demand = new double[EXPERTS];
        double[] cost = new double[EXPERTS];
        for (int e = 0; e < EXPERTS; e++) {
            demand[e] = scale * (e == 0 ? 8_000 : 1_000);
            cost[e] = COST_NS;
        }
        return LoadSnapshot.of(demand, cost);
    }

    private static Planner planner(int minRows) {
        return Planner.builder()
                .cooldownWindows(0)
                .minRowsPerReplicaBatch(minRows)
                .expertBatching(256, 5)
                .build();
    }

    private static PlanRequest request(Placement current, LoadSnapshot load) {
        return PlanRequest.builder()
                .load(load)
                .slots(current.slots())
                .slotCapacity(EXPERTS)
                .current(current)
                .build();
    }

    @Test
    void shouldExpectAReplicasShareOfTheDemandOverTheDelayStretchedByTheSlotsBusyTime() {
        Planner p = planner(64);
        LoadSnapshot load = hotExpert(1);
        // Utilisation 15,000 × 50 µs / 4 slots = 0.1875: a queue is reached after 5 ms / 0.8125.
        double fill = 0.005 / (1 - 0.1875);
        assertThat(p.expectedRowsPerBatch(load, SLOTS, 0, 1)).isCloseTo(8_000 * fill, offset(1e-9));
        assertThat(p.expectedRowsPerBatch(load, SLOTS, 0, 2)).isCloseTo(4_000 * fill, offset(1e-9));
        assertThat(p.expectedRowsPerBatch(load, SLOTS, 1, 1)).isCloseTo(1_000 * fill, offset(1e-9));
        // Far more demand than one delay's worth: a batch is cut at its size.
        assertThat(p.expectedRowsPerBatch(hotExpert(100), SLOTS, 0, 1)).isEqualTo(256.0);
    }

    @Test
    void shouldTakeASaturatedSlotToFillWholeBatches() {
        // 5.3 s of work per second on 4 slots: every queue waits long enough to fill.
        LoadSnapshot saturated = LoadSnapshot.of(new double[] {100, 1}, new double[] {5e7, 5e7});
        assertThat(planner(64).expectedRowsPerBatch(saturated, SLOTS, 1, 4)).isEqualTo(256.0);
        assertThat(planner(64).maxReplicas(saturated, SLOTS)).containsExactly(4, 4);
    }

    @Test
    void shouldAllowAsManyReplicasAsKeepEachBatchAtTheMinimum() {
        LoadSnapshot load = hotExpert(1);
        // Expert 0 expects 49.2 rows per batch alone, 24.6 on two replicas, 16.4 on three, 12.3 on four.
        assertThat(planner(0).maxReplicas(load, SLOTS)).containsOnly(SLOTS);
        assertThat(planner(16).maxReplicas(load, SLOTS)[0]).isEqualTo(3);
        assertThat(planner(20).maxReplicas(load, SLOTS)[0]).isEqualTo(2);
        assertThat(planner(64).maxReplicas(load, SLOTS)[0]).isEqualTo(1);
        // Every expert keeps one replica however little it batches.
        assertThat(planner(64).maxReplicas(load, SLOTS)).containsOnly(1);
    }

    @Test
    void shouldSpreadAHotExpertOnlyAsFarAsItsBatchesAllow() {
        Placement start = Placement.roundRobin(EXPERTS, SLOTS);
        LoadSnapshot load = hotExpert(1);

        Placement free = planner(0).plan(request(start, load)).placement().orElseThrow();
        assertThat(free.replicas(0).count()).as("without a minimum").isGreaterThanOrEqualTo(3);

        PlanDecision two = planner(20).plan(request(start, load));
        assertThat(two.outcome()).isEqualTo(Outcome.PUBLISHED);
        assertThat(two.placement().orElseThrow().replicas(0).count()).isEqualTo(2);
        assertThat(two.imbalanceAfter()).isGreaterThan(free.imbalance(load));

        PlanDecision one = planner(64).plan(request(start, load));
        Placement single = one.placement().orElse(start);
        assertThat(single.replicas(0).count()).isEqualTo(1);
        for (int e = 0; e < EXPERTS; e++) {
            assertThat(single.replicas(e).count()).as("expert %d", e).isEqualTo(1);
        }
    }

    @Test
    void shouldReplicateAgainWhenTheDemandGrows() {
        Placement start = Placement.roundRobin(EXPERTS, SLOTS);
        // Four times the demand at the same cost: utilisation 0.75, a queue is reached after 20 ms.
        Placement plan =
                planner(64).plan(request(start, hotExpert(4))).placement().orElseThrow();
        assertThat(plan.replicas(0).count()).isGreaterThanOrEqualTo(2);
        assertThat(planner(64).maxReplicas(hotExpert(4), SLOTS)[0]).isEqualTo(SLOTS);
    }

    @Test
    void shouldDropSurplusReplicasWhenTheDemandFallsEvenIfTheImbalanceGetsWorse() {
        List<ExpertReplicas> experts = new ArrayList<>();
        // Expert 0 on every slot with the shares that even the slots out at 3,750 records/s each.
        experts.add(ExpertReplicas.of(new int[] {0, 1, 2, 3}, new double[] {0.34375, 0.21875, 0.21875, 0.21875}));
        for (int e = 1; e < EXPERTS; e++) {
            experts.add(ExpertReplicas.single(e % SLOTS));
        }
        Placement spread = Placement.of(SLOTS, experts);
        LoadSnapshot load = hotExpert(1);

        PlanDecision kept = planner(0).plan(request(spread, load));
        assertThat(kept.outcome())
                .as("without a minimum the spread placement stays")
                .isNotEqualTo(Outcome.PUBLISHED);

        PlanDecision d = planner(20).plan(request(spread, load));
        assertThat(d.outcome()).isEqualTo(Outcome.PUBLISHED);
        assertThat(d.reason()).startsWith("replicas beyond the minimum rows per batch dropped (expert 0 4 -> 2)");
        assertThat(d.placement().orElseThrow().replicas(0).count()).isEqualTo(2);
    }

    @Test
    void shouldLeaveAPinnedExpertsReplicasAlone() {
        Placement start = Placement.roundRobin(EXPERTS, SLOTS);
        ExpertReplicas pin = ExpertReplicas.even(0, 1, 2, 3);
        PlanDecision d = planner(64)
                .plan(PlanRequest.builder()
                        .load(hotExpert(1))
                        .slots(SLOTS)
                        .slotCapacity(EXPERTS)
                        .current(start)
                        .pin(0, pin)
                        .build());
        assertThat(d.placement().orElseThrow().replicas(0)).isEqualTo(pin);
    }

    @Test
    void shouldRefuseANegativeMinimumAndAnEmptyBatch() {
        assertThatThrownBy(() -> Planner.builder().minRowsPerReplicaBatch(-1).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("rebalance.min-rows-per-replica-batch");
        assertThatThrownBy(() -> Planner.builder().expertBatching(0, 5).build())
                .isInstanceOf(IllegalArgumentException.class);
    }
}
