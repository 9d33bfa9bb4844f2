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

import io.polyroute.job.config.ConfigException;
import io.polyroute.job.config.JobConfigLoader;
import io.polyroute.job.config.KafkaOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.CommonClientConfigs;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * How a command that works without a job file reaches the brokers: {@code --bootstrap-servers},
 * Kafka client properties as {@code --set kafka.properties.KEY=VALUE} and {@code --timeout}. A
 * picocli mixin of {@link ControlTopicOptions} ({@code plan}) and {@link RolloutTopicOptions}
 * ({@code rollout}).
 */
final class KafkaClientOptions {
    @Option(
            names = "--bootstrap-servers",
            paramLabel = "HOST:PORT[,...]",
            defaultValue = "localhost:9092",
            description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE}).")
    String bootstrapServers;

    @Option(
            names = {"-s", "--set"},
            paramLabel = "kafka.properties.KEY=VALUE",
            description = "A Kafka client property, e.g. --set kafka.properties.security.protocol=SSL (repeatable).")
    List<String> sets = new ArrayList<>();

    @Mixin
    BrokerTimeout timeout;

    /** How long to wait for the broker ({@code --timeout}). */
    Duration timeout() {
        return timeout.timeout();
    }

    /**
     * Client properties: the bootstrap servers plus every {@code kafka.properties.*} override without
     * its prefix.
     *
     * @throws ConfigException naming the key of an override outside {@code kafka.properties.}
     */
    Properties clientProperties() {
        Properties p = new Properties();
        for (Map.Entry<String, String> e : JobConfigLoader.parseOverrides(sets).entrySet()) {
            if (!e.getKey().startsWith(KafkaOptions.PROPERTIES_PREFIX)
                    || e.getKey().length() == KafkaOptions.PROPERTIES_PREFIX.length()) {
                throw new ConfigException(
                        e.getKey(),
                        "--set takes Kafka client properties only, as " + KafkaOptions.PROPERTIES_PREFIX
                                + "<property>=<value>; got '" + e.getKey() + "'.");
            }
            p.setProperty(e.getKey().substring(KafkaOptions.PROPERTIES_PREFIX.length()), e.getValue());
        }
        p.setProperty(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return p;
    }
}
