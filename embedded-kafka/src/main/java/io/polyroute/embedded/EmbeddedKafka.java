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

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An in-process, single-node Kafka cluster in KRaft mode (one process acting as broker and
 * controller) for tests, benchmarks and the embedded demo.
 *
 * <p>The broker listens on {@code 127.0.0.1} on a free port, keeps its log in a temporary
 * directory that {@link #close()} deletes, and is configured for transactions on one node
 * (replication factor 1 for the offsets and transaction state topics). Topics are not created
 * automatically unless the builder says so.
 *
 * <pre>{@code
 * try (EmbeddedKafka kafka = EmbeddedKafka.builder().start()) {
 *     kafka.createTopic("sensors", 2);
 *     Properties props = kafka.adminProperties();
 *     ...
 * }
 * }</pre>
 *
 * <p>The client listener is named {@value #BROKER_LISTENER} and the controller listener
 * {@value #CONTROLLER_LISTENER}. To run the client listener over TLS, override
 * {@code listener.security.protocol.map} with {@code BROKER:SSL,CONTROLLER:PLAINTEXT} and the
 * {@code ssl.*} settings through {@link Builder#brokerProperty}, and give the matching client
 * settings through {@link Builder#clientProperty} so that {@link #adminProperties()} (and the
 * readiness check) can connect.
 */
public final class EmbeddedKafka implements AutoCloseable {

    /** Name of the listener that clients connect to. */
    public static final String BROKER_LISTENER = "BROKER";

    /** Name of the KRaft controller listener. */
    public static final String CONTROLLER_LISTENER = "CONTROLLER";

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);

    /** How long one {@code describeTopics} of {@link #createTopic} may take before it is asked again. */
    private static final long LEADER_POLL_TIMEOUT_MS = 2_000;

    /** Pause between two {@code describeTopics} of {@link #createTopic}. */
    private static final long LEADER_POLL_BACKOFF_MS = 20;

    private final KafkaRaftServer server;
    private final Path logDir;
    private final String bootstrapServers;
    private final Map<String, String> clientProperties;
    private final Duration adminTimeout;
    private boolean closed;

    private EmbeddedKafka(
            KafkaRaftServer server,
            Path logDir,
            String bootstrapServers,
            Map<String, String> clientProperties,
            Duration adminTimeout) {
        this.server = server;
        this.logDir = logDir;
        this.bootstrapServers = bootstrapServers;
        this.clientProperties = Map.copyOf(clientProperties);
        this.adminTimeout = adminTimeout;
    }

    /** Returns a builder for a broker with the defaults described on {@link Builder}. */
    public static Builder builder() {
        return new Builder();
    }

    /** Starts a broker with all defaults. Shorthand for {@code builder().start()}. */
    public static EmbeddedKafka start() {
        return builder().start();
    }

    /** Starts a formatted server and returns once it answers {@code describeCluster}. */
    private static EmbeddedKafka launch(Builder builder) {
        Path logDir = LogDir.create();
        KafkaRaftServer server = null;
        try {
            BrokerSettings settings = BrokerSettings.create(logDir, builder);
            KafkaConfig config = KafkaConfig.fromProps(settings.properties(), false);
            StorageFormatter.format(config, logDir.toAbsolutePath().toString(), settings.controllerListener());
            server = new KafkaRaftServer(config, Time.SYSTEM);
            server.startup();
            EmbeddedKafka kafka = new EmbeddedKafka(
                    server, logDir, settings.bootstrapServers(), builder.clientProperties, builder.adminTimeout);
            kafka.awaitReady(builder.startupTimeout);
            LOG.info("Embedded Kafka broker ready at {} (log dir {}).", settings.bootstrapServers(), logDir);
            return kafka;
        } catch (RuntimeException | Error e) {
            stopQuietly(server, e);
            LogDir.deleteQuietly(logDir, e);
            throw e;
        }
    }

    /** The {@code host:port} list that clients use to connect. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** The broker's temporary log directory; {@link #close()} deletes it. */
    public Path logDir() {
        return logDir;
    }

    /**
     * Properties for any Kafka client of this broker: {@code bootstrap.servers} plus the client
     * properties given to the builder (for example the TLS trust store). A fresh copy on each
     * call.
     */
    public Properties clientProperties() {
        Properties props = new Properties();
        props.putAll(clientProperties);
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return props;
    }

    /** Properties for an {@link Admin} client of this broker; see {@link #clientProperties()}. */
    public Properties adminProperties() {
        Properties props = clientProperties();
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(adminTimeout.toMillis()));
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Long.toString(adminTimeout.toMillis()));
        return props;
    }

    /**
     * Creates a topic with replication factor 1 and waits until every partition has a leader.
     *
     * <p>The controller confirms a new topic before the broker's metadata cache has it, and a
     * partition without a leader (a broker fenced for a missed heartbeat, a log not yet opened)
     * accepts no writes: a producer then holds its batches until {@code delivery.timeout.ms}
     * expires them. This method returns only once {@code describeTopics} shows a leader for every
     * partition, so that records written right after it are accepted at once.
     *
     * @throws IllegalStateException if the topic exists already, the broker refuses it, or a
     *     partition has no leader within the admin timeout (the message names the partitions)
     */
    public void createTopic(String name, int partitions) {
        try (Admin admin = Admin.create(adminProperties())) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1)))
                    .all()
                    .get(adminTimeout.toMillis(), TimeUnit.MILLISECONDS);
            awaitLeaders(admin, name, partitions);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException(
                    "Could not create topic '" + name + "' with " + partitions + " partitions on " + bootstrapServers
                            + ": " + Errors.rootMessage(e),
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating topic '" + name + "'.", e);
        }
    }

    /** Stops the broker and deletes its log directory. Calling it again does nothing. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        RuntimeException failure = null;
        try {
            server.shutdown();
            server.awaitShutdown();
        } catch (RuntimeException e) {
            failure = e;
        }
        try {
            LogDir.delete(logDir);
        } catch (UncheckedIOException e) {
            if (failure == null) {
                failure = e;
            } else {
                failure.addSuppressed(e);
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private void awaitReady(Duration timeout) {
        ReadinessProbe.await(adminProperties(), bootstrapServers, timeout);
    }

    private static void stopQuietly(KafkaRaftServer server, Throwable cause) {
        if (server == null) {
            return;
        }
        try {
            server.shutdown();
            server.awaitShutdown();
        } catch (RuntimeException e) {
            cause.addSuppressed(e);
        }
    }

    /**
     * Configures and starts an {@link EmbeddedKafka}. Defaults: automatic topic creation off,
     * 30 s to become ready, 30 s for admin requests.
     */
    public static final class Builder {
        private final Map<String, String> brokerProperties = new LinkedHashMap<>();
        private final Map<String, String> clientProperties = new LinkedHashMap<>();
        private boolean autoCreateTopics;
        private Duration startupTimeout = Duration.ofSeconds(30);
        private Duration adminTimeout = Duration.ofSeconds(30);

        private Builder() {}

        /**
         * Sets a broker property. It overrides the embedded defaults; listener ports and the log
         * directory cannot be overridden.
         */
        public Builder brokerProperty(String key, String value) {
            brokerProperties.put(key, value);
            return this;
        }

        /** Sets several broker properties; see {@link #brokerProperty}. */
        public Builder brokerProperties(Map<String, String> properties) {
            brokerProperties.putAll(properties);
            return this;
        }

        /** Sets a property that every client of this broker needs, such as a trust store. */
        public Builder clientProperty(String key, String value) {
            clientProperties.put(key, value);
            return this;
        }

        /** Whether the broker creates topics on first use ({@code auto.create.topics.enable}). */
        public Builder autoCreateTopics(boolean enabled) {
            this.autoCreateTopics = enabled;
            return this;
        }

        /** How long {@link #start()} waits for the broker to answer before it gives up. */
        public Builder startupTimeout(Duration timeout) {
            this.startupTimeout = timeout;
            return this;
        }

        /** Request timeout of the admin clients made from {@link #adminProperties()}. */
        public Builder adminTimeout(Duration timeout) {
            this.adminTimeout = timeout;
            return this;
        }

        /**
         * Formats storage, starts the broker and waits until it is ready.
         *
         * @throws IllegalArgumentException if a setting is invalid
         * @throws IllegalStateException if the broker does not become ready in time
         */
        public EmbeddedKafka start() {
            sanityCheck();
            return EmbeddedKafka.launch(this);
        }

        Map<String, String> extraBrokerProperties() {
            return brokerProperties;
        }

        boolean autoCreateTopics() {
            return autoCreateTopics;
        }

        private void sanityCheck() {
            requirePositive(startupTimeout, "startupTimeout");
            requirePositive(adminTimeout, "adminTimeout");
            for (String reserved : BrokerSettings.RESERVED_KEYS) {
                if (brokerProperties.containsKey(reserved)) {
                    throw new IllegalArgumentException(
                            "The broker property '" + reserved + "' is managed by EmbeddedKafka and cannot be "
                                    + "overridden; remove it from the builder.");
                }
            }
            brokerProperties.forEach((k, v) -> {
                if (v == null) {
                    throw new IllegalArgumentException("The broker property '" + k + "' has no value.");
                }
            });
        }

        private static void requirePositive(Duration d, String name) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("The " + name + " must be a positive duration, but was " + d + ".");
            }
        }
    }

    /**
     * Waits until {@code describeTopics} shows {@code name} with {@code partitions} partitions, each
     * with a leader. Until the broker's metadata cache has the topic, it answers "unknown topic";
     * that and any other retriable error is retried until the admin timeout.
     */
    private void awaitLeaders(Admin admin, String name, int partitions) throws InterruptedException {
        long deadline = System.nanoTime() + adminTimeout.toNanos();
        String lastState = "not described yet";
        while (true) {
            long remainingMs = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (remainingMs <= 0) {
                throw new IllegalStateException("The new topic '" + name + "' on " + bootstrapServers
                        + " did not have a leader for each of its " + partitions + " partitions within "
                        + adminTimeout.toMillis() + " ms of creating it (the adminTimeout); last state: " + lastState
                        + ".");
            }
            try {
                TopicDescription description = admin.describeTopics(List.of(name))
                        .allTopicNames()
                        .get(Math.min(remainingMs, LEADER_POLL_TIMEOUT_MS), TimeUnit.MILLISECONDS)
                        .get(name);
                List<Integer> leaderless = description.partitions().stream()
                        .filter(p -> p.leader() == null || p.leader().isEmpty())
                        .map(TopicPartitionInfo::partition)
                        .toList();
                if (description.partitions().size() == partitions && leaderless.isEmpty()) {
                    return;
                }
                lastState = description.partitions().size() + " partitions described, without a leader: " + leaderless;
            } catch (ExecutionException | TimeoutException e) {
                lastState = Errors.rootMessage(e);
            }
            Thread.sleep(LEADER_POLL_BACKOFF_MS);
        }
    }
}
