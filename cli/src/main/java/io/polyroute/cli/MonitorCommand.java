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

import io.polyroute.job.config.JobConfigLoader;
import io.polyroute.job.config.KafkaOptions;
import io.polyroute.job.config.MonitorOptions;
import io.polyroute.monitor.Monitor;
import io.polyroute.monitor.MonitorSettings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.kafka.streams.KafkaStreams;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code polyroute monitor}: runs the monitor (the Kafka Streams aggregation of the job's output
 * topics and the live dashboard) until the process is stopped.
 */
@Command(
        name = "monitor",
        mixinStandardHelpOptions = true,
        description = {
            "Run the monitor: aggregate the job's predictions, load reports, plans and",
            "dead letters with Kafka Streams (exactly once) and serve the live dashboard",
            "and its JSON API. Options come from the job file, then --set, then the flags",
            "below; the monitor's own keys start with 'monitor.' ('polyroute run --help'",
            "lists them all)."
        })
final class MonitorCommand implements Callable<Integer> {

    @Option(
            names = "--bootstrap-servers",
            paramLabel = "HOST:PORT[,...]",
            description = "Kafka brokers; sets kafka.bootstrap-servers (default: localhost:9092).")
    String bootstrapServers;

    @Option(
            names = "--port",
            paramLabel = "PORT",
            description = "HTTP port of the dashboard; 0 picks a free one " + "(default: 8080).")
    Integer port;

    @Option(
            names = {"-c", "--config"},
            paramLabel = "FILE",
            description = "Job file (YAML) to read options from.")
    Path configFile;

    @Option(
            names = {"-s", "--set"},
            paramLabel = "KEY=VALUE",
            description = "Set an option, e.g. --set monitor.anomaly.threshold=0.8 or "
                    + "--set kafka.properties.security.protocol=SSL; repeatable.")
    List<String> overrides = new ArrayList<>();

    @Override
    public Integer call() throws InterruptedException {
        Monitor monitor = new Monitor(options()).start();
        Thread hook = new Thread(monitor::close, "polyroute-monitor-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        System.out.println("Polyroute monitor: dashboard at " + monitor.url());
        KafkaStreams.State last = monitor.awaitStopped();
        if (last == KafkaStreams.State.ERROR) {
            System.err.println("error: the monitor's stream application failed; see the log above for the cause.");
            monitor.close();
            return 1;
        }
        return 0;
    }

    /** The options from the job file, the overrides and the flags, in rising precedence. */
    MonitorSettings options() {
        List<String> all = new ArrayList<>(overrides);
        if (bootstrapServers != null) {
            all.add(KafkaOptions.BOOTSTRAP_SERVERS.key() + "=" + bootstrapServers);
        }
        if (port != null) {
            all.add(MonitorOptions.HTTP_PORT.key() + "=" + port);
        }
        return MonitorSettings.of(JobConfigLoader.load(configFile, all));
    }
}
