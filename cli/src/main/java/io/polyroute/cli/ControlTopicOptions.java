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

import java.time.Duration;
import java.util.Properties;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Where the control topics are and how to reach them: shared by the {@code plan} commands. */
final class ControlTopicOptions {
    @Option(
            names = "--job",
            paramLabel = "NAME",
            defaultValue = "polyroute",
            description = "The job's job.name: the control topics default to NAME.plans and NAME.load, and"
                    + " published plans name this job (default: ${DEFAULT-VALUE}).")
    String job;

    @Option(
            names = "--topic",
            paramLabel = "TOPIC",
            description = "The plans topic, the job's topics.plans (default: <--job>.plans).")
    String topic;

    @Option(
            names = "--load-topic",
            paramLabel = "TOPIC",
            description = "The load topic, the job's topics.load (default: <--job>.load).")
    String loadTopic;

    /** Declared after the topic options, so that --help lists the connection options together, last. */
    @Mixin
    KafkaClientOptions kafka;

    /** The plans topic: --topic, else {@code <job>.plans} as the job derives it. */
    String plansTopic() {
        return topic != null ? topic : job + ".plans";
    }

    /** The load topic: --load-topic, else {@code <job>.load} as the job derives it. */
    String loadTopic() {
        return loadTopic != null ? loadTopic : job + ".load";
    }

    Duration timeout() {
        return kafka.timeout();
    }

    /** See {@link KafkaClientOptions#clientProperties()}. */
    Properties clientProperties() {
        return kafka.clientProperties();
    }
}
