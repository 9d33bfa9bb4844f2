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

import io.polyroute.schemas.AvroEncoding;
import java.time.Duration;
import java.util.Properties;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Where a job's rollout topics are and how to reach them: shared by the {@code rollout} commands. */
final class RolloutTopicOptions {
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

    /** Declared after the topic options, so that --help lists the connection options together, last. */
    @Mixin
    KafkaClientOptions kafka;

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
        return kafka.timeout();
    }

    /** See {@link KafkaClientOptions#clientProperties()}. */
    Properties clientProperties() {
        return kafka.clientProperties();
    }
}
