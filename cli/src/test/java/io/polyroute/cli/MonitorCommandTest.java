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
package io.polyroute.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.polyroute.job.config.KafkaOptions;
import io.polyroute.monitor.MonitorSettings;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** How {@code polyroute monitor} turns its flags into options. */
class MonitorCommandTest {

    @Test
    void shouldBeASubcommandOfPolyroute() {
        assertThat(PolyrouteCli.commandLine().getSubcommands()).containsKey("monitor");
    }

    @Test
    void shouldLetTheFlagsWinOverSetOverrides() {
        MonitorCommand command = new MonitorCommand();
        new CommandLine(command)
                .parseArgs(
                        "--bootstrap-servers",
                        "kafka-1:9092",
                        "--port",
                        "9090",
                        "--set",
                        "monitor.http.port=7070",
                        "--set",
                        "monitor.anomaly.threshold=0.8");

        MonitorSettings options = command.options();

        assertThat(options.config().get(KafkaOptions.BOOTSTRAP_SERVERS)).isEqualTo("kafka-1:9092");
        assertThat(options.httpPort()).isEqualTo(9090);
        assertThat(options.anomalyThreshold()).isEqualTo(0.8);
    }

    @Test
    void shouldUseTheDefaultsWithoutFlags() {
        MonitorCommand command = new MonitorCommand();
        new CommandLine(command).parseArgs();

        assertThat(command.options().httpPort()).isEqualTo(8080);
    }
}
