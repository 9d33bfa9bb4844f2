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

/**
 * One of the systems the benchmark compares. A system serves an input topic into its own output
 * topic: bounded (drain a fixed number of records, for throughput) or until stopped (for the
 * latency pass at a fixed offered load).
 */
interface BenchSystem {
    /** Name in tables, charts and JSON. */
    String name();

    /** What the system writes to its output topic. */
    OutputScan.Kind outputKind();

    /**
     * Starts serving {@code inTopic} into {@code outTopic}.
     *
     * @param records when positive, stop after this many input records (the whole pre-produced
     *     topic); when 0, serve until {@link Running#stop()}
     */
    Running start(BenchContext ctx, String inTopic, String outTopic, long records) throws Exception;

    /** A started system. */
    interface Running {
        /**
         * Waits until a bounded run has consumed all its records.
         *
         * @return false when {@code budget} ran out first (the system is still running)
         */
        boolean awaitDone(Duration budget) throws Exception;

        /** Stops the system and releases everything it holds; waits until it is down. */
        void stop() throws Exception;
    }
}
