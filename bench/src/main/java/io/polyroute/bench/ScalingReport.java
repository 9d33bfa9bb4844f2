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
 * Everything one {@code bench scaling} run measured.
 *
 * @param records input records per expert count
 * @param workers baseline threads and job parallelism
 * @param jobOptions extra job options of the Polyroute runs
 * @param machineAtStart machine and load at the start
 * @param machineAtEnd load at the end
 * @param matmulGflops MatMul peak measured in this run
 * @param points one per expert count
 * @param sweep the batching sweep of the expert operator
 */
record ScalingReport(
        long records,
        int workers,
        Map<String, String> jobOptions,
        MachineInfo machineAtStart,
        MachineInfo machineAtEnd,
        double matmulGflops,
        List<Point> points,
        List<SweepPoint> sweep,
        WidePoint wide) {

    /**
     * One expert count.
     *
     * @param experts E
     * @param dense dense-batched
     * @param fused polyroute-fused
     * @param expertParallel polyroute-expert-parallel
     * @param sparseRoofline records/s if only the gate and k experts ran at the MatMul peak
     * @param denseRoofline records/s if the whole dense reference ran at the MatMul peak
     */
    record Point(
            int experts,
            SystemResult dense,
            SystemResult fused,
            SystemResult expertParallel,
            double sparseRoofline,
            double denseRoofline) {
        double best() {
            return Math.max(fused.throughput(), expertParallel.throughput());
        }

        double speedupVsDense() {
            return dense.throughput() > 0 ? best() / dense.throughput() : Double.NaN;
        }
    }

    /**
     * One batching setting of the expert operator.
     *
     * @param batchSize batching.expert.size
     * @param maxDelayMs batching.expert.max-delay
     * @param result throughput and latency
     */
    record SweepPoint(int batchSize, long maxDelayMs, SystemResult result) {}

    /**
     * The wide workload: both modes on one input, GATE/COMBINE/FUSED parallelism above the expert slots.
     *
     * @param experts E
     * @param parallelism job.parallelism (GATE, COMBINE and FUSED subtasks)
     * @param slots job.slots (EXPERT subtasks)
     * @param batch batching.gate.size = batching.gate.max-size of the fixed-batch runs
     * @param fused polyroute-fused with the fixed batches
     * @param fusedAdaptive polyroute-fused with its default, load-following batches
     * @param expertParallel polyroute-expert-parallel with the fixed batches
     * @param expertParallelAdaptive polyroute-expert-parallel with its default, load-following GATE batches
     */
    record WidePoint(
            int experts,
            int parallelism,
            int slots,
            int batch,
            SystemResult fused,
            SystemResult fusedAdaptive,
            SystemResult expertParallel,
            SystemResult expertParallelAdaptive) {
        double epVsFused() {
            return fused.throughput() > 0 ? expertParallel.throughput() / fused.throughput() : Double.NaN;
        }

        double epVsFusedAdaptive() {
            return fusedAdaptive.throughput() > 0
                    ? expertParallel.throughput() / fusedAdaptive.throughput()
                    : Double.NaN;
        }

        /** Both modes with their default, load-following batches. */
        double epAdaptiveVsFusedAdaptive() {
            return fusedAdaptive.throughput() > 0
                    ? expertParallelAdaptive.throughput() / fusedAdaptive.throughput()
                    : Double.NaN;
        }

        /** Rows per expert call of a full fixed fused batch: batch × k / E. */
        double fusedRowsPerExpertCall() {
            return (double) batch * Workload.TOP_K / experts;
        }
    }

    TextTable wideTable() {
        TextTable t = new TextTable(
                "system", "batches", "records/s", "CPU-s per M", "/ fused", "agrees", "load before / after");
        wideRow(t, wide.fused(), "fixed " + wide.batch());
        wideRow(t, wide.expertParallel(), "fixed " + wide.batch());
        wideRow(t, wide.fusedAdaptive(), "default (load-following)");
        wideRow(t, wide.expertParallelAdaptive(), "default (load-following)");
        return t;
    }

    private void wideRow(TextTable t, SystemResult r, String batches) {
        double fused = wide.fused().throughput();
        t.row(
                r.system(),
                batches,
                fmt("%,.0f", r.throughput()),
                fmt("%.1f", r.cpuSecondsPerMillion()),
                fmt("%.2f", fused > 0 ? r.throughput() / fused : Double.NaN),
                r.agrees() ? "yes" : "NO",
                fmt("%.1f / %.1f", r.loadBefore(), r.loadAfter()));
    }

    TextTable scalingTable() {
        TextTable t = new TextTable(
                "E",
                "dense-batched rec/s",
                "fused rec/s",
                "expert-parallel rec/s",
                "best / dense",
                "sparse roofline",
                "dense roofline",
                "all agree",
                "load");
        for (Point p : points) {
            boolean agree = p.dense().agrees()
                    && p.fused().agrees()
                    && p.expertParallel().agrees();
            t.row(
                    Integer.toString(p.experts()),
                    fmt("%,.0f", p.dense().throughput()) + (p.dense().partial() ? "*" : ""),
                    fmt("%,.0f", p.fused().throughput()),
                    fmt("%,.0f", p.expertParallel().throughput()),
                    fmt("%.1fx", p.speedupVsDense()),
                    fmt("%,.0f", p.sparseRoofline()),
                    fmt("%,.0f", p.denseRoofline()),
                    agree ? "yes" : "NO",
                    fmt("%.1f", p.dense().loadBefore()));
        }
        return t;
    }

    TextTable sweepTable() {
        TextTable t = new TextTable(
                "expert batch",
                "max delay ms",
                "records/s",
                "sink p50/p99 ms",
                "visible p50/p99 ms",
                "offered rec/s",
                "agrees",
                "load");
        for (SweepPoint p : sweep) {
            SystemResult r = p.result();
            LatencyPass.Result l = r.latency();
            t.row(
                    Integer.toString(p.batchSize()),
                    Long.toString(p.maxDelayMs()),
                    fmt("%,.0f", r.throughput()),
                    l == null ? "-" : fmt("%.0f / %.0f", l.sinkP50(), l.sinkP99()),
                    l == null ? "-" : fmt("%.0f / %.0f", l.visibleP50(), l.visibleP99()),
                    l == null ? "-" : fmt("%,.0f", l.offeredRate()),
                    r.agrees() ? "yes" : "NO",
                    fmt("%.1f", r.loadBefore()));
        }
        return t;
    }

    private static String fmt(String f, Object... args) {
        return String.format(Locale.ROOT, f, args);
    }
}
