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
package io.polyroute.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;

/**
 * The broker configuration of an {@link EmbeddedKafka}: a combined broker and controller on
 * loopback ports, tuned for one node with transactions, plus the builder's overrides.
 */
record BrokerSettings(Properties properties, String bootstrapServers, String controllerListener) {

    static final int NODE_ID = 1;
    static final String HOST = "127.0.0.1";

    /** Keys that define the node's identity, ports and storage; the builder may not set them. */
    static final List<String> RESERVED_KEYS = List.of(
            "node.id",
            "process.roles",
            "listeners",
            "advertised.listeners",
            "controller.listener.names",
            "controller.quorum.voters",
            "log.dir",
            "log.dirs",
            "metadata.log.dir");

    static BrokerSettings create(Path logDir, EmbeddedKafka.Builder builder) {
        int brokerPort = freePort();
        int controllerPort = freePort();
        String broker = EmbeddedKafka.BROKER_LISTENER;
        String controller = EmbeddedKafka.CONTROLLER_LISTENER;

        Properties p = new Properties();
        p.setProperty("node.id", Integer.toString(NODE_ID));
        p.setProperty("process.roles", "broker,controller");
        p.setProperty(
                "listeners",
                broker + "://" + HOST + ":" + brokerPort + "," + controller + "://" + HOST + ":" + controllerPort);
        p.setProperty("advertised.listeners", broker + "://" + HOST + ":" + brokerPort);
        p.setProperty("listener.security.protocol.map", broker + ":PLAINTEXT," + controller + ":PLAINTEXT");
        p.setProperty("inter.broker.listener.name", broker);
        p.setProperty("controller.listener.names", controller);
        p.setProperty("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort);
        p.setProperty("log.dirs", logDir.toAbsolutePath().toString());

        // One node: every internal topic has a single replica.
        p.setProperty("num.partitions", "1");
        p.setProperty("default.replication.factor", "1");
        p.setProperty("offsets.topic.replication.factor", "1");
        p.setProperty("offsets.topic.num.partitions", "1");
        p.setProperty("transaction.state.log.replication.factor", "1");
        p.setProperty("transaction.state.log.min.isr", "1");
        p.setProperty("transaction.state.log.num.partitions", "1");
        p.setProperty("share.coordinator.state.topic.replication.factor", "1");
        p.setProperty("share.coordinator.state.topic.min.isr", "1");
        // Flink's exactly-once sink may ask for long transactions; allow up to 15 minutes.
        p.setProperty("transaction.max.timeout.ms", "900000");
        // Consumer groups start at once instead of waiting 3 s for more members.
        p.setProperty("group.initial.rebalance.delay.ms", "0");
        p.setProperty("auto.create.topics.enable", Boolean.toString(builder.autoCreateTopics()));
        // The default 128 MiB dedupe buffer is heap that a test broker never needs.
        p.setProperty("log.cleaner.dedupe.buffer.size", Integer.toString(2 * 1024 * 1024));

        builder.extraBrokerProperties().forEach(p::setProperty);
        return new BrokerSettings(p, HOST + ":" + brokerPort, controller);
    }

    /**
     * Asks the operating system for a free port. The socket is closed again before the broker
     * binds, so another process could take the port in between; on a test machine that is rare.
     */
    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not find a free port on " + HOST + " for the embedded broker.", e);
        }
    }
}
