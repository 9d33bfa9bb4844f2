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
package io.polyroute.job.operators;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** {@link FusedSettings} refuses every value out of range with a message naming its key. */
class FusedSettingsTest {

    private static FusedSettings.Builder valid() {
        return FusedSettings.builder()
                .deviceCount(0)
                .batchSize(1)
                .maxDelayMillis(0)
                .windowMillis(1);
    }

    @Test
    void shouldKeepTheValuesItIsBuiltWith() {
        Balancing b = new Balancing(true, 0.01f, 1.5);
        FusedSettings s = valid().batchSize(64).balancing(b).build();

        assertThat(s.batchSize()).isEqualTo(64);
        assertThat(s.maxBatchSize()).as("unset: fixed batches").isEqualTo(64);
        assertThat(valid().batchSize(64).maxBatchSize(4096).build().maxBatchSize())
                .isEqualTo(4096);
        assertThat(s.balancing()).isEqualTo(b);
    }

    @Test
    void shouldNameTheKeyOfEveryValueOutOfRange() {
        assertThatThrownBy(() -> valid().deviceCount(-1).build()).hasMessageContaining("runtime.cuda.device-count");
        assertThatThrownBy(() -> valid().batchSize(0).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("batching.gate.size");
        assertThatThrownBy(() -> valid().maxDelayMillis(-1).build()).hasMessageContaining("batching.gate.max-delay");
        assertThatThrownBy(() -> valid().batchSize(64).maxBatchSize(32).build())
                .hasMessageContaining("batching.gate.max-size");
        assertThatThrownBy(() -> valid().windowMillis(0).build()).hasMessageContaining("rebalance.window");
        assertThatThrownBy(() -> valid().balancing(null).build()).hasMessageContaining(GateSettings.BALANCING);
    }
}
