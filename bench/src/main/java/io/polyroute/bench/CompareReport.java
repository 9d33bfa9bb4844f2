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

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Everything one {@code bench compare} run measured, and the summary the last line prints.
 *
 * @param workload the workload
 * @param records input records
 * @param workers baseline threads and job parallelism
 * @param jobOptions extra job options of the Polyroute runs
 * @param machineAtStart machine and load when the run began
 * @param machineAtEnd machine and load when it ended
 * @param matmulGflops MatMul peak measured in this run
 * @param sparseFlopsPerRecord gate plus k experts, per record
 * @param denseFlopsPerRecord gate plus every expert, per record (what {@code reference.onnx} computes)
 * @param rooflineRecordsPerSecond {@code matmulGflops / sparseFlopsPerRecord}
 * @param results every measured system, in run order
 * @param best the Polyroute mode with the higher throughput
 * @param speedupVsNaive best / naive
 * @param speedupVsDense best / dense-batched
 * @param fractionOfPassthrough best / flink-eos-passthrough (what Flink's exactly-once path alone reaches)
 * @param limit min(io-ceiling, compute-roofline)
 * @param fractionOfLimit best / limit
 * @param p99Ms the best mode's p99 latency to the sink at 50% of its throughput
 * @param p99VisibleMs the same record's p99 latency to a read_committed consumer
 */
record CompareReport(
        Workload workload,
        long records,
        int workers,
        Map<String, String> jobOptions,
        MachineInfo machineAtStart,
        MachineInfo machineAtEnd,
        double matmulGflops,
        double sparseFlopsPerRecord,
        double denseFlopsPerRecord,
        double rooflineRecordsPerSecond,
        List<SystemResult> results,
        String best,
        double speedupVsNaive,
        double speedupVsDense,
        double fractionOfPassthrough,
        double limit,
        double fractionOfLimit,
        double p99Ms,
        double p99VisibleMs) {

    static final String ROOFLINE = "compute-roofline";

    static CompareReport of(
            CompareBench.Options o,
            MachineInfo start,
            MachineInfo end,
            double gflops,
            double roofline,
            List<SystemResult> results) {
        SystemResult fused = find(results, PolyrouteSystem.FUSED);
        SystemResult ep = find(results, PolyrouteSystem.EXPERT_PARALLEL);
        SystemResult best = fused == null ? ep : ep == null ? fused : ep.throughput() > fused.throughput() ? ep : fused;
        double b = best == null ? 0 : best.throughput();
        double naive = throughput(results, Baselines.NAIVE);
        double dense = throughput(results, Baselines.DENSE_BATCHED);
        double io = throughput(results, Baselines.IO_CEILING);
        double limit = io > 0 ? Math.min(io, roofline) : roofline;
        double p99 = best == null || best.latency() == null
                ? Double.NaN
                : best.latency().sinkP99();
        double p99v = best == null || best.latency() == null
                ? Double.NaN
                : best.latency().visibleP99();
        return new CompareReport(
                o.workload(),
                o.inputRecords(),
                o.workers(),
                o.jobOptions(),
                start,
                end,
                gflops,
                o.workload().sparseFlopsPerRecord(),
                o.workload().denseFlopsPerRecord(),
                roofline,
                List.copyOf(results),
                best == null ? null : best.system(),
                ratio(b, naive),
                ratio(b, dense),
                ratio(b, throughput(results, FlinkPassthroughSystem.NAME)),
                limit,
                ratio(b, limit),
                p99,
                p99v);
    }

    private static SystemResult find(List<SystemResult> results, String name) {
        return results.stream().filter(r -> r.system().equals(name)).findFirst().orElse(null);
    }

    private static double throughput(List<SystemResult> results, String name) {
        SystemResult r = find(results, name);
        return r == null ? 0 : r.throughput();
    }

    private static double ratio(double a, double b) {
        return b > 0 ? a / b : Double.NaN;
    }

    /** The exact last line of {@code bench compare}. */
    String summaryLine() {
        return String.format(
                Locale.ROOT,
                "speedup_vs_naive=%.2f speedup_vs_dense=%.2f vs_eos_passthrough=%.2f fraction_of_limit=%.3f p99_ms=%.1f",
                speedupVsNaive,
                speedupVsDense,
                fractionOfPassthrough,
                fractionOfLimit,
                p99Ms);
    }

    /** The results table, one line per system plus the roofline. */
    TextTable table() {
        TextTable t = new TextTable(
                "system",
                "records/s",
                "x naive",
                "CPU-s/M rec",
                "peak RSS MiB",
                "checked",
                "max rel err",
                "agrees",
                "sink p50/p99 ms",
                "visible p50/p99 ms",
                "load");
        double naive = throughput(results, Baselines.NAIVE);
        for (SystemResult r : results) {
            LatencyPass.Result l = r.latency();
            t.row(
                    r.system() + (r.partial() ? " (partial)" : ""),
                    fmt("%,.0f", r.throughput()),
                    naive > 0 ? fmt("%.1f", r.throughput() / naive) : "-",
                    fmt("%.1f", r.cpuSecondsPerMillion()),
                    r.peakRssMib() < 0 ? "-" : fmt("%.0f", r.peakRssMib()),
                    fmt("%,d", r.checked()),
                    fmt("%.1e", r.maxError()),
                    r.agrees() ? "yes" : "NO",
                    l == null ? "-" : fmt("%.0f / %.0f", l.sinkP50(), l.sinkP99()),
                    l == null ? "-" : fmt("%.0f / %.0f", l.visibleP50(), l.visibleP99()),
                    fmt("%.1f", r.loadBefore()));
        }
        t.row(
                ROOFLINE,
                fmt("%,.0f", rooflineRecordsPerSecond),
                naive > 0 ? fmt("%.1f", rooflineRecordsPerSecond / naive) : "-",
                "-",
                "-",
                "-",
                "-",
                "-",
                "-",
                "-",
                "-");
        return t;
    }

    /** Lines under the table: what the figures mean. */
    String notes() {
        return String.format(
                Locale.ROOT,
                """
                workload %s; %,d records; %d workers / job parallelism %d
                compute-roofline: MatMul peak %.1f GFLOP/s (this run) / %.0f FLOP per record (gate + %d experts); \
                dense reference: %.0f FLOP per record
                best Polyroute mode: %s; limit = min(io-ceiling, compute-roofline) = %,.0f records/s
                latency pass at %.0f%% of each system's throughput; sink = event time -> handed to the Kafka producer, \
                visible = event time -> received by a read_committed consumer (p99 visible of the best mode: %.0f ms)
                machine: %s (start); load average at end %.1f / %.1f / %.1f""",
                workload,
                records,
                workers,
                workers,
                matmulGflops,
                sparseFlopsPerRecord,
                Workload.TOP_K,
                denseFlopsPerRecord,
                best,
                limit,
                100 * CompareBench.LATENCY_LOAD,
                p99VisibleMs,
                machineAtStart.summary(),
                machineAtEnd.load1(),
                machineAtEnd.load5(),
                machineAtEnd.load15());
    }

    private static String fmt(String f, Object... args) {
        return String.format(Locale.ROOT, f, args);
    }
}
