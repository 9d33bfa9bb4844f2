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

import io.polyroute.avro.DeadLetter;
import io.polyroute.job.config.JobConfig;
import io.polyroute.job.config.JobConfigLoader;
import io.polyroute.job.config.TopicsOptions;
import io.polyroute.job.io.TopicDeserializer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Where the dead letters are, shared by the {@code dlq} commands: the same job file and
 * {@code --set} overrides as {@code polyroute run}, so {@code kafka.*} and {@code topics.*} mean
 * what they mean to the job.
 */
final class DlqOptions {
    @Option(
            names = {"-c", "--config"},
            paramLabel = "FILE",
            description =
                    "The job's YAML job file: kafka.*, topics.dlq, topics.input, topics.encoding and registry.* apply.")
    Path config;

    @Option(
            names = {"-s", "--set"},
            paramLabel = "KEY=VALUE",
            description = "Override a job option (repeatable), e.g. --set kafka.bootstrap-servers=broker:9092.")
    List<String> sets = new ArrayList<>();

    @Mixin
    BrokerTimeout timeout;

    JobConfig job() {
        return JobConfigLoader.load(config, sets);
    }

    Duration timeout() {
        return timeout.timeout();
    }

    static String dlqTopic(JobConfig job) {
        return job.get(TopicsOptions.DLQ);
    }

    /**
     * The reader of the dead-letter topic in {@code topics.encoding.dlq} (else
     * {@code topics.encoding}); a {@code confluent} topic is read through the registry of
     * {@code registry.*}, as the job writes it.
     */
    static TopicDeserializer<DeadLetter> deadLetters(JobConfig job) {
        return TopicDeserializer.forTopic(job, TopicsOptions.ENCODING_DLQ, DeadLetter.class);
    }

    /** Client properties of the job with read_committed consumers: only committed dead letters. */
    static Properties clientProperties(JobConfig job) {
        Properties p = job.kafkaClientProperties();
        p.putIfAbsent("isolation.level", "read_committed");
        return p;
    }

    /**
     * Parses {@code --since}: an ISO-8601 instant ({@code 2026-05-01T10:00:00Z}) or a duration back
     * from now ({@code 15m}, {@code 2h}, {@code 1d}, {@code PT30M}).
     *
     * @throws IllegalArgumentException naming the value when it is neither
     */
    static Instant since(String value, Instant now) {
        if (value == null) {
            return Instant.EPOCH;
        }
        String v = value.strip();
        try {
            return Instant.parse(v);
        } catch (DateTimeParseException notAnInstant) {
            try {
                Duration back = v.toUpperCase().startsWith("P")
                        ? Duration.parse(v)
                        : Duration.parse(
                                v.toLowerCase().endsWith("d")
                                        ? "P" + v.substring(0, v.length() - 1) + "D"
                                        : "PT" + v.toUpperCase());
                return now.minus(back);
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("Invalid --since '" + value
                        + "': give an instant such as 2026-05-01T10:00:00Z or a time back from now such as 15m, 2h"
                        + " or 1d.");
            }
        }
    }
}
