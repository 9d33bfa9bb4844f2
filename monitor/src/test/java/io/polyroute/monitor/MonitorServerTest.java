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
import static io.polyroute.monitor.MonitorRecords.plan;
import static io.polyroute.monitor.MonitorRecords.prediction;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.polyroute.job.config.MonitorOptions;
import io.polyroute.monitor.query.MonitorQueries;
import io.polyroute.monitor.query.StoreAccess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The HTTP API and the static page of {@link MonitorServer}, over stores filled by a test driver. */
@Timeout(30)
class MonitorServerTest {

    static final long T0 = MonitorTopologyTest.T0;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path stateDir;

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private MonitorTestDriver monitor;
    private MonitorServer server;
    private String eventId;

    @BeforeEach
    void start() {
        monitor = new MonitorTestDriver(
                stateDir, Map.of(MonitorOptions.HTTP_PORT.key(), "0", MonitorOptions.DRIFT_ENABLED.key(), "true"));
        monitor.plans.pipeInput(plan(1, T0, 2, 2, "initial placement"));
        var first = prediction("press-1", T0 + 1_000, 12, 0.9f, choice(0, 0));
        eventId = first.getEventId();
        monitor.pipe(first, prediction("press-2", T0 + 1_500, 20, 0.1f, choice(1, 1)));
        server = MonitorServer.start(monitor.queries(T0 + 10_000), monitor.options);
    }

    @AfterEach
    void stop() {
        server.close();
        monitor.close();
    }

    @Test
    void shouldServeTheSummaryAsJson() throws Exception {
        HttpResponse<String> response = get("api/summary");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");
        JsonNode summary = JSON.readTree(response.body());
        assertThat(summary.get("predictionsLastMinute").asLong()).isEqualTo(2);
        assertThat(summary.get("plan").get("version").asLong()).isEqualTo(1);
        assertThat(summary.get("latencyLastMinute").get("p99").asDouble()).isBetween(19.0, 21.0);
    }

    @Test
    void shouldAnswerEveryRouteWithJsonThatHoldsNoNaN() throws Exception {
        for (String route : new String[] {
            "health",
            "summary",
            "throughput?window=1s&minutes=1",
            "latency?minutes=2",
            "slots?window=1m&minutes=60",
            "experts",
            "heatmap?minutes=5",
            "plans?limit=5",
            "dlq",
            "sources?top=3",
            "versions?window=1m&minutes=60",
            "shadow",
            "config",
            "alerts",
            "alerts?limit=0",
            "drift?top=5",
            "sources/press-1/routing",
            "predictions/" + eventId
        }) {
            HttpResponse<String> response = get("api/" + route);
            assertThat(response.statusCode()).as(route).isEqualTo(200);
            assertThat(response.body()).as(route).doesNotContain("NaN", "Infinity");
            JSON.readTree(response.body());
        }
    }

    @Test
    void shouldServeTheSeriesOfTheRequestedWindowAndSpan() throws Exception {
        JsonNode throughput =
                JSON.readTree(get("api/throughput?window=1s&minutes=1").body());

        assertThat(throughput.get("window").asText()).isEqualTo("1s");
        assertThat(throughput.get("points")).hasSize(60);
        assertThat(JSON.readTree(get("api/throughput?window=1m&minutes=60").body())
                        .get("points"))
                .hasSize(60);
    }

    @Test
    void shouldServeTheRoutingRecordOfOnePredictionAndTheRoutingProfileOfOneSource() throws Exception {
        JsonNode record = JSON.readTree(get("api/predictions/" + eventId).body());
        JsonNode routing = JSON.readTree(get("api/sources/press-1/routing").body());

        assertThat(record.get("sourceId").asText()).isEqualTo("press-1");
        assertThat(record.get("version").asText()).isEqualTo("1");
        assertThat(record.get("latencyMs").asDouble()).isEqualTo(12.0);
        assertThat(record.get("experts").get(0).get("expert").asInt()).isZero();
        assertThat(record.get("experts").get(0).get("slot").asInt()).isZero();
        assertThat(record.get("experts").get(0).get("weight").asDouble()).isEqualTo(1.0);
        assertThat(routing.get("records").asLong()).isEqualTo(1);
        assertThat(routing.get("stages")
                        .get(0)
                        .get("experts")
                        .get(0)
                        .get("referenceShare")
                        .asDouble())
                .isEqualTo(1.0);
    }

    @Test
    void shouldAnswerAnUnknownSourceOrEventWith404AndASentence() throws Exception {
        HttpResponse<String> source = get("api/sources/nobody/routing");
        HttpResponse<String> event = get("api/predictions/no-such-event");

        assertThat(source.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(source.body()).get("error").asText()).contains("'nobody'", "monitor.drift.enabled");
        assertThat(event.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(event.body()).get("error").asText())
                .contains("'no-such-event'", "monitor.predictions.retention");
    }

    @Test
    void shouldExportAlertCountsScoresImbalanceAndLatencyForPrometheus() throws Exception {
        HttpResponse<String> metrics = get("metrics");

        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
        assertThat(metrics.body())
                .contains(
                        "# TYPE polyroute_monitor_alerts_raised_total counter",
                        "polyroute_monitor_alerts_raised_total{kind=\"DRIFT\"} 0",
                        "polyroute_monitor_alerts_open{kind=\"SILENCE\"} 0",
                        "polyroute_monitor_drift_sources 2",
                        "polyroute_monitor_predictions_last_minute 2",
                        "polyroute_monitor_latency_seconds{quantile=\"0.99\"} 0.0");
    }

    @Test
    void shouldAnswerABadParameterWith400AndASentenceThatSaysWhatToChange() throws Exception {
        HttpResponse<String> badMinutes = get("api/throughput?minutes=abc");
        HttpResponse<String> badWindow = get("api/latency?window=5s");

        assertThat(badMinutes.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(badMinutes.body()).get("error").asText())
                .isEqualTo("The parameter 'minutes' must be a whole number from 1 to 60, but was 'abc'.");
        assertThat(badWindow.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(badWindow.body()).get("error").asText()).contains("'5s'", "1s, 1m");
    }

    @Test
    void shouldAnswerAnUnknownRouteWith404ListingTheRoutes() throws Exception {
        HttpResponse<String> response = get("api/nope");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.body()).contains("/api/summary", "/api/heatmap");
        assertThat(get("etc/passwd").statusCode()).isEqualTo(404);
    }

    @Test
    void shouldRefuseAnythingButGetWith405() throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(server.url().resolve("api/summary"))
                        .POST(HttpRequest.BodyPublishers.ofString("{}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(405);
        assertThat(response.headers().firstValue("Allow")).hasValue("GET, HEAD");
    }

    @Test
    void shouldServeThePageAndTheChartingLibraryFromTheJar() throws Exception {
        HttpResponse<String> page = get("");
        HttpResponse<String> chart = get("vendor/chart.umd.js");

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        assertThat(page.body())
                .contains("<title>Polyroute monitor</title>", "vendor/chart.umd.js", "app.js")
                .doesNotContain("http://", "https://");
        assertThat(chart.statusCode()).isEqualTo(200);
        assertThat(chart.body()).contains("Chart.js").doesNotContain("sourceMappingURL");
        assertThat(get("app.js").statusCode()).isEqualTo(200);
        assertThat(get("style.css").statusCode()).isEqualTo(200);
        assertThat(get("favicon.svg").statusCode()).isEqualTo(200);
    }

    @Test
    void shouldAnswer503WhileTheStoresCannotBeQueried() throws Exception {
        server.close();
        StoreAccess notReady = new StoreAccess() {
            @Override
            public <K, V> ReadOnlyWindowStore<K, V> windowStore(String name) {
                throw new InvalidStateStoreException("The state store, " + name + ", may have migrated.");
            }

            @Override
            public <K, V> ReadOnlyKeyValueStore<K, V> keyValueStore(String name) {
                throw new InvalidStateStoreException("The state store, " + name + ", may have migrated.");
            }
        };
        MonitorQueries queries = new MonitorQueries(
                notReady, Clock.fixed(Instant.ofEpochMilli(T0), ZoneOffset.UTC), monitor.options, () -> "REBALANCING");
        server = MonitorServer.start(queries, monitor.options);

        HttpResponse<String> summary = get("api/summary");
        JsonNode health = JSON.readTree(get("api/health").body());

        assertThat(summary.statusCode()).isEqualTo(503);
        assertThat(summary.body()).contains("try again");
        assertThat(health.get("state").asText()).isEqualTo("REBALANCING");
        assertThat(health.get("ready").asBoolean()).isFalse();
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        URI uri = server.url().resolve(path);
        return http.send(
                HttpRequest.newBuilder(uri)
                        .timeout(Duration.ofSeconds(10))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
