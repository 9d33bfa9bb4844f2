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

import org.apache.flink.configuration.ConfigOption;
import org.junit.jupiter.api.Test;

class OptionsRegistryTest {

    @Test
    void shouldRegisterTheMinimumOptionSet() {
        assertThat(OptionsRegistry.keys())
                .contains(
                        "kafka.bootstrap-servers",
                        "topics.input",
                        "topics.output",
                        "topics.dlq",
                        "topics.load",
                        "topics.plans",
                        "topics.auto-create",
                        "job.mode",
                        "job.parallelism",
                        "job.slots",
                        "job.checkpoint-interval",
                        "bundle.path",
                        "runtime.device",
                        "runtime.intra-op-threads",
                        "batching.gate.size",
                        "batching.gate.max-delay",
                        "batching.expert.size",
                        "batching.expert.max-delay",
                        "dedupe.horizon",
                        "input.max-record-bytes");
    }

    @Test
    void shouldDescribeEveryOption() {
        for (ConfigOption<?> option : OptionsRegistry.options()) {
            assertThat(OptionsRegistry.description(option))
                    .as(option.key())
                    .isNotBlank()
                    .endsWith(".");
        }
    }

    @Test
    void shouldListEveryKeyWithItsDefaultInTheHelp() {
        String help = OptionsRegistry.helpText();

        OptionsRegistry.keys().forEach(key -> assertThat(help).contains(key));
        assertThat(help)
                .contains("job.mode  (default: expert-parallel)")
                .contains("job.checkpoint-interval  (default: 1 s)")
                .contains("bundle.path  (default: (none))")
                .contains("kafka.properties.*");
    }

    @Test
    void shouldSuggestKeysWithinAFewEdits() {
        assertThat(OptionsRegistry.suggest("batching.gate.max_delay")).contains("batching.gate.max-delay");
        assertThat(OptionsRegistry.suggest("runtime.intra-op-thread")).contains("runtime.intra-op-threads");
        assertThat(OptionsRegistry.suggest("zzz")).isEmpty();
    }
}
