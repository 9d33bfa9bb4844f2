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
package io.polyroute.job.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.polyroute.job.config.RebalanceOptions;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link RebalanceSettings} refuses every value out of range with a message naming its key. */
class RebalanceSettingsTest {

    private static RebalanceSettings.Builder valid() {
        return RebalanceSettings.builder().expertsPerStage(List.of(8)).slots(2).gateSubtasks(1);
    }

    @Test
    void shouldStartFromTheOptionsDefaults() {
        RebalanceSettings s = valid().build();

        assertThat(s.smoothing()).isEqualTo(RebalanceOptions.SMOOTHING.defaultValue());
        assertThat(s.windowMillis())
                .isEqualTo(RebalanceOptions.WINDOW.defaultValue().toMillis());
        assertThat(s.replicaBudget()).isEqualTo(-1);
    }

    @Test
    void shouldNameTheKeyOfEveryValueOutOfRange() {
        assertThatThrownBy(() -> valid().slots(0).build()).hasMessageContaining("job.slots");
        assertThatThrownBy(() -> valid().gateSubtasks(0).build()).hasMessageContaining("job.parallelism");
        assertThatThrownBy(() -> valid().windowMillis(0).build()).hasMessageContaining("rebalance.window");
        assertThatThrownBy(() -> valid().smoothing(0).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("rebalance.smoothing");
        assertThatThrownBy(() -> valid().smoothing(1.5).build()).hasMessageContaining("rebalance.smoothing");
        assertThatThrownBy(() -> valid().hysteresis(-0.1).build()).hasMessageContaining("rebalance.hysteresis");
        assertThatThrownBy(() -> valid().stickiness(Double.NaN).build()).hasMessageContaining("rebalance.stickiness");
        assertThatThrownBy(() -> valid().cooldownWindows(-1).build())
                .hasMessageContaining("rebalance.cooldown-windows");
        assertThatThrownBy(() -> valid().replicaBudget(-2).build()).hasMessageContaining("rebalance.replica-budget");
        assertThatThrownBy(() -> valid().slotCapacity(-2).build()).hasMessageContaining("rebalance.slot-capacity");
        assertThatThrownBy(() -> valid().expertsPerStage(null).build()).hasMessageContaining("expertsPerStage");
    }
}
