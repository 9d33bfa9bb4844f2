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
package io.polyroute.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.polyroute.job.config.ConfigException;
import io.polyroute.job.config.JobConfig;
import io.polyroute.runtime.onnx.Device;
import io.polyroute.runtime.onnx.RuntimeOptions;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RuntimeSettingsTest {

    @Test
    void shouldSpreadExpertSlotsOverTheConfiguredCudaDevices() {
        JobConfig config = JobConfig.of(Map.of(
                "runtime.device", "cuda",
                "runtime.cuda.device-count", "2",
                "runtime.cuda.memory-limit", "2 gb",
                "runtime.cuda.arena-strategy", "same-as-requested"));

        assertThat(RuntimeSettings.deviceCount(config)).isEqualTo(2);
        for (int slot = 0; slot < 5; slot++) {
            RuntimeOptions options = RuntimeSettings.forSlot(config, slot);
            assertThat(options.device()).isEqualTo(Device.CUDA);
            assertThat(options.deviceId()).as("device of slot %d", slot).isEqualTo(slot % 2);
            assertThat(options.cudaMemoryLimitBytes()).isEqualTo(2L << 30);
            assertThat(options.cudaArenaStrategy()).isEqualTo("kSameAsRequested");
        }
    }

    @Test
    void shouldKeepEverySlotOnTheConfiguredDeviceWhenNoDeviceCountIsGiven() {
        JobConfig config = JobConfig.of(Map.of("runtime.cuda.device-id", "3"));

        assertThat(RuntimeSettings.forSlot(config, 0).deviceId()).isEqualTo(3);
        assertThat(RuntimeSettings.forSlot(config, 7).deviceId()).isEqualTo(3);
    }

    @Test
    void shouldDefaultToAutoWithAnUnlimitedPowerOfTwoArena() {
        RuntimeOptions options = RuntimeSettings.from(JobConfig.defaults());

        assertThat(options.device()).isEqualTo(Device.AUTO);
        assertThat(options.deviceId()).isZero();
        assertThat(options.cudaMemoryLimitBytes()).isZero();
        assertThat(options.cudaArenaStrategy()).isEqualTo("kNextPowerOfTwo");
    }

    @Test
    void shouldRefuseANegativeDeviceCountNamingTheKey() {
        assertThatThrownBy(() -> JobConfig.of(Map.of("runtime.cuda.device-count", "-1")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("runtime.cuda.device-count")
                .hasMessageContaining("at least 0");
    }

    @Test
    void shouldRefuseAnUnknownArenaStrategyListingTheChoices() {
        assertThatThrownBy(() -> JobConfig.of(Map.of("runtime.cuda.arena-strategy", "greedy")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("runtime.cuda.arena-strategy")
                .hasMessageContaining("next-power-of-two, same-as-requested");
    }

    @Test
    void shouldLimitRowsPerRunByDeviceUnlessConfigured() {
        RuntimeOptions auto = RuntimeSettings.from(JobConfig.defaults());
        assertThat(auto.maxRowsPerRun()).isEqualTo(RuntimeOptions.AUTO_ROWS_PER_RUN);
        assertThat(auto.maxRowsPerRun(false)).isEqualTo(RuntimeOptions.CPU_ROWS_PER_RUN);
        assertThat(auto.maxRowsPerRun(true)).isEqualTo(Integer.MAX_VALUE);

        RuntimeOptions set = RuntimeSettings.from(JobConfig.of(Map.of("runtime.max-rows-per-run", "64")));
        assertThat(set.maxRowsPerRun(false)).isEqualTo(64);
        assertThat(set.maxRowsPerRun(true)).isEqualTo(64);

        RuntimeOptions none = RuntimeSettings.from(JobConfig.of(Map.of("runtime.max-rows-per-run", "0")));
        assertThat(none.maxRowsPerRun(false)).isEqualTo(Integer.MAX_VALUE);
    }

    @Test
    void shouldRefuseANegativeRowLimitNamingTheKey() {
        assertThatThrownBy(() -> JobConfig.of(Map.of("runtime.max-rows-per-run", "-2")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("runtime.max-rows-per-run")
                .hasMessageContaining("at least 0");
    }
}
