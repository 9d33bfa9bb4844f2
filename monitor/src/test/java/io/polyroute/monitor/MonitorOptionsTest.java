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
package io.polyroute.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.polyroute.job.config.ConfigException;
import io.polyroute.job.config.OptionsRegistry;
import io.polyroute.job.config.StartFrom;
import io.polyroute.job.config.TopicEncoding;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

/** Defaults, validation and the Kafka Streams properties of {@link MonitorSettings}. */
class MonitorOptionsTest {

    @Test
    void shouldReadTheJobsTopicsWithDefaultsForEverythingElse() {
        MonitorSettings options = MonitorSettings.defaults();

        assertThat(options.predictionsTopic()).isEqualTo("predictions");
        assertThat(options.loadTopic()).isEqualTo("polyroute.load");
        assertThat(options.plansTopic()).isEqualTo("polyroute.plans");
        assertThat(options.deadLetterTopic()).isEqualTo("polyroute.dlq");
        assertThat(options.predictionReader().encoding()).isEqualTo(TopicEncoding.BINARY);
        assertThat(options.deadLetterReader().encoding()).isEqualTo(TopicEncoding.BINARY);
        assertThat(options.httpPort()).isEqualTo(8080);
        assertThat(options.retention()).isEqualTo(Duration.ofHours(1));
        assertThat(options.anomalyThreshold()).isEqualTo(0.5);
        assertThat(options.startFrom()).isEqualTo(StartFrom.EARLIEST);
    }

    @Test
    void shouldReadEachTopicInItsOwnEncodingIncludingTheRegistryWireFormat() {
        MonitorSettings options = MonitorSettings.of(Map.of(
                "topics.encoding", "confluent",
                "topics.encoding.control", "single-object",
                "registry.url", "http://127.0.0.1:1"));

        assertThat(options.predictionReader().encoding()).isEqualTo(TopicEncoding.CONFLUENT);
        assertThat(options.deadLetterReader().encoding()).isEqualTo(TopicEncoding.CONFLUENT);
        assertThat(options.readingReader().encoding()).isEqualTo(TopicEncoding.CONFLUENT);
        assertThat(options.loadReader().encoding()).isEqualTo(TopicEncoding.SINGLE_OBJECT);
        // Building the topology neither refuses the encoding nor contacts the registry.
        assertThat(MonitorTopology.build(options).describe().toString()).contains(options.predictionsTopic());
    }

    @Test
    void shouldRunExactlyOnceAndPassKafkaSecuritySettingsThrough() {
        MonitorSettings options = MonitorSettings.of(Map.of(
                "kafka.bootstrap-servers", "broker-1:9093",
                "kafka.properties.security.protocol", "SASL_SSL",
                "kafka.properties.sasl.mechanism", "PLAIN",
                "monitor.application-id", "line-7-monitor",
                "monitor.threads", "2"));

        Properties props = options.streamsProperties();

        assertThat(props)
                .containsEntry(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, "exactly_once_v2")
                .containsEntry(StreamsConfig.APPLICATION_ID_CONFIG, "line-7-monitor")
                .containsEntry(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "broker-1:9093")
                .containsEntry(StreamsConfig.NUM_STREAM_THREADS_CONFIG, "2")
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "PLAIN");
    }

    @Test
    void shouldRefuseARetentionShorterThanTheLargestWindow() {
        assertThatThrownBy(() -> MonitorSettings.of(Map.of("monitor.retention", "30 s")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("Invalid value 30000 ms for 'monitor.retention': it must be at least the largest window, "
                        + "60000 ms.");
    }

    @Test
    void shouldRefuseValuesOutOfRangeNamingTheKey() {
        assertThatThrownBy(() -> MonitorSettings.of(Map.of("monitor.http.port", "70000")))
                .hasMessageContaining("'monitor.http.port'")
                .hasMessageContaining("65535");
        assertThatThrownBy(() -> MonitorSettings.of(Map.of("monitor.anomaly.threshold", "NaN")))
                .hasMessageContaining("'monitor.anomaly.threshold'")
                .hasMessageContaining("finite");
        assertThatThrownBy(() -> MonitorSettings.of(Map.of("monitor.plan-history", "0")))
                .hasMessageContaining("'monitor.plan-history'");
        assertThatThrownBy(() -> MonitorSettings.of(Map.of("monitor.start-from", "yesterday")))
                .hasMessageContaining("earliest, latest, retention");
        assertThatThrownBy(() -> MonitorSettings.of(Map.of("monitor.anomaly.treshold", "0.7")))
                .hasMessageContaining("Did you mean 'monitor.anomaly.threshold'?");
    }

    @Test
    void shouldBeListedInTheOptionRegistryWithDescriptions() {
        assertThat(OptionsRegistry.keys())
                .contains(
                        "monitor.http.port", "monitor.anomaly.threshold", "monitor.retention", "monitor.plan-history");
        assertThat(OptionsRegistry.helpText()).contains("monitor.display-delay");
    }
}
