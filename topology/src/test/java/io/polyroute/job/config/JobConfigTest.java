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

import io.polyroute.runtime.onnx.Device;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JobConfigTest {

    @Test
    void shouldDeriveTheControlTopicsFromTheJobNameUnlessSet() {
        JobConfig named = JobConfig.of(Map.of("job.name", "line-2"));
        JobConfig explicit = JobConfig.of(
                Map.of("job.name", "line-2", "topics.plans", "shared.plans", "topics.load", "shared.load"));

        assertThat(TopicsOptions.plans(named)).isEqualTo("line-2.plans");
        assertThat(TopicsOptions.load(named)).isEqualTo("line-2.load");
        assertThat(TopicsOptions.plans(explicit)).isEqualTo("shared.plans");
        assertThat(TopicsOptions.load(explicit)).isEqualTo("shared.load");
    }

    @Test
    void shouldNameTheDerivedTopicKeyWhenTheJobNameMakesNoTopicName() {
        assertThatThrownBy(() -> JobConfig.of(Map.of("job.name", "line 2")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("topics.load");
    }

    @Test
    void shouldUseTheDocumentedDefaults() {
        JobConfig config = JobConfig.defaults();

        assertThat(config.get(TopicsOptions.INPUT)).isEqualTo("sensors");
        assertThat(config.get(TopicsOptions.OUTPUT)).isEqualTo("predictions");
        assertThat(config.get(TopicsOptions.DLQ)).isEqualTo("polyroute.dlq");
        assertThat(TopicsOptions.load(config)).isEqualTo("polyroute.load");
        assertThat(TopicsOptions.plans(config)).isEqualTo("polyroute.plans");
        assertThat(config.get(TopicsOptions.AUTO_CREATE)).isFalse();
        assertThat(config.get(JobOptions.CHECKPOINT_INTERVAL)).isEqualTo(Duration.ofSeconds(1));
        assertThat(config.get(ModelRuntimeOptions.INTRA_OP_THREADS)).isEqualTo(1);
        assertThat(config.get(ModelRuntimeOptions.DEVICE)).isEqualTo(Device.AUTO);
        assertThat(config.getOptional(BundleOptions.PATH)).isEmpty();
    }

    @Test
    void shouldSuggestTheClosestKeyForAnUnknownKey() {
        assertThatThrownBy(() -> JobConfig.of(Map.of("job.slot", "2")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("Unknown configuration key 'job.slot'")
                .hasMessageContaining("Did you mean 'job.slots'?")
                .extracting(e -> ((ConfigException) e).key())
                .isEqualTo("job.slot");
    }

    @Test
    void shouldPointAtHelpWhenNoKeyIsClose() {
        assertThatThrownBy(() -> JobConfig.of(Map.of("completely.different", "x")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("polyroute run --help");
    }

    @Test
    void shouldRejectFewerThanOneSlot() {
        assertThatThrownBy(() -> JobConfig.of(Map.of("job.slots", "0")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'job.slots'")
                .hasMessageContaining("at least 1");
    }

    @Test
    void shouldRejectABatchSizeBelowOne() {
        assertThatThrownBy(() -> JobConfig.of(Map.of("batching.expert.size", "-3")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'batching.expert.size'");
    }

    @Test
    void shouldRejectAZeroCheckpointInterval() {
        assertThatThrownBy(() -> JobConfig.of(Map.of("job.checkpoint-interval", "0 s")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'job.checkpoint-interval'");
    }

    @Test
    void shouldNameTheKeyAndTheExpectedFormOfAnUnparsableValue() {
        assertThatThrownBy(() -> JobConfig.of(Map.of("job.parallelism", "many")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("Invalid value 'many' for 'job.parallelism'")
                .hasMessageContaining("whole number");
        assertThatThrownBy(() -> JobConfig.of(Map.of("batching.gate.max-delay", "soon")))
                .hasMessageContaining("duration");
    }

    @Test
    void shouldListTheAllowedValuesOfAnEnumOption() {
        assertThatThrownBy(() -> JobConfig.of(Map.of("runtime.device", "tpu")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'runtime.device'")
                .hasMessageContaining("one of auto, cuda, cpu");
    }

    @Test
    void shouldAcceptEnumValuesWithHyphensInAnyCase() {
        assertThat(JobConfig.of(Map.of("job.mode", "Expert-Parallel")).get(JobOptions.MODE))
                .isEqualTo(JobMode.EXPERT_PARALLEL);
    }

    @Test
    void shouldRejectTwoRolesOnOneTopic() {
        assertThatThrownBy(() -> JobConfig.of(Map.of("topics.output", "sensors")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'topics.input'")
                .hasMessageContaining("'topics.output'");
    }

    @Test
    void shouldRejectAnIllegalTopicName() {
        assertThatThrownBy(() -> JobConfig.of(Map.of("topics.dlq", "dead letters")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'topics.dlq'");
    }

    @Test
    void shouldPassKafkaPropertiesThroughWithoutThePrefix() {
        JobConfig config = JobConfig.of(Map.of(
                "kafka.bootstrap-servers", "b:9093",
                "kafka.properties.security.protocol", "SSL",
                "kafka.properties.ssl.truststore.location", "/etc/kafka/trust.p12"));

        assertThat(config.kafkaClientProperties())
                .containsOnly(
                        Map.entry("bootstrap.servers", "b:9093"),
                        Map.entry("security.protocol", "SSL"),
                        Map.entry("ssl.truststore.location", "/etc/kafka/trust.p12"));
    }

    @Test
    void shouldRejectBootstrapServersAsAPassThroughProperty() {
        assertThatThrownBy(() -> JobConfig.of(Map.of("kafka.properties.bootstrap.servers", "x:1")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'kafka.bootstrap-servers'");
    }

    @Test
    void shouldRejectAnEmptyPassThroughProperty() {
        assertThatThrownBy(() -> JobConfig.of(Map.of("kafka.properties.", "x")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("names no Kafka property");
    }

    @Test
    void shouldMaskSecretsInTheRedactedView() {
        JobConfig config = JobConfig.of(Map.of(
                "kafka.properties.ssl.keystore.password", "hunter2",
                "kafka.properties.sasl.jaas.config",
                        "org.apache.kafka.common.security.plain.PlainLoginModule required;",
                "kafka.properties.basic.auth.user.info.SECRET", "s",
                "kafka.properties.security.protocol", "SASL_SSL"));

        assertThat(config.redacted())
                .containsEntry("kafka.properties.ssl.keystore.password", Redaction.MASK)
                .containsEntry("kafka.properties.sasl.jaas.config", Redaction.MASK)
                .containsEntry("kafka.properties.basic.auth.user.info.SECRET", Redaction.MASK)
                .containsEntry("kafka.properties.security.protocol", "SASL_SSL")
                .containsEntry("job.mode", "expert-parallel")
                .containsEntry("job.checkpoint-interval", "1 s");
        assertThat(config.toString()).doesNotContain("hunter2");
        assertThat(config.kafkaClientProperties()).containsEntry("ssl.keystore.password", "hunter2");
    }

    @Test
    void shouldNameTheKeyOfAMissingRequiredOption() {
        assertThatThrownBy(() -> JobConfig.defaults().require(BundleOptions.PATH))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'bundle.path' is required");
    }

    @Test
    void shouldValidateValuesAddedLater() {
        JobConfig config = JobConfig.defaults().with("job.slots", "3");

        assertThat(config.get(JobOptions.SLOTS)).isEqualTo(3);
        assertThatThrownBy(() -> config.with("job.slots", "0")).isInstanceOf(ConfigException.class);
    }

    @Test
    void shouldSurviveJavaSerialization() throws Exception {
        JobConfig config = JobConfig.of(Map.of("job.mode", "fused", "kafka.properties.acks", "all"));

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(config);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            JobConfig copy = (JobConfig) in.readObject();
            assertThat(copy).isEqualTo(config);
            assertThat(copy.get(JobOptions.MODE)).isEqualTo(JobMode.FUSED);
        }
    }
}
