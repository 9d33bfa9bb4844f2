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

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Waits for a condition by polling it until a deadline, for tests that wait on a running job.
 *
 * <pre>{@code
 * Poll.until(Duration.ofSeconds(60), "the job to reach RUNNING",
 *         () -> client.getJobStatus().get() == JobStatus.RUNNING);
 * }</pre>
 */
public final class Poll {
    private static final long INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    /** A condition that may throw while it is checked. */
    @FunctionalInterface
    public interface Condition {
        boolean holds() throws Exception;
    }

    private Poll() {}

    /**
     * Returns as soon as {@code condition} holds.
     *
     * @throws AssertionError naming {@code what} if it still does not hold after {@code timeout}
     */
    public static void until(Duration timeout, String what, Condition condition) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.holds()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Waited " + timeout.toMillis() + " ms for " + what + ", in vain.");
            }
            LockSupport.parkNanos(INTERVAL_NANOS);
        }
    }
}
