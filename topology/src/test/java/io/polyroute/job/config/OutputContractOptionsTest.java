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

import io.polyroute.job.config.InputStart.Kind;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code input.start} and {@code output.key}: parsed, defaulted, and refused with the key named. */
class OutputContractOptionsTest {

    @Test
    void shouldResumeFromCommittedOffsetsAndKeyByEventIdByDefault() {
        JobConfig config = JobConfig.of(Map.of());

        assertThat(InputStart.parse(config.get(InputOptions.START)).kind()).isEqualTo(Kind.COMMITTED);
        assertThat(config.get(OutputOptions.KEY)).isEqualTo(OutputOptions.OutputKey.EVENT_ID);
    }

    @Test
    void shouldParseEveryStartingRule() {
        assertThat(InputStart.parse("committed-or-latest").kind()).isEqualTo(Kind.COMMITTED_OR_LATEST);
        assertThat(InputStart.parse("Earliest").kind()).isEqualTo(Kind.EARLIEST);
        assertThat(InputStart.parse("latest").kind()).isEqualTo(Kind.LATEST);
        assertThat(InputStart.parse("timestamp:2026-05-01T10:00:00Z"))
                .isEqualTo(new InputStart(
                        Kind.TIMESTAMP, Instant.parse("2026-05-01T10:00:00Z").toEpochMilli()));
        assertThat(InputStart.parse("timestamp:1700000000000"))
                .isEqualTo(new InputStart(Kind.TIMESTAMP, 1700000000000L));
    }

    @Test
    void shouldRefuseAnUnknownStartNamingTheKey() {
        assertThatThrownBy(() -> JobConfig.of(Map.of("input.start", "timestamp:yesterday")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("input.start")
                .hasMessageContaining("timestamp:yesterday");
        assertThatThrownBy(() -> JobConfig.of(Map.of("input.start", "beginning")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("committed-or-latest");
    }

    @Test
    void shouldAcceptSourceIdAsTheOutputKey() {
        assertThat(JobConfig.of(Map.of("output.key", "source-id")).get(OutputOptions.KEY))
                .isEqualTo(OutputOptions.OutputKey.SOURCE_ID);
        assertThatThrownBy(() -> JobConfig.of(Map.of("output.key", "machine")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("output.key");
    }
}
