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
import io.polyroute.schemas.AvroEncoding;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.CommonClientConfigs;
import picocli.CommandLine.Option;

/** Where a job's rollout topics are and how to reach them: shared by the {@code rollout} commands. */
final class RolloutTopicOptions {
    @Option(
            names = "--bootstrap-servers",
            paramLabel = "HOST:PORT[,...]",
            defaultValue = "localhost:9092",
            description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE}).")
    String bootstrapServers;

    @Option(
            names = "--job",
            paramLabel = "NAME",
            defaultValue = "polyroute",
            description = "The job's job.name: the topics default to NAME.rollouts and NAME.rollout-status, and"
                    + " commands name this job (default: ${DEFAULT-VALUE}).")
    String job;

    @Option(
            names = "--topic",
            paramLabel = "TOPIC",
            description = "The rollouts topic, the job's rollout.topic (default: <--job>.rollouts).")
    String topic;

    @Option(
            names = "--status-topic",
            paramLabel = "TOPIC",
            description = "The status topic, the job's rollout.status-topic (default: <--job>.rollout-status).")
    String statusTopic;

    @Option(
            names = "--encoding",
            paramLabel = "ENCODING",
            defaultValue = "binary",
            description = "The job's topics.encoding: binary or single-object (default: ${DEFAULT-VALUE}).")
    String encoding;

    @Option(
            names = {"-s", "--set"},
            paramLabel = "kafka.properties.KEY=VALUE",
            description = "A Kafka client property, e.g. --set kafka.properties.security.protocol=SSL (repeatable).")
    List<String> sets = new ArrayList<>();

    @Option(
            names = "--timeout",
            paramLabel = "SECONDS",
            defaultValue = "30",
            description = "How long to wait for the broker (default: ${DEFAULT-VALUE}).")
    long timeoutSeconds;

    String commandsTopic() {
        return topic != null ? topic : job + ".rollouts";
    }

    String statusTopic() {
        return statusTopic != null ? statusTopic : job + ".rollout-status";
    }

    AvroEncoding encoding() {
        return switch (encoding.toLowerCase(java.util.Locale.ROOT)) {
            case "binary" -> AvroEncoding.BINARY;
            case "single-object", "single_object" -> AvroEncoding.SINGLE_OBJECT;
            default ->
                throw new IllegalArgumentException(
                        "--encoding must be binary or single-object, but is '" + encoding + "'.");
        };
    }

    Duration timeout() {
        return Duration.ofSeconds(timeoutSeconds);
    }

    /** Client properties: the bootstrap servers plus every {@code kafka.properties.*} override without its prefix. */
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
