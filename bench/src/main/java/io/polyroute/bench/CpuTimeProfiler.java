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

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * CPU time of the benchmark threads per operation, next to JMH's wall-clock score.
 *
 * <p>On a shared machine the wall-clock time of a benchmark thread includes the time it waits
 * for a core while other processes run; its CPU time does not. With one ONNX Runtime intra-op
 * thread every model run executes on the calling (benchmark) thread, so the thread's CPU time
 * covers all the work. Use with {@code -prof io.polyroute.bench.CpuTimeProfiler}; the result is
 * reported as {@code ·cpu} in the benchmark's time unit per operation.
 */
public final class CpuTimeProfiler implements InternalProfiler {
    private final ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    private final Map<Long, Long> startCpu = new HashMap<>();

    public CpuTimeProfiler() {
        if (!mx.isThreadCpuTimeSupported()) {
            throw new UnsupportedOperationException("This JVM does not measure thread CPU time.");
        }
        mx.setThreadCpuTimeEnabled(true);
    }

    @Override
    public String getDescription() {
        return "CPU time of the benchmark threads per operation";
    }

    @Override
    public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
        startCpu.clear();
        for (ThreadInfo t : mx.getThreadInfo(mx.getAllThreadIds())) {
            if (t != null && isWorker(t)) {
                startCpu.put(t.getThreadId(), mx.getThreadCpuTime(t.getThreadId()));
            }
        }
    }

    @Override
    public Collection<? extends Result> afterIteration(
            BenchmarkParams benchmarkParams, IterationParams iterationParams, IterationResult result) {
        long nanos = 0;
        for (ThreadInfo t : mx.getThreadInfo(mx.getAllThreadIds())) {
            if (t != null && isWorker(t)) {
                long now = mx.getThreadCpuTime(t.getThreadId());
                // A worker started during this iteration counts from zero.
                nanos += now - startCpu.getOrDefault(t.getThreadId(), 0L);
            }
        }
        long ops = result.getMetadata().getAllOps();
        if (ops <= 0) {
            return List.of();
        }
        TimeUnit unit = benchmarkParams.getTimeUnit();
        double perOp = (double) nanos / TimeUnit.NANOSECONDS.convert(1, unit) / ops;
        return List.of(new ScalarResult("·cpu", perOp, unitLabel(unit) + "/op", AggregationPolicy.AVG));
    }

    private static boolean isWorker(ThreadInfo t) {
        return t.getThreadName().contains("-jmh-worker-");
    }

    private static String unitLabel(TimeUnit unit) {
        switch (unit) {
            case NANOSECONDS:
                return "ns";
            case MICROSECONDS:
                return "us";
            case MILLISECONDS:
                return "ms";
            case SECONDS:
                return "s";
            default:
                return unit.toString();
        }
    }
}
