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
import org.junit.jupiter.api.Test;

/** The placement data model: construction rules and the load-derived figures. */
class PlannerPlacementTest {

    @Test
    void shouldPutExpertEOnSlotEModSlotsInRoundRobin() {
        Placement p = Placement.roundRobin(5, 2);
        assertThat(p.slots()).isEqualTo(2);
        for (int e = 0; e < 5; e++) {
            assertThat(p.replicas(e)).isEqualTo(ExpertReplicas.single(e % 2));
        }
        assertThat(p.residentSessions(0)).isEqualTo(3);
        assertThat(p.residentSessions(1)).isEqualTo(2);
        assertThat(p.totalReplicas()).isEqualTo(5);
    }

    @Test
    void shouldDeriveSlotLoadsAndImbalanceFromShares() {
        Placement p = Placement.of(
                2, List.of(ExpertReplicas.of(new int[] {0, 1}, new double[] {0.25, 0.75}), ExpertReplicas.single(0)));
        assertThat(p.slotLoads(new double[] {100, 50})).containsExactly(75, 75);
        assertThat(p.imbalance(new double[] {100, 50})).isEqualTo(1.0);
        assertThat(p.imbalance(new double[] {100, 150})).isEqualTo(175 / 125.0);
        assertThat(p.imbalance(new double[] {0, 0})).as("no load is balanced").isEqualTo(1.0);
        assertThat(p.imbalance(LoadSnapshot.of(new double[] {10, 5}, new double[] {10, 10})))
                .isEqualTo(1.0);
    }

    @Test
    void shouldCountOnlyReplicasAbsentFromThePreviousPlacementAsMoved() {
        Placement before = Placement.roundRobin(3, 3);
        Placement after =
                Placement.of(3, List.of(ExpertReplicas.even(0, 1), ExpertReplicas.single(2), ExpertReplicas.single(2)));
        // Expert 0 gains slot 1, expert 1 moves to slot 2; expert 2 stays; lost replicas are free.
        assertThat(after.movedSessions(before)).isEqualTo(2);
        assertThat(before.movedSessions(after)).isEqualTo(1);
        assertThat(after.movedSessions(after)).isZero();
    }

    @Test
    void shouldKeepReplicasInSlotOrderAndNormaliseShares() {
        ExpertReplicas r = ExpertReplicas.of(new int[] {3, 1}, new double[] {0.6, 0.4000001});
        assertThat(r.slots()).containsExactly(1, 3);
        assertThat(r.share(0) + r.share(1)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-15));
        assertThat(r.shareOn(3)).isCloseTo(0.6, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(r.shareOn(2)).isZero();
        assertThat(r.hosts(1)).isTrue();
        assertThat(r).isEqualTo(ExpertReplicas.of(new int[] {3, 1}, new double[] {0.6, 0.4000001}));
    }

    @Test
    void shouldRefuseInvalidReplicasWithMessagesThatSayWhy() {
        assertThatThrownBy(() -> ExpertReplicas.of(new int[0], new double[0]))
                .hasMessageContaining("at least one replica");
        assertThatThrownBy(() -> ExpertReplicas.of(new int[] {1, 1}, new double[] {0.5, 0.5}))
                .hasMessageContaining("distinct");
        assertThatThrownBy(() -> ExpertReplicas.of(new int[] {0, 1}, new double[] {1.5, -0.5}))
                .hasMessageContaining(">= 0");
        assertThatThrownBy(() -> ExpertReplicas.of(new int[] {0, 1}, new double[] {0.5, 0.4}))
                .hasMessageContaining("sum to 1");
        assertThatThrownBy(() -> ExpertReplicas.of(new int[] {0}, new double[] {Double.NaN}))
                .hasMessageContaining("finite");
    }

    @Test
    void shouldRefuseAReplicaBeyondTheSlotCount() {
        assertThatThrownBy(() -> Placement.of(2, List.of(ExpertReplicas.single(2))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Expert 0 has a replica on slot 2")
                .hasMessageContaining("only 2 slots");
        assertThatThrownBy(() -> Placement.roundRobin(4, 0)).hasMessageContaining("at least one slot");
    }

    @Test
    void shouldRefuseComparingPlacementsOfDifferentExpertCounts() {
        assertThatThrownBy(() -> Placement.roundRobin(3, 2).movedSessions(Placement.roundRobin(4, 2)))
                .hasMessageContaining("3 experts with one of 4");
        assertThatThrownBy(() -> Placement.roundRobin(3, 2).slotLoads(new double[2]))
                .hasMessageContaining("3 experts but 2 loads");
    }
}
