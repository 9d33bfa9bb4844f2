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

import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/** Waits until a broker answers {@code describeCluster} with at least one node. */
final class ReadinessProbe {

    private static final long ATTEMPT_TIMEOUT_MS = 2_000;

    private ReadinessProbe() {}

    /**
     * Polls the broker until it answers or the timeout runs out.
     *
     * @throws IllegalStateException naming the address, the timeout and the last error
     */
    static void await(Properties adminProperties, String bootstrapServers, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Throwable lastError = null;
        try (Admin admin = Admin.create(adminProperties)) {
            while (System.nanoTime() < deadline) {
                long remainingMs = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
                int attemptMs = (int) Math.min(ATTEMPT_TIMEOUT_MS, remainingMs);
                try {
                    if (!admin.describeCluster(new DescribeClusterOptions().timeoutMs(attemptMs))
                            .nodes()
                            .get(attemptMs, TimeUnit.MILLISECONDS)
                            .isEmpty()) {
                        return;
                    }
                } catch (ExecutionException | TimeoutException e) {
                    // Not up yet: the admin client retries the connection on the next attempt.
                    lastError = e;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(
                    "Interrupted while waiting for the embedded broker at " + bootstrapServers + ".", e);
        }
        throw new IllegalStateException(
                "The embedded Kafka broker at " + bootstrapServers + " did not answer describeCluster within "
                        + timeout.toMillis() + " ms"
                        + (lastError == null ? "." : "; last error: " + Errors.rootMessage(lastError)),
                lastError);
    }
}
