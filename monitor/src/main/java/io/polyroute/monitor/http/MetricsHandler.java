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
import io.polyroute.monitor.MonitorSettings;
import io.polyroute.monitor.drift.Alert;
import io.polyroute.monitor.query.DriftQueries;
import io.polyroute.monitor.query.MonitorQueries;
import io.polyroute.monitor.query.Views;
import java.io.IOException;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.streams.errors.InvalidStateStoreException;

/**
 * {@code /metrics}: the monitor's figures in the Prometheus text format (version 0.0.4), for
 * the rules of {@code ops/prometheus/alerts.yml}. Drift scores are exported for the
 * {@code monitor.metrics.top-sources} highest-scoring sources only, which bounds the series.
 */
public final class MetricsHandler implements HttpHandler {

    /** Path of the endpoint. */
    public static final String PATH = "/metrics";

    private final MonitorQueries queries;
    private final MonitorSettings options;

    public MetricsHandler(MonitorQueries queries, MonitorSettings options) {
        this.queries = queries;
        this.options = options;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        if (!"GET".equals(exchange.getRequestMethod()) && !"HEAD".equals(exchange.getRequestMethod())) {
            exchange.getResponseHeaders().set("Allow", "GET, HEAD");
            Responses.sendError(exchange, 405, "/metrics only answers GET requests.");
            return;
        }
        String body;
        try {
            body = render();
        } catch (InvalidStateStoreException e) {
            Responses.sendError(exchange, 503, "The monitor's state stores cannot be queried yet; try again.");
            return;
        }
        Responses.send(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", Responses.utf8(body));
    }

    /** The exposition text. */
    public String render() {
        StringBuilder out = new StringBuilder();
        DriftQueries drift = queries.drift();
        DriftQueries.AlertList alerts = drift.alerts(0);
        Map<String, Long> counters = alerts.counters();
        header(out, "polyroute_monitor_alerts_raised_total", "counter", "Alerts raised by the monitor, by kind.");
        for (Alert.Kind kind : Alert.Kind.values()) {
            sample(out, "polyroute_monitor_alerts_raised_total", "kind", kind.name(), counters.get("raised." + kind));
        }
        header(out, "polyroute_monitor_alerts_cleared_total", "counter", "Alerts cleared, by kind.");
        for (Alert.Kind kind : Alert.Kind.values()) {
            sample(out, "polyroute_monitor_alerts_cleared_total", "kind", kind.name(), counters.get("cleared." + kind));
        }
        header(out, "polyroute_monitor_alerts_open", "gauge", "Alerts open now, by kind.");
        for (Alert.Kind kind : Alert.Kind.values()) {
            long open = alerts.open().stream().filter(a -> a.kind() == kind).count();
            sample(out, "polyroute_monitor_alerts_open", "kind", kind.name(), open);
        }
        header(
                out,
                "polyroute_monitor_drift_untracked_records_total",
                "counter",
                "Records of sources beyond monitor.drift.max-sources, which were not profiled.");
        sample(out, "polyroute_monitor_drift_untracked_records_total", null, null, counters.get("untracked"));

        DriftQueries.DriftRanking ranking = drift.ranking(options.metricsTopSources());
        header(out, "polyroute_monitor_drift_sources", "gauge", "Sources with a routing profile.");
        sample(out, "polyroute_monitor_drift_sources", null, null, ranking.sources());
        header(
                out,
                "polyroute_monitor_drift_score",
                "gauge",
                "Jensen-Shannon divergence (bits) of a source's current routing from its reference, per stage; "
                        + "the highest-scoring sources only.");
        for (DriftQueries.SourceScore row : ranking.top()) {
            for (int s = 0; s < row.stageScores().size(); s++) {
                Double score = row.stageScores().get(s);
                if (score != null) {
                    out.append("polyroute_monitor_drift_score{source=\"")
                            .append(escape(row.sourceId()))
                            .append("\",stage=\"")
                            .append(s)
                            .append("\"} ")
                            .append(number(score))
                            .append('\n');
                }
            }
        }

        Views.Summary summary = queries.summary();
        header(out, "polyroute_monitor_predictions_last_minute", "gauge", "Predictions in the last minute.");
        sample(out, "polyroute_monitor_predictions_last_minute", null, null, summary.predictionsLastMinute());
        header(out, "polyroute_monitor_dead_letters_last_minute", "gauge", "Dead letters in the last minute.");
        sample(out, "polyroute_monitor_dead_letters_last_minute", null, null, summary.deadLettersLastMinute());
        header(
                out,
                "polyroute_monitor_imbalance",
                "gauge",
                "Max over mean expert-slot load in the last minute (1 is perfect balance).");
        sample(out, "polyroute_monitor_imbalance", null, null, summary.imbalanceLastMinute());
        header(
                out,
                "polyroute_monitor_latency_seconds",
                "gauge",
                "End-to-end latency quantiles of the predictions of the last minute.");
        Views.Latency latency = summary.latencyLastMinute();
        sample(out, "polyroute_monitor_latency_seconds", "quantile", "0.5", seconds(latency.p50()));
        sample(out, "polyroute_monitor_latency_seconds", "quantile", "0.95", seconds(latency.p95()));
        sample(out, "polyroute_monitor_latency_seconds", "quantile", "0.99", seconds(latency.p99()));
        return out.toString();
    }

    private static Double seconds(Double millis) {
        return millis == null ? null : millis / 1000.0;
    }

    private static void header(StringBuilder out, String name, String type, String help) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private static void sample(StringBuilder out, String name, String label, String value, Number number) {
        out.append(name);
        if (label != null) {
            out.append('{').append(label).append("=\"").append(escape(value)).append("\"}");
        }
        out.append(' ')
                .append(number == null ? "NaN" : number(number.doubleValue()))
                .append('\n');
    }

    private static String number(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return String.format(Locale.ROOT, "%.6g", v);
    }

    static String escape(String v) {
        return v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
