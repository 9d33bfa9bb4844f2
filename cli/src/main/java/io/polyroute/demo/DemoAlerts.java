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
package io.polyroute.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Prints the alerts the demo's dashboard raised, as {@code /api/alerts} lists them. */
final class DemoAlerts {

    private DemoAlerts() {}

    /**
     * One line per alert the monitor raised (open or cleared), with its delay after {@code driftAtMillis}
     * when the demo moved machines (else -1).
     *
     * @return the number of alerts raised (open or cleared), or -1 when they could not be read
     */
    static int print(URI dashboard, long driftAtMillis, PrintStream out) {
        try {
            HttpResponse<String> response = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(dashboard.resolve("api/alerts?limit=500"))
                                    .timeout(Duration.ofSeconds(10))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                out.println("polyroute demo: could not read the alerts (" + response.statusCode() + ")");
                return -1;
            }
            JsonNode body = new ObjectMapper().readTree(response.body());
            List<JsonNode> alerts = new ArrayList<>();
            body.path("open").forEach(alerts::add);
            body.path("recent").forEach(alerts::add);
            out.println("polyroute demo: alerts raised: " + alerts.size());
            for (JsonNode a : alerts) {
                long raisedAt = a.path("raisedAt").asLong();
                out.printf(
                        Locale.ROOT,
                        "polyroute demo: alert %s %s %s stage=%s score=%.3f%s: %s%n",
                        a.path("state").asText(),
                        a.path("kind").asText(),
                        a.path("sourceId").asText(),
                        a.path("stage").isNull() ? "-" : a.path("stage").asText(),
                        a.path("score").asDouble(),
                        driftAtMillis > 0
                                ? String.format(
                                        Locale.ROOT,
                                        " raised %.1f s after the drift",
                                        (raisedAt - driftAtMillis) / 1000.0)
                                : "",
                        a.path("message").asText());
            }
            return alerts.size();
        } catch (Exception e) {
            out.println("polyroute demo: could not read the alerts: " + e);
            return -1;
        }
    }
}
