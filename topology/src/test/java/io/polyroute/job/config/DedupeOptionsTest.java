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

/** {@code dedupe.scope} and {@code job.state-backend}: typed, defaulted, and checked against the mode. */
class DedupeOptionsTest {

    @Test
    void shouldDefaultToTheGlobalScope() {
        assertThat(JobConfig.defaults().get(DedupeOptions.SCOPE)).isEqualTo(DedupeScope.GLOBAL);
        assertThat(OptionsRegistry.keys()).contains("dedupe.scope", "job.state-backend");
    }

    @Test
    void shouldAcceptThePartitionScopeInTheFusedMode() {
        assertThat(JobConfig.of(Map.of("dedupe.scope", "partition", "job.mode", "fused"))
                        .get(DedupeOptions.SCOPE))
                .isEqualTo(DedupeScope.PARTITION);
    }

    @Test
    void shouldRefuseThePartitionScopeInTheExpertParallelMode() {
        assertThatThrownBy(() -> JobConfig.of(Map.of("dedupe.scope", "partition", "job.mode", "expert-parallel")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("dedupe.scope")
                .hasMessageContaining("job.mode=fused");
    }

    @Test
    void shouldNameTheKeyOfAnUnknownScopeOrStateBackend() {
        assertThatThrownBy(() -> JobConfig.of(Map.of("dedupe.scope", "cluster")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("dedupe.scope");
        assertThatThrownBy(() -> JobConfig.of(Map.of("job.state-backend", "memory")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("job.state-backend");
    }

    @Test
    void shouldMapEachStateBackendToFlinksNameAndCheckpointTheEmbeddedOnesIncrementally() {
        assertThat(JobConfig.of(Map.of("job.state-backend", "rocksdb")).get(JobOptions.STATE_BACKEND))
                .isEqualTo(StateBackendKind.ROCKSDB);
        assertThat(StateBackendKind.HASHMAP.flinkName()).isEqualTo("hashmap");
        assertThat(StateBackendKind.ROCKSDB.flinkName()).isEqualTo("rocksdb");
        assertThat(StateBackendKind.FORST.flinkName()).isEqualTo("forst");
        assertThat(StateBackendKind.HASHMAP.incremental()).isFalse();
        assertThat(StateBackendKind.ROCKSDB.incremental()).isTrue();
        assertThat(StateBackendKind.FORST.incremental()).isTrue();
    }
}
