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
