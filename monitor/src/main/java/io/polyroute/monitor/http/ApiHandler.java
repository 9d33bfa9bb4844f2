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
package io.polyroute.monitor.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.polyroute.job.config.MonitorOptions;
import io.polyroute.monitor.MonitorSettings;
import io.polyroute.monitor.Resolution;
import io.polyroute.monitor.query.MonitorQueries;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JSON API under {@code /api/}: one route per figure, each with range-checked parameters.
 * Answers 400 for a bad parameter, 404 for an unknown route, 405 for anything but GET and HEAD,
 * and 503 while the state stores cannot be queried (at start and during a rebalance).
 */
public final class ApiHandler implements HttpHandler {

    /** Path prefix of every route. */
    public static final String PREFIX = "/api/";

    private static final Logger LOG = LoggerFactory.getLogger(ApiHandler.class);

    private final Map<String, Function<QueryParams, Object>> routes = new LinkedHashMap<>();

    /**
     * @param queries the figures
     * @param options bounds of the parameters (retention, plan history) and the page settings
     */
    public ApiHandler(MonitorQueries queries, MonitorSettings options) {
        int maxMinutes = (int) Math.max(1, options.retention().toMinutes());
        routes.put("health", p -> queries.health());
        routes.put("summary", p -> queries.summary());
        routes.put(
                "throughput",
                p -> queries.throughput(
                        p.resolution("window", Resolution.SECOND), p.intParam("minutes", 5, 1, maxMinutes)));
        routes.put(
                "latency",
                p -> queries.latency(
                        p.resolution("window", Resolution.SECOND), p.intParam("minutes", 5, 1, maxMinutes)));
        routes.put(
                "slots",
                p -> queries.slots(p.resolution("window", Resolution.SECOND), p.intParam("minutes", 5, 1, maxMinutes)));
        routes.put("experts", p -> queries.experts(p.intParam("minutes", 1, 1, maxMinutes)));
        routes.put("heatmap", p -> queries.heatmap(p.intParam("minutes", 1, 1, maxMinutes)));
        routes.put("plans", p -> queries.plans(p.intParam("limit", 20, 1, options.planHistory())));
        routes.put(
                "dlq",
                p -> queries.deadLetters(
                        p.resolution("window", Resolution.MINUTE), p.intParam("minutes", 60, 1, maxMinutes)));
        routes.put(
                "sources",
                p -> queries.sources(p.intParam("top", 10, 1, 1000), p.intParam("minutes", 10, 1, maxMinutes)));
        routes.put(
                "versions",
                p -> queries.versions(
                        p.resolution("window", Resolution.SECOND), p.intParam("minutes", 5, 1, maxMinutes)));
        routes.put(
                "shadow",
                p -> queries.shadow(
                        p.resolution("window", Resolution.SECOND), p.intParam("minutes", 5, 1, maxMinutes)));
        routes.put("config", p -> pageConfig(options));
        routes.put("alerts", p -> queries.drift().alerts(p.intParam("limit", 50, 0, options.alertHistory())));
        routes.put("drift", p -> queries.drift().ranking(p.intParam("top", 20, 1, 1000)));
        routes.put(
                "sources/{id}/routing",
                p -> queries.drift()
                        .routing(p.path("id"))
                        .orElseThrow(() -> new NotFoundException("No routing profile for source '" + p.path("id")
                                + "': the monitor has seen no prediction of it (or it was forgotten), or drift detection "
                                + "is off (" + MonitorOptions.DRIFT_ENABLED.key() + ").")));
        routes.put(
                "predictions/{id}",
                p -> queries.drift()
                        .prediction(p.path("id"))
                        .orElseThrow(() -> new NotFoundException("No recent prediction with event id '" + p.path("id")
                                + "': the monitor keeps the predictions of the last "
                                + options.recentPredictions().toSeconds() + " s ("
                                + MonitorOptions.RECENT_PREDICTIONS.key()
                                + ").")));
    }

    /** A route whose resource does not exist: answered with 404 and the message. */
    static final class NotFoundException extends RuntimeException {
        NotFoundException(String message) {
            super(message);
        }
    }

    /** The route for {@code path} (below the prefix) and its path parameters, or null. */
    private Map.Entry<Function<QueryParams, Object>, Map<String, String>> match(String path) {
        Function<QueryParams, Object> exact = routes.get(path);
        if (exact != null) {
            return Map.entry(exact, Map.of());
        }
        String[] parts = path.split("/", -1);
        for (Map.Entry<String, Function<QueryParams, Object>> route : routes.entrySet()) {
            String[] pattern = route.getKey().split("/", -1);
            if (pattern.length != parts.length || !route.getKey().contains("{")) {
                continue;
            }
            Map<String, String> params = new LinkedHashMap<>();
            boolean ok = true;
            for (int i = 0; i < pattern.length && ok; i++) {
                if (pattern[i].startsWith("{") && pattern[i].endsWith("}")) {
                    ok = !parts[i].isEmpty();
                    params.put(pattern[i].substring(1, pattern[i].length() - 1), parts[i]);
                } else {
                    ok = pattern[i].equals(parts[i]);
                }
            }
            if (ok) {
                return Map.entry(route.getValue(), params);
            }
        }
        return null;
    }

    /** The route names, e.g. {@code summary}, in the order they were declared. */
    public Set<String> routes() {
        return routes.keySet();
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        if (!"GET".equals(method) && !"HEAD".equals(method)) {
            exchange.getResponseHeaders().set("Allow", "GET, HEAD");
            Responses.sendError(exchange, 405, "The monitor API only answers GET requests, not " + method + ".");
            return;
        }
        String path = exchange.getRequestURI().getRawPath();
        Map.Entry<Function<QueryParams, Object>, Map<String, String>> route =
                path.startsWith(PREFIX) ? match(path.substring(PREFIX.length())) : null;
        if (route == null) {
            Responses.sendError(
                    exchange,
                    404,
                    "There is no API route '" + path + "'; the routes are "
                            + routes.keySet().stream().map(r -> PREFIX + r).toList() + ".");
            return;
        }
        try {
            Object body = route.getKey().apply(QueryParams.of(exchange.getRequestURI(), route.getValue()));
            Responses.sendJson(exchange, 200, body);
        } catch (NotFoundException e) {
            Responses.sendError(exchange, 404, e.getMessage());
        } catch (QueryParams.BadRequestException e) {
            Responses.sendError(exchange, 400, e.getMessage());
        } catch (InvalidStateStoreException e) {
            Responses.sendError(
                    exchange,
                    503,
                    "The monitor's state stores cannot be queried yet (" + e.getMessage()
                            + "); try again in a moment.");
        } catch (RuntimeException e) {
            LOG.warn("The API route {} failed.", path, e);
            Responses.sendError(exchange, 500, "The API route " + path + " failed: " + e);
        }
    }

    private static Map<String, Object> pageConfig(MonitorSettings options) {
        Map<String, Object> config = new TreeMap<>();
        config.put("refreshMs", options.refreshInterval().toMillis());
        config.put("displayDelayMs", options.displayDelay().toMillis());
        config.put("retentionMs", options.retention().toMillis());
        config.put("anomalyThreshold", options.anomalyThreshold());
        config.put("anomalyOutputIndex", options.anomalyOutputIndex());
        config.put(
                "topics",
                Map.of(
                        "predictions", options.predictionsTopic(),
                        "load", options.loadTopic(),
                        "plans", options.plansTopic(),
                        "deadLetters", options.deadLetterTopic()));
        config.put("shadowTopic", options.shadowEnabled() ? options.shadowTopic() : null);
        config.put("shadowTolerance", options.shadowTolerance());
        return config;
    }
}
