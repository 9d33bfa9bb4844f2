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
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The bias step per window, snapshots and validation. */
class BiasBalancerTest {

    @Test
    void shouldStepEveryBiasAgainstItsDeviationFromTheMean() {
        BiasBalancer balancer = new BiasBalancer(3, 0.5f);
        float[] z = {3f, 1f, 0f, 3f, 1f, 0f, 0f, 3f, 1f, 1f, 0f, 3f};
        balancer.count(Gating.routeBatch(z, 4, 1, 3, 1, null)); // loads 2, 1, 1: mean 4/3
        balancer.update();
        assertThat(balancer.bias()).containsExactly(-0.5f, 0.5f, 0.5f);
        balancer.update(); // an empty window changes nothing
        assertThat(balancer.bias()).containsExactly(-0.5f, 0.5f, 0.5f);
        assertThat(balancer.maxAbsBias()).isEqualTo(0.5f);
    }

    @Test
    void shouldRestoreASnapshotAndRefuseOneOfAnotherStage() {
        BiasBalancer balancer = new BiasBalancer(3, 0.5f);
        balancer.restore(new float[] {0.1f, -0.2f, 0.1f});
        assertThat(balancer.snapshot()).containsExactly(0.1f, -0.2f, 0.1f);
        assertThatThrownBy(() -> balancer.restore(new float[4]))
                .hasMessageContaining("4 entries")
                .hasMessageContaining("3 experts");
        assertThatThrownBy(() -> new BiasBalancer(3, 0f)).hasMessageContaining("gamma");
    }
}
