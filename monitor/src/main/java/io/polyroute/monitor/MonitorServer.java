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

import com.sun.net.httpserver.HttpServer;
import io.polyroute.job.config.MonitorOptions;
import io.polyroute.monitor.http.ApiHandler;
import io.polyroute.monitor.http.MetricsHandler;
import io.polyroute.monitor.http.StaticFiles;
import io.polyroute.monitor.query.MonitorQueries;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The monitor's HTTP server, on the JDK's built-in {@link HttpServer}: the JSON API under
 * {@code /api/} and the live dashboard page at {@code /}, with its charting library served from
 * the jar.
 *
 * <pre>{@code
 * try (MonitorServer server = MonitorServer.start(queries, options)) {
 *     System.out.println("Dashboard at " + server.url());
 * }
 * }</pre>
 */
public final class MonitorServer implements AutoCloseable {

    /** Requests are short reads of local state; a few threads serve many pages. */
    private static final int THREADS = 4;

    private final HttpServer server;
    private final ExecutorService executor;
    private final URI url;

    private MonitorServer(HttpServer server, ExecutorService executor, URI url) {
        this.server = server;
        this.executor = executor;
        this.url = url;
    }

    /**
     * Binds {@link MonitorSettings#httpHost()} and {@link MonitorSettings#httpPort()} (0 for a free
     * port) and starts serving.
     *
     * @throws UncheckedIOException if the address cannot be bound, e.g. the port is taken
     */
    public static MonitorServer start(MonitorQueries queries, MonitorSettings options) {
        InetSocketAddress address = new InetSocketAddress(options.httpHost(), options.httpPort());
        HttpServer server;
        try {
            server = HttpServer.create(address, 0);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "Could not bind the monitor's HTTP server to " + options.httpHost() + ":"
                            + options.httpPort() + " (" + e.getMessage() + "); choose another port with --port or "
                            + MonitorOptions.HTTP_PORT.key() + ".",
                    e);
        }
        ExecutorService executor = Executors.newFixedThreadPool(THREADS, daemonThreads());
        server.setExecutor(executor);
        server.createContext(ApiHandler.PREFIX, new ApiHandler(queries, options));
        server.createContext(MetricsHandler.PATH, new MetricsHandler(queries, options));
        server.createContext("/", new StaticFiles());
        server.start();
        String host = options.httpHost().equals("0.0.0.0") ? "localhost" : options.httpHost();
        URI url = URI.create("http://" + host + ":" + server.getAddress().getPort() + "/");
        return new MonitorServer(server, executor, url);
    }

    /** The address of the dashboard page, e.g. {@code http://localhost:8080/}. */
    public URI url() {
        return url;
    }

    /** The port the server listens on. */
    public int port() {
        return server.getAddress().getPort();
    }

    /**
     * Stops the server and its threads. Requests are short reads, so there is no grace period:
     * on Java 17 a non-zero delay is always waited out in full.
     */
    @Override
    public void close() {
        server.stop(0);
        executor.shutdown();
        try {
            if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    private static ThreadFactory daemonThreads() {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, "polyroute-monitor-http-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
