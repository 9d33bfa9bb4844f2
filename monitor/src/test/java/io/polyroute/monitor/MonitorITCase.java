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

import static io.polyroute.monitor.MonitorRecords.choice;
import static io.polyroute.monitor.MonitorRecords.deadLetter;
import static io.polyroute.monitor.MonitorRecords.entry;
import static io.polyroute.monitor.MonitorRecords.load;
import static io.polyroute.monitor.MonitorRecords.plan;
import static io.polyroute.monitor.MonitorRecords.prediction;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.polyroute.avro.DeadLetterReason;
import io.polyroute.avro.LoadSource;
import io.polyroute.job.config.MonitorOptions;
import io.polyroute.kafka.MissingTopicException;
import io.polyroute.testing.KafkaBrokerExtension;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The monitor against a real in-process broker: records produced to the four topics (predictions
 * spread over two partitions, so two stream tasks keep partial aggregates) show up in the HTTP
 * API with exactly the figures they imply.
 */
@Timeout(120)
class MonitorITCase {

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration DEADLINE = Duration.ofSeconds(60);

    @TempDir
    Path stateDir;

    @Test
    void shouldCreateMissingTopicsServeFiguresThatAddUpAcrossPartitionsAndStopCleanly() throws Exception {
        try (MonitorKafka topics = new MonitorKafka(KAFKA)) {
            String createdDlq = "dlq-created-" + topics.predictions;
            Monitor monitor = new Monitor(topics.options(
                    stateDir,
                    Map.of(
                            MonitorOptions.DISPLAY_DELAY.key(),
                            "0 s",
                            "topics.dlq",
                            createdDlq,
                            "topics.auto-create",
                            "true")));
            try {
                monitor.start();
                assertFiguresAddUp(topics.withDeadLetterTopic(createdDlq), monitor);
            } finally {
                monitor.close();
            }
            assertThat(monitor.awaitStopped()).isEqualTo(KafkaStreams.State.NOT_RUNNING);
            assertThatThrownBy(monitor::url).isInstanceOf(IllegalStateException.class);
        }
    }

    private static void assertFiguresAddUp(MonitorKafka topics, Monitor monitor) {
        // From 4 s ago to 6 s ahead: every figure stays within "the last minute" for most of a minute.
        long base = Resolution.SECOND.windowStart(System.currentTimeMillis()) - 5_000;
        topics.send(plan(1, base, 2, 4, "initial placement"));
        for (int i = 0; i < 200; i++) {
            // 150 invocations of expert 0 on slot 0, 50 of expert 1 on slot 1; 40 anomalies at press-9.
            boolean hot = i % 4 != 0;
            String source = i < 40 ? "press-9" : "press-" + (i % 5);
            topics.send(
                    prediction(
                            source,
                            base + 1_000 + i * 50L,
                            1 + i % 100,
                            i < 40 ? 0.95f : 0.05f,
                            hot ? choice(0, 0) : choice(1, 1)),
                    i % 2);
        }
        topics.send(plan(2, base + 6_000, 2, 4, "imbalance 1.5 above 1.2"));
        topics.send(load(LoadSource.GATE, 0, base, base + 5_000, entry(0, -1, 120, 0, 0)), 0);
        topics.send(load(LoadSource.EXPERT, 1, base, base + 5_000, entry(1, 1, 30, 3_000_000, 2)), 1);
        topics.send(deadLetter(DeadLetterReason.WRONG_DIMENSION, base + 2_000));
        topics.send(deadLetter(DeadLetterReason.WRONG_DIMENSION, base + 3_000));
        topics.send(deadLetter(DeadLetterReason.UNDECODABLE, base + 4_000));
        topics.flush();

        URI url = monitor.url();
        JsonNode summary = awaitJson(
                topics,
                url,
                "api/summary",
                "every prediction in the summary",
                s -> s.get("predictionsLastMinute").asLong() == 200
                        && s.get("plan") != null
                        && s.get("plan").get("version").asLong() == 2
                        && s.get("deadLettersLastMinute").asLong() == 3);

        assertThat(monitor.state()).isEqualTo(KafkaStreams.State.RUNNING);
        assertThat(summary.get("latencyLastMinute").get("count").asLong()).isEqualTo(200);
        assertThat(summary.get("latencyLastMinute").get("p50").asDouble()).isCloseTo(50, within(1.0));
        assertThat(summary.get("imbalanceLastMinute").asDouble()).isCloseTo(1.5, within(1e-9));
        assertThat(summary.get("slots").asInt()).isEqualTo(2);
        assertThat(summary.get("activeSources").asInt()).isEqualTo(6);
        assertThat(summary.get("anomalyRateLastMinute").asDouble()).isCloseTo(0.2, within(1e-9));

        JsonNode throughput = json(topics, url, "api/throughput?window=1s&minutes=1");
        long total = 0;
        for (JsonNode point : throughput.get("points")) {
            total += point.get("count").asLong();
        }
        assertThat(total).isEqualTo(200);

        JsonNode slots = json(topics, url, "api/slots?window=1s&minutes=1");
        assertThat(slots.get("plans"))
                .extracting(p -> p.get("version").asLong())
                .containsExactly(1L, 2L);

        JsonNode experts = awaitJson(
                topics,
                url,
                "api/experts?minutes=1",
                "the load reports in the expert view",
                e -> e.get("experts").size() == 4
                        && e.get("experts").get(1).get("serviceMicrosPerRecord") != null
                        && e.get("experts").get(0).get("demand").asLong() == 120);
        assertThat(experts.get("experts").get(0).get("records").asLong()).isEqualTo(150);
        assertThat(experts.get("experts").get(1).get("serviceMicrosPerRecord").asDouble())
                .isEqualTo(100.0);

        JsonNode dlq = json(topics, url, "api/dlq?window=1m&minutes=5");
        assertThat(dlq.get("totals").get("WRONG_DIMENSION").asLong()).isEqualTo(2);
        assertThat(dlq.get("totals").get("UNDECODABLE").asLong()).isEqualTo(1);

        JsonNode sources = json(topics, url, "api/sources?top=1&minutes=1");
        assertThat(sources.get("sources").get(0).get("sourceId").asText()).isEqualTo("press-9");
        assertThat(sources.get("sources").get(0).get("anomalyRate").asDouble()).isEqualTo(1.0);

        JsonNode heatmap = json(topics, url, "api/heatmap?minutes=1");
        assertThat(heatmap.get("max").asLong()).isEqualTo(150);
    }

    @Test
    void shouldRefuseToStartWhenATopicIsMissingAndMayNotBeCreated() {
        try (MonitorKafka topics = new MonitorKafka(KAFKA)) {
            MonitorSettings options = topics.options(stateDir, Map.of("topics.load", "no-such-load-topic"));

            assertThatThrownBy(() -> new Monitor(options).start())
                    .isInstanceOf(MissingTopicException.class)
                    .hasMessageContaining("'no-such-load-topic' (topics.load)")
                    .hasMessageContaining("topics.auto-create=true");
        }
    }

    private static JsonNode awaitJson(
            MonitorKafka topics, URI url, String path, String what, java.util.function.Predicate<JsonNode> done) {
        AtomicReference<String> last = new AtomicReference<>("nothing");
        return MonitorKafka.await(
                what,
                DEADLINE,
                () -> {
                    Optional<String> body = topics.get(url, path);
                    body.ifPresent(last::set);
                    return body.map(MonitorITCase::parse).filter(done);
                },
                last::get);
    }

    private static JsonNode json(MonitorKafka topics, URI url, String path) {
        return parse(
                topics.get(url, path).orElseThrow(() -> new AssertionError("GET " + path + " did not answer 200.")));
    }

    private static JsonNode parse(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException("The API answered with invalid JSON: " + body, e);
        }
    }
}
