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
package io.polyroute.testing;

import java.io.File;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class that leaves Kafka clients or Flink source threads running after it, as
 * flink-connector-kafka checks for leaked producers after its tests. A leaked client keeps
 * reconnecting to a broker that is gone; in the same surefire fork, the next class's broker may
 * reuse its port and a later class then shares the machine's two cores with threads nobody owns.
 *
 * <p>Register it before the broker and the MiniCluster, so that its {@code afterAll} runs after
 * theirs (JUnit runs them in reverse order):
 *
 * <pre>{@code
 * @ExtendWith(LeakCheckExtension.class)
 * class SomeITCase {
 *     @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
 * }
 * }</pre>
 *
 * Only threads that started during the class count; threads alive before it (a shared pool of an
 * earlier class that the JVM keeps) are not this class's. Threads get a grace period to finish
 * closing.
 */
public final class LeakCheckExtension implements BeforeAllCallback, AfterAllCallback {
    /**
     * Name prefixes of threads that belong to a client or a running job and must be gone after a
     * class.
     */
    static final List<String> WATCHED = List.of(
            "kafka-producer-network-thread",
            "kafka-admin-client-thread",
            "kafka-coordinator-heartbeat-thread",
            "Source Data Fetcher",
            "Kafka Fetcher");

    /**
     * Admin-client threads started inside a Flink task are not this class's to close:
     * flink-connector-kafka 5.0.0-2.2's exactly-once writer creates an admin client for the pooled
     * transactional ids and never closes it ({@code ExactlyOnceKafkaWriter.close()} leaves its
     * {@code adminClient} open), one per sink subtask and job start. Such a thread inherits the
     * task's context class loader, a Flink user-code class loader; an admin client a test opens
     * has the application class loader and is watched like any other client.
     */
    private static final String ADMIN_CLIENT = "kafka-admin-client-thread";

    /**
     * System property that turns on a resource report after each class, e.g. {@code mvn test
     * -Dpolyroute.leakcheck.report=true}; see {@link #report}.
     */
    public static final String REPORT_PROPERTY = "polyroute.leakcheck.report";

    private static final long GRACE_MILLIS = 30_000;
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(LeakCheckExtension.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        Set<Long> before = new HashSet<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            before.add(t.getId());
        }
        context.getStore(NS).put("before", before);
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        @SuppressWarnings("unchecked")
        Set<Long> before = (Set<Long>) context.getStore(NS).get("before");
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(GRACE_MILLIS);
        List<Thread> leaked = leaked(before);
        while (!leaked.isEmpty() && System.nanoTime() < deadline) {
            for (Thread t : leaked) {
                t.join(200);
            }
            leaked = leaked(before);
        }
        if (Boolean.getBoolean(REPORT_PROPERTY)) {
            report(context, before);
        }
        if (!leaked.isEmpty()) {
            throw new AssertionError(context.getDisplayName() + " left " + leaked.size()
                    + " Kafka client or Flink source threads running " + GRACE_MILLIS / 1000
                    + " s after it ended; close every producer, consumer and admin client, and cancel every job"
                    + " it started: "
                    + leaked.stream().map(t -> "'" + t.getName() + "'").sorted().collect(Collectors.joining(", ")));
        }
    }

    /**
     * Prints one line per class to standard error: the JVM's live threads, heap in use after a GC,
     * open file descriptors and the threads the class started that are still alive (by name, digits
     * folded, with their context class loader), to see what a long surefire fork accumulates.
     */
    private static void report(ExtensionContext context, Set<Long> before) {
        Map<String, Long> left = new TreeMap<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.isAlive() && !before.contains(t.getId())) {
                String name = t.getName().replaceAll("[0-9]+", "N");
                ClassLoader cl = t.getContextClassLoader();
                left.merge(name + " cl=" + (cl == null ? "null" : cl.getClass().getSimpleName()), 1L, Long::sum);
            }
        }
        Runtime rt = Runtime.getRuntime();
        System.gc();
        String[] fds = new File("/proc/self/fd").list();
        System.err.println("leak-check report: " + context.getDisplayName() + " threads="
                + Thread.getAllStackTraces().size() + " heapUsedMB=" + (rt.totalMemory() - rt.freeMemory()) / 1048576
                + " fds=" + (fds == null ? -1 : fds.length) + " newThreads=" + left);
    }

    /** Whether {@code t} was started by code loaded through a Flink user-code class loader (a task). */
    static boolean startedInFlinkTask(Thread t) {
        ClassLoader cl = t.getContextClassLoader();
        if (cl == null) {
            return false;
        }
        String name = cl.getClass().getName();
        return name.startsWith("org.apache.flink.") && name.contains("ClassLoader");
    }

    /** Watched threads alive now that were not alive before the class. */
    static List<Thread> leaked(Set<Long> before) {
        List<Thread> out = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.isAlive()
                    && (before == null || !before.contains(t.getId()))
                    && WATCHED.stream().anyMatch(p -> t.getName().startsWith(p))
                    && !(t.getName().startsWith(ADMIN_CLIENT) && startedInFlinkTask(t))) {
                out.add(t);
            }
        }
        return out;
    }
}
