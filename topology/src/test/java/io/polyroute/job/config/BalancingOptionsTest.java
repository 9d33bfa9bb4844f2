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

import java.util.Map;
import org.junit.jupiter.api.Test;

class BalancingOptionsTest {

    @Test
    void shouldLeaveRoutingAloneByDefault() {
        JobConfig config = JobConfig.defaults();

        assertThat(config.get(BalancingOptions.BIAS_ENABLED)).isFalse();
        assertThat(config.get(BalancingOptions.BIAS_GAMMA)).isEqualTo(0.001);
        assertThat(config.get(BalancingOptions.CAPACITY_FACTOR)).isZero();
        assertThat(BalancingOptions.anyEnabled(config)).isFalse();
    }

    @Test
    void shouldAcceptACapacityFactorOfAtLeastOne() {
        JobConfig config = JobConfig.of(Map.of(
                "balancing.capacity-factor", "1.25", "balancing.bias.enabled", "true", "balancing.bias.gamma", "0.01"));

        assertThat(config.get(BalancingOptions.CAPACITY_FACTOR)).isEqualTo(1.25);
        assertThat(BalancingOptions.anyEnabled(config)).isTrue();
    }

    @Test
    void shouldRefuseACapacityFactorBelowOne() {
        assertThatThrownBy(() -> JobConfig.of(Map.of("balancing.capacity-factor", "0.5")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'balancing.capacity-factor'")
                .hasMessageContaining("0 (no capacity) or at least 1");
    }

    @Test
    void shouldRefuseAGammaThatIsNotPositive() {
        assertThatThrownBy(() -> JobConfig.of(Map.of("balancing.bias.gamma", "0")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'balancing.bias.gamma'")
                .hasMessageContaining("positive number of logits");
    }

    @Test
    void shouldListTheBalancingOptionsInTheHelp() {
        assertThat(OptionsRegistry.helpText())
                .contains("balancing.bias.enabled  (default: false)")
                .contains("balancing.bias.gamma  (default: 0.001)")
                .contains("balancing.capacity-factor  (default: 0.0)");
    }
}
