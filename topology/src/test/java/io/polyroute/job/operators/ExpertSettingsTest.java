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

/** {@link ExpertSettings} refuses every value out of range with a message naming its key. */
class ExpertSettingsTest {

    private static ExpertSettings.Builder valid() {
        return ExpertSettings.builder()
                .stageIndex(0)
                .expertsPerStage(List.of(4))
                .deviceCount(0)
                .releaseGraceMillis(0)
                .windowMillis(1)
                .batchSize(1)
                .maxDelayMillis(0);
    }

    @Test
    void shouldKeepTheValuesItIsBuiltWith() {
        ExpertSettings s = valid().deviceCount(2).build();

        assertThat(s.deviceCount()).isEqualTo(2);
        assertThat(s.expertsPerStage()).containsExactly(4);
        assertThat(s.slotCapacity()).as("no limit unless set").isEqualTo(-1);
        assertThat(valid().slotCapacity(3).build().slotCapacity()).isEqualTo(3);
    }

    @Test
    void shouldNameTheKeyOfEveryValueOutOfRange() {
        assertThatThrownBy(() -> valid().deviceCount(-1).build()).hasMessageContaining("runtime.cuda.device-count");
        assertThatThrownBy(() -> valid().releaseGraceMillis(-1).build())
                .hasMessageContaining("rebalance.release-grace");
        assertThatThrownBy(() -> valid().slotCapacity(0).build()).hasMessageContaining("rebalance.slot-capacity");
        assertThatThrownBy(() -> valid().slotCapacity(-2).build()).hasMessageContaining("rebalance.slot-capacity");
        assertThatThrownBy(() -> valid().windowMillis(0).build()).hasMessageContaining("rebalance.window");
        assertThatThrownBy(() -> valid().batchSize(0).build()).hasMessageContaining("batching.expert.size");
        assertThatThrownBy(() -> valid().maxDelayMillis(-5).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("batching.expert.max-delay")
                .hasMessageContaining("-5");
        assertThatThrownBy(() -> valid().stageIndex(-1).build()).hasMessageContaining(GateSettings.STAGE);
        assertThatThrownBy(() -> valid().expertsPerStage(List.of()).build())
                .hasMessageContaining(GateSettings.EXPERTS_PER_STAGE);
    }
}
