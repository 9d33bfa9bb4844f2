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
package io.polyroute.job.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code combine.timeout}: typed, defaulted, checked, and shorter than the dedupe horizon where COMBINE runs. */
class CombineOptionsTest {

    @Test
    void shouldDefaultToOneMinute() {
        assertThat(JobConfig.defaults().get(CombineOptions.TIMEOUT)).isEqualTo(Duration.ofMinutes(1));
        assertThat(OptionsRegistry.keys()).contains("combine.timeout");
    }

    @Test
    void shouldRefuseATimeoutThatIsNotPositive() {
        assertThatThrownBy(() -> JobConfig.of(Map.of("combine.timeout", "0 s")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("combine.timeout");
    }

    @Test
    void shouldRefuseDeduplicationOffInTheExpertParallelMode() {
        assertThatThrownBy(() -> JobConfig.of(Map.of("dedupe.horizon", "0 s")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("dedupe.horizon")
                .hasMessageContaining("combine.timeout")
                .hasMessageContaining("job.mode=fused");
        assertThat(JobConfig.of(Map.of("dedupe.horizon", "0 s", "job.mode", "fused"))
                        .get(DedupeOptions.HORIZON))
                .isZero();
    }

    @Test
    void shouldRefuseATimeoutNotShorterThanTheDedupeHorizon() {
        assertThatThrownBy(() -> JobConfig.of(Map.of("dedupe.horizon", "1 min", "combine.timeout", "1 min")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("dedupe.horizon");
        assertThat(JobConfig.of(Map.of("dedupe.horizon", "2 min", "combine.timeout", "1 min"))
                        .get(CombineOptions.TIMEOUT))
                .isEqualTo(Duration.ofMinutes(1));
    }
}
