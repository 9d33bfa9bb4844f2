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
