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

import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** {@link Placement#slotFor} is deterministic and sends each replica its share of the records. */
class PlannerSlotForProperties {
    private static final int RECORDS = 200_000;

    private static Placement randomPlacement(long seed, int slots) {
        Random rnd = new Random(seed);
        boolean[] hosted = new boolean[slots];
        for (int s = 0; s < slots; s++) {
            hosted[s] = rnd.nextBoolean();
        }
        hosted[rnd.nextInt(slots)] = true;
        return Placement.of(slots, List.of(ExpertReplicas.single(0), PlanningCases.randomShares(rnd, hosted)));
    }

    @Property(tries = 60)
    void frequenciesMatchTheShares(@ForAll long seed, @ForAll @IntRange(min = 1, max = 8) int slots) {
        Placement placement = randomPlacement(seed, slots);
        ExpertReplicas replicas = placement.replicas(1);
        int[] hits = new int[slots];
        Random hashes = new Random(seed);
        for (int i = 0; i < RECORDS; i++) {
            hits[placement.slotFor(1, hashes.nextLong())]++;
        }
        for (int s = 0; s < slots; s++) {
            double share = replicas.shareOn(s);
            // Six standard deviations of a binomial proportion, at least 0.2%.
            double tolerance = Math.max(0.002, 6 * Math.sqrt(share * (1 - share) / RECORDS));
            assertThat((double) hits[s] / RECORDS)
                    .as("slot %d with share %s", s, share)
                    .isCloseTo(share, org.assertj.core.data.Offset.offset(tolerance));
            if (share == 0) {
                assertThat(hits[s]).as("a replica with share 0 gets nothing").isZero();
            }
        }
    }

    @Property(tries = 60)
    void frequenciesMatchTheSharesForSequentialHashes(@ForAll long seed) {
        // Event ids often hash to nearby values; the mixing must not care.
        Placement placement =
                Placement.of(3, List.of(ExpertReplicas.of(new int[] {0, 1, 2}, new double[] {0.5, 0.3, 0.2})));
        int[] hits = new int[3];
        for (int i = 0; i < RECORDS; i++) {
            hits[placement.slotFor(0, seed + i)]++;
        }
        assertThat(hits[0] / (double) RECORDS).isCloseTo(0.5, org.assertj.core.data.Offset.offset(0.01));
        assertThat(hits[1] / (double) RECORDS).isCloseTo(0.3, org.assertj.core.data.Offset.offset(0.01));
        assertThat(hits[2] / (double) RECORDS).isCloseTo(0.2, org.assertj.core.data.Offset.offset(0.01));
    }

    @Property(tries = 200)
    void theSameRecordAlwaysGoesToTheSameReplica(
            @ForAll long seed, @ForAll long hash, @ForAll @IntRange(min = 1, max = 8) int slots) {
        Placement placement = randomPlacement(seed, slots);
        Placement rebuilt = randomPlacement(seed, slots);
        int slot = placement.slotFor(1, hash);
        assertThat(rebuilt.slotFor(1, hash)).isEqualTo(slot);
        assertThat(placement.slotFor(1, hash)).isEqualTo(slot);
        assertThat(placement.replicas(1).shareOn(slot)).isPositive();
        assertThat(placement.slotFor(0, hash)).isZero();
    }
}
