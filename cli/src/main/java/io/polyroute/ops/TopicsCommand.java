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
package io.polyroute.ops;

import io.polyroute.kafka.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code topics}: create replicated topics unless they exist. */
@Command(
        name = "topics",
        mixinStandardHelpOptions = true,
        description = "Create the named topics (replicated, with min.insync.replicas) unless they exist.")
final class TopicsCommand implements Callable<Integer> {
    @Mixin
    KafkaArgs kafka;

    @Option(
            names = "--partitions",
            defaultValue = "4",
            description = "Partitions per topic (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(
            names = "--replication-factor",
            defaultValue = "3",
            description = "Replicas per partition (default: ${DEFAULT-VALUE}).")
    short replicationFactor;

    @Option(
            names = "--min-insync-replicas",
            defaultValue = "2",
            description = "min.insync.replicas of each topic (default: ${DEFAULT-VALUE}).")
    int minInsync;

    @Parameters(arity = "1..*", paramLabel = "TOPIC", description = "Topic names.")
    List<String> topics;

    @Override
    public Integer call() {
        List<NewTopic> wanted = topics.stream()
                .map(t -> new NewTopic(t, partitions, replicationFactor)
                        .configs(Map.of("min.insync.replicas", Integer.toString(minInsync))))
                .toList();
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            Set<String> created = Topics.createIfMissing(admin, wanted, Duration.ofSeconds(60));
            System.out.println("topics: created " + created + ", " + (topics.size() - created.size())
                    + " existed already (partitions=" + partitions + ", replication=" + replicationFactor
                    + ", min.insync.replicas=" + minInsync + ")");
        }
        return 0;
    }
}
