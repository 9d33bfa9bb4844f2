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
package io.polyroute.monitor;

import io.polyroute.job.config.MonitorOptions;
import io.polyroute.job.config.TopicsOptions;
import io.polyroute.kafka.MissingTopicException;
import io.polyroute.kafka.Topics;
import io.polyroute.monitor.query.MonitorQueries;
import io.polyroute.monitor.query.StoreAccess;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.flink.configuration.ConfigOption;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The monitor: the Kafka Streams application of {@link MonitorTopology} and the
 * {@link MonitorServer} that shows its figures, started and stopped together. Runs as its own
 * process ({@code polyroute monitor}) or inside another, such as the embedded demo.
 *
 * <pre>{@code
 * try (Monitor monitor = new Monitor(options).start()) {
 *     System.out.println("Dashboard at " + monitor.url());
 *     ...
 * }
 * }</pre>
 *
 * <p>{@link #start()} checks that the four topics the monitor reads and the alerts topic it writes
 * ({@code monitor.alerts.topic}, unless {@code monitor.drift.enabled} is off) exist, creating the
 * missing ones when {@code topics.auto-create} is on (the plans topic with one partition). It reads
 * the shadow topic of shadow rollouts ({@code rollout.shadow-topic}) when that exists at start.
 */
public final class Monitor implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Monitor.class);
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private MonitorSettings options;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private KafkaStreams streams;
    private MonitorServer server;
    private boolean closed;

    /** A monitor with the given options; nothing runs before {@link #start()}. */
    public Monitor(MonitorSettings options) {
        this.options = Objects.requireNonNull(options, "options must not be null");
    }

    /**
     * Checks (or creates) the topics, starts the stream application and the HTTP server.
     *
     * @return this monitor
     * @throws MissingTopicException if a topic is missing and automatic creation is off
     * @throws IllegalStateException if the monitor was started or closed before
     */
    public synchronized Monitor start() {
        if (streams != null || closed) {
            throw new IllegalStateException(
                    "A monitor can only be started once. Current state: " + (closed ? "closed" : "running") + ".");
        }
        options = ensureTopics();
        streams = new KafkaStreams(MonitorTopology.build(options), options.streamsProperties());
        streams.setUncaughtExceptionHandler(e -> {
            LOG.error(
                    "The monitor's stream thread failed; the monitor stops aggregating and its page shows the "
                            + "state ERROR.",
                    e);
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        streams.setStateListener((now, before) -> {
            LOG.debug("Monitor streams state {} -> {}.", before, now);
            if (now == KafkaStreams.State.NOT_RUNNING || now == KafkaStreams.State.ERROR) {
                stopped.countDown();
            }
        });
        try {
            streams.start();
            KafkaStreams running = streams;
            MonitorQueries queries = new MonitorQueries(
                    StoreAccess.of(running),
                    Clock.systemUTC(),
                    options,
                    () -> running.state().name());
            server = MonitorServer.start(queries, options);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        LOG.info("Monitor of '{}' running; dashboard at {}", options.predictionsTopic(), server.url());
        return this;
    }

    /**
     * The dashboard's address, e.g. {@code http://localhost:8080/}.
     *
     * @throws IllegalStateException before {@link #start()} and after {@link #close()}
     */
    public synchronized URI url() {
        if (server == null || closed) {
            throw new IllegalStateException("The monitor has an address only while it runs. Current state: "
                    + (closed ? "closed" : "not started") + ".");
        }
        return server.url();
    }

    /** The state of the stream application, or {@code CREATED} before {@link #start()}. */
    public synchronized KafkaStreams.State state() {
        return streams == null ? KafkaStreams.State.CREATED : streams.state();
    }

    /**
     * Blocks until the stream application has stopped, through {@link #close()} or a failure.
     *
     * @return the final state: {@code NOT_RUNNING} after a close, {@code ERROR} after a failure
     * @throws IllegalStateException before {@link #start()}
     */
    public KafkaStreams.State awaitStopped() throws InterruptedException {
        KafkaStreams running;
        synchronized (this) {
            if (streams == null) {
                throw new IllegalStateException("The monitor cannot stop before it starts. Current state: "
                        + (closed ? "closed" : "not started") + ".");
            }
            running = streams;
        }
        stopped.await();
        return running.state();
    }

    /** The options the monitor runs with. */
    public MonitorSettings options() {
        return options;
    }

    /**
     * Stops the HTTP server, then the stream application (committing its last transaction).
     * Calling it again does nothing.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        RuntimeException failure = null;
        if (server != null) {
            try {
                server.close();
            } catch (RuntimeException e) {
                failure = e;
            }
        }
        if (streams != null) {
            try {
                if (!streams.close(CLOSE_TIMEOUT)) {
                    LOG.warn("The monitor's stream application did not stop within {} s.", CLOSE_TIMEOUT.toSeconds());
                }
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** Checks or creates the topics; returns the options with the shadow topic read when it exists. */
    private MonitorSettings ensureTopics() {
        try (Admin admin = Admin.create(options.config().kafkaClientProperties())) {
            List<ConfigOption<String>> topics = new ArrayList<>(
                    List.of(TopicsOptions.OUTPUT, TopicsOptions.LOAD, TopicsOptions.PLANS, TopicsOptions.DLQ));
            if (options.driftEnabled()) {
                topics.add(MonitorOptions.ALERTS_TOPIC);
            }
            Set<String> created = Topics.ensure(admin, options.config(), topics, ADMIN_TIMEOUT);
            if (!created.isEmpty()) {
                LOG.info("Created the topics {} for the monitor.", created);
            }
            boolean shadow = exists(admin, options.shadowTopic());
            if (!shadow && options.shadowEnabled()) {
                LOG.info(
                        "The shadow topic '{}' does not exist (yet): the dashboard shows no shadow agreement until "
                                + "the monitor is restarted after the job has created it.",
                        options.shadowTopic());
            }
            return options.withShadow(shadow);
        }
    }

    private static boolean exists(Admin admin, String topic) {
        try {
            return admin.listTopics()
                    .names()
                    .get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                    .contains(topic);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while listing the topics.", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException(
                    "Cannot list the topics to look for the shadow topic '" + topic + "': " + e.getMessage(), e);
        }
    }
}
