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

/**
 * The figures of one system in one run.
 *
 * @param system name
 * @param expected input records offered
 * @param records distinct input records answered in the throughput pass
 * @param partial whether the system ran out of its time budget before draining the input
 * @param throughput records per second over the central 90% of its output times
 * @param cpuSecondsPerMillion process CPU seconds per million records in that window (the whole
 *     JVM: the broker's share is included for every system alike)
 * @param peakRssMib peak resident memory of the whole process during the run, MiB
 * @param checked sampled records compared with {@code reference.onnx}
 * @param maxError largest relative error among them
 * @param mismatches sampled records above the tolerance
 * @param duplicates records answered more than once
 * @param loadBefore 1-minute load average when the system started
 * @param loadAfter 1-minute load average when it ended
 * @param latency the second pass at a fixed offered load, or null
 */
record SystemResult(
        String system,
        long expected,
        long records,
        boolean partial,
        double throughput,
        double cpuSecondsPerMillion,
        double peakRssMib,
        long checked,
        double maxError,
        long mismatches,
        long duplicates,
        double loadBefore,
        double loadAfter,
        LatencyPass.Result latency) {

    /** Whether every check passed: sampled outputs match, nothing duplicated, nothing missing. */
    boolean agrees() {
        return mismatches == 0 && duplicates == 0 && checked > 0 && (partial || records == expected);
    }

    SystemResult withLatency(LatencyPass.Result l) {
        return new SystemResult(
                system,
                expected,
                records,
                partial,
                throughput,
                cpuSecondsPerMillion,
                peakRssMib,
                checked,
                maxError,
                mismatches,
                duplicates,
                loadBefore,
                loadAfter,
                l);
    }
}
