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

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.polyroute.monitor.http.MetricsHandler;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ops/prometheus/alerts.yml}: well-formed rules (with {@code promtool check rules} when
 * Debian's prometheus package is installed, and parsed here either way) that cover drift,
 * silence, dead-letter share, imbalance and latency, and read only metrics the monitor exports.
 */
@Timeout(60)
class AlertRulesTest {

    static final Path RULES = Path.of("..", "ops", "prometheus", "alerts.yml");
    private static final Pattern MONITOR_METRIC = Pattern.compile("polyroute_monitor_[a-z_]+");

    @TempDir
    Path stateDir;

    @Test
    void shouldDefineARuleForEachConditionOverExportedMetrics() throws Exception {
        JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(RULES.toFile());
        List<JsonNode> rules = new ArrayList<>();
        root.get("groups").forEach(g -> g.get("rules").forEach(rules::add));
        Set<String> names = new TreeSet<>();
        Set<String> used = new TreeSet<>();
        for (JsonNode rule : rules) {
            assertThat(rule.path("alert").asText()).as("every rule has a name").isNotBlank();
            assertThat(rule.path("expr").asText())
                    .as(rule.path("alert").asText())
                    .isNotBlank();
            assertThat(rule.path("annotations").path("summary").asText()).isNotBlank();
            names.add(rule.get("alert").asText());
            Matcher m = MONITOR_METRIC.matcher(rule.get("expr").asText());
            while (m.find()) {
                used.add(m.group());
            }
        }
        assertThat(names)
                .contains(
                        "PolyrouteRoutingDrift",
                        "PolyrouteSourceSilent",
                        "PolyrouteSourceDeadLetterShare",
                        "PolyrouteSlotImbalance",
                        "PolyrouteLatencyHigh");

        String exported;
        try (MonitorTestDriver monitor = new MonitorTestDriver(stateDir, Map.of())) {
            exported = new MetricsHandler(monitor.queries(MonitorTopologyTest.T0), monitor.options).render();
        }
        for (String metric : used) {
            assertThat(exported).as("the monitor exports " + metric).contains("# TYPE " + metric + " ");
        }
    }

    @Test
    void shouldPassPromtoolWhenItIsInstalled() throws Exception {
        File promtool = new File("/usr/bin/promtool");
        org.junit.jupiter.api.Assumptions.assumeTrue(
                promtool.canExecute(),
                "promtool is not installed (Debian package prometheus); the rules are checked by parsing only");
        Process p = new ProcessBuilder(promtool.getPath(), "check", "rules", RULES.toString())
                .redirectErrorStream(true)
                .start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(output).isZero();
        assertThat(output).contains("SUCCESS");
        assertThat(Files.exists(RULES)).isTrue();
    }
}
