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
package io.polyroute.runtime.routing;

import static org.assertj.core.api.Assertions.assertThat;

import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/** Capacity-limited routing on hand-made batches: overflow order, ties, never dropping a record. */
class BalancedGatingTest {

    @Test
    void shouldOverflowToTheNextBestExpertAndBreakTiesToTheLowerIndex() {
        // Four records, E = 4, k = 1, factor 1: capacity 1 per expert. All prefer expert 0; experts
        // 1 and 2 tie as second choice, expert 3 is last.
        float[] row = {5f, 1f, 1f, 0f};
        float[] z = new float[16];
        for (int r = 0; r < 4; r++) {
            System.arraycopy(row, 0, z, r * 4, 4);
        }
        RoutingDecision[] out = BalancedGating.routeBatch(z, 4, 1, 4, 1, null, 1.0);
        assertThat(out).extracting(d -> d.expert(0, 0)).containsExactly(0, 1, 2, 3);
        assertThat(out).extracting(RoutingDecision::capacityOverflow).containsExactly(false, true, true, true);
        assertThat(out).extracting(d -> d.weight(0, 0)).containsOnly(1f);
    }

    @Test
    void shouldKeepTheOriginalChoiceWhenNoExpertHasRoom() {
        // E = 3, k = 2, three records preferring experts 0 then 1: capacity ceil(1·2·3/3) = 2.
        // The third record finds only expert 2 with room; it takes it and keeps its first choice
        // over capacity rather than being dropped.
        float[] z = {2f, 1f, 0f, 2f, 1f, 0f, 2f, 1f, 0f};
        RoutingDecision[] out = BalancedGating.routeBatch(z, 3, 1, 3, 2, null, 1.0);
        assertThat(out[0].visited()).containsExactly(0, 1);
        assertThat(out[1].visited()).containsExactly(0, 1);
        assertThat(out[2].visited()).containsExactly(0, 2);
        assertThat(out[2].capacityOverflow()).isTrue();
        assertThat(out[2].weight(0, 0) + out[2].weight(0, 1)).isCloseTo(1f, Offset.offset(1e-6f));
    }
}
