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
package io.polyroute.bench;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.flink.core.execution.JobClient;

/** A Flink job a benchmark system submitted: waits for it to drain, or cancels it. */
final class FlinkJobRun implements BenchSystem.Running {
    private final JobClient client;
    private boolean finished;

    FlinkJobRun(JobClient client) {
        this.client = client;
    }

    @Override
    public boolean awaitDone(Duration budget) throws Exception {
        try {
            client.getJobExecutionResult().get(budget.toMillis(), TimeUnit.MILLISECONDS);
            finished = true;
            return true;
        } catch (TimeoutException e) {
            return false;
        }
    }

    @Override
    public void stop() throws Exception {
        if (finished) {
            return;
        }
        try {
            client.cancel().get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            // The job ended on its own in the meantime; waiting for its result below is enough.
        }
        try {
            client.getJobExecutionResult().get(60, TimeUnit.SECONDS);
        } catch (ExecutionException cancelled) {
            // Expected: a cancelled job's result is a JobCancellationException.
        }
        finished = true;
    }
}
