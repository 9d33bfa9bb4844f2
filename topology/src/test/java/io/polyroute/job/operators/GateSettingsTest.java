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

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link GateSettings} refuses every value out of range with a message naming its key. */
class GateSettingsTest {

    private static GateSettings.Builder valid() {
        return GateSettings.builder()
                .stageIndex(1)
                .expertsPerStage(List.of(4, 8))
                .slots(2)
                .activationDelayMillis(0)
                .windowMillis(1)
                .batchSize(1)
                .maxDelayMillis(0);
    }

    @Test
    void shouldKeepTheValuesItIsBuiltWith() {
        GateSettings s = valid().build();

        assertThat(s.stageIndex()).isEqualTo(1);
        assertThat(s.expertsPerStage()).containsExactly(4, 8);
        assertThat(s.slots()).isEqualTo(2);
        assertThat(s.balancing()).isEqualTo(Balancing.off());
    }

    @Test
    void shouldNameTheKeyOfEveryValueOutOfRange() {
        assertThatThrownBy(() -> valid().slots(0).build()).hasMessageContaining("job.slots");
        assertThatThrownBy(() -> valid().activationDelayMillis(-1).build())
                .hasMessageContaining("rebalance.activation-delay");
        assertThatThrownBy(() -> valid().windowMillis(0).build()).hasMessageContaining("rebalance.window");
        assertThatThrownBy(() -> valid().batchSize(0).build()).hasMessageContaining("batching.gate.size");
        assertThatThrownBy(() -> valid().maxDelayMillis(-1).build()).hasMessageContaining("batching.gate.max-delay");
        assertThatThrownBy(() -> valid().balancing(null).build()).hasMessageContaining(GateSettings.BALANCING);
        assertThatThrownBy(() -> valid().stageIndex(2).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(GateSettings.STAGE)
                .hasMessageContaining("2 stages");
        assertThatThrownBy(() -> valid().expertsPerStage(List.of(4, 0)).build())
                .hasMessageContaining(GateSettings.EXPERTS_PER_STAGE);
        assertThatThrownBy(() -> valid().expertsPerStage(null).build())
                .hasMessageContaining(GateSettings.EXPERTS_PER_STAGE);
    }

    @Test
    void shouldRefuseAnOperatorWithoutAnOpener() {
        assertThatThrownBy(() -> new GateOperator(null, valid().build())).hasMessageContaining("opener");
    }
}
