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

/**
 * One observation of a running job.
 *
 * @param millis wall-clock time of the observation
 * @param committed committed predictions read so far (duplicates included)
 * @param restarts the job's restart count, or -1 when the JobManager did not answer
 * @param heapUsed the largest TaskManager heap in use, in bytes, or -1 when not sampled
 * @param lag records of the input topic not yet committed by the job's consumer group, or -1
 * @param restartingAt when the job last entered RESTARTING by the JobManager's clock (Flink REST
 *     {@code timestamps.RESTARTING} of {@code /jobs/<id>}), 0 when it never did, -1 when unknown
 */
record Sample(long millis, long committed, long restarts, long heapUsed, long lag, long restartingAt) {
    /** An observation without the JobManager's restart timestamp. */
    Sample(long millis, long committed, long restarts, long heapUsed, long lag) {
        this(millis, committed, restarts, heapUsed, lag, -1);
    }
}
