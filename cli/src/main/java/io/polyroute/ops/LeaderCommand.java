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

import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code leader}: prints the node id of the broker that leads one partition of a topic, so that
 * the network chaos script can cut exactly that broker off.
 */
@Command(
        name = "leader",
        mixinStandardHelpOptions = true,
        description = "Print the node id of the leader of one partition of a topic.")
final class LeaderCommand implements Callable<Integer> {
    @Mixin
    KafkaArgs kafka;

    @Option(names = "--topic", required = true, description = "Topic name.")
    String topic;

    @Option(names = "--partition", defaultValue = "0", description = "Partition number (default: ${DEFAULT-VALUE}).")
    int partition;

    @Override
    public Integer call() throws Exception {
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            TopicDescription d = admin.describeTopics(List.of(topic))
                    .allTopicNames()
                    .get(60, TimeUnit.SECONDS)
                    .get(topic);
            TopicPartitionInfo p = d.partitions().stream()
                    .filter(i -> i.partition() == partition)
                    .findFirst()
                    .orElseThrow(() ->
                            new IllegalArgumentException("Topic '" + topic + "' has no partition " + partition + "."));
            if (p.leader() == null || p.leader().isEmpty()) {
                throw new IllegalStateException(
                        "Partition " + partition + " of topic '" + topic + "' has no leader now.");
            }
            System.out.println(p.leader().id());
        }
        return 0;
    }
}
