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

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
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
     * class. Admin-client threads are not watched: flink-connector-kafka 5.0.0-2.2's exactly-once
     * writer creates an admin client for the pooled transactional ids and never closes it
     * ({@code ExactlyOnceKafkaWriter.close()} leaves its {@code adminClient} open), one per sink
     * subtask and job start, which no test can avoid.
     */
    static final List<String> WATCHED = List.of(
            "kafka-producer-network-thread",
            "kafka-coordinator-heartbeat-thread",
            "Source Data Fetcher",
            "Kafka Fetcher");

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
        if (!leaked.isEmpty()) {
            throw new AssertionError(context.getDisplayName() + " left " + leaked.size()
                    + " Kafka client or Flink source threads running " + GRACE_MILLIS / 1000
                    + " s after it ended; close every producer, consumer and admin client, and cancel every job"
                    + " it started: "
                    + leaked.stream().map(t -> "'" + t.getName() + "'").sorted().collect(Collectors.joining(", ")));
        }
    }

    /** Watched threads alive now that were not alive before the class. */
    static List<Thread> leaked(Set<Long> before) {
        List<Thread> out = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.isAlive()
                    && (before == null || !before.contains(t.getId()))
                    && WATCHED.stream().anyMatch(p -> t.getName().startsWith(p))) {
                out.add(t);
            }
        }
        return out;
    }
}
