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

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Prints a {@link ScalingReport} and writes its JSON and charts. */
final class ScalingOutput {
    private ScalingOutput() {}

    static void publish(ScalingReport r, Path dir, PrintStream out) {
        BenchOutput files = new BenchOutput(dir, "scaling", "heavy");
        Path json = files.writeJson(r);
        int n = r.points().size();
        double[] e = new double[n];
        double[] dense = new double[n];
        double[] fused = new double[n];
        double[] ep = new double[n];
        double[] roof = new double[n];
        for (int i = 0; i < n; i++) {
            ScalingReport.Point p = r.points().get(i);
            e[i] = p.experts();
            dense[i] = p.dense().throughput();
            fused[i] = p.fused().throughput();
            ep[i] = p.expertParallel().throughput();
            roof[i] = p.sparseRoofline();
        }
        List<Path> charts = new ArrayList<>();
        if (n > 0) {
            charts.add(BenchCharts.lines(
                    String.format(
                            Locale.ROOT,
                            "Scaling with the expert count, heavy experts, k=2 (load avg %.1f)",
                            r.machineAtStart().load1()),
                    "experts E",
                    "records/s",
                    true,
                    List.of("dense-batched", "polyroute-fused", "polyroute-expert-parallel", "sparse compute roofline"),
                    e,
                    List.of(dense, fused, ep, roof),
                    files.file("scaling.png")));
        }
        if (!r.sweep().isEmpty()) {
            charts.add(sweepChart(r, files));
        }
        out.println();
        if (n > 0) {
            out.println("Throughput by expert count (heavy experts, H=" + Workload.HEAVY.hidden()
                    + ", k=2; * = dense-batched " + "drained part of the input within its time budget):");
            out.print(r.scalingTable().render());
            out.println();
        }
        if (!r.sweep().isEmpty()) {
            out.println(
                    "Expert operator batching (expert-parallel, heavy E=16); latency at the same offered load for all:");
            out.print(r.sweepTable().render());
            out.println();
        }
        ScalingReport.WidePoint w = r.wide();
        if (w != null) {
            out.println(String.format(
                    Locale.ROOT,
                    "Wide workload (heavy experts, E=%d, k=2; job.parallelism=%d GATE/COMBINE/FUSED subtasks, "
                            + "job.slots=%d EXPERT slots; a full fixed fused batch runs each expert on %.0f rows):",
                    w.experts(),
                    w.parallelism(),
                    w.slots(),
                    w.fusedRowsPerExpertCall()));
            out.print(r.wideTable().render());
            out.println();
        }
        out.println(String.format(
                Locale.ROOT,
                "MatMul peak %.1f GFLOP/s; machine: %s; load average at end %.1f / %.1f / %.1f",
                r.matmulGflops(),
                r.machineAtStart().summary(),
                r.machineAtEnd().load1(),
                r.machineAtEnd().load5(),
                r.machineAtEnd().load15()));
        out.println("results: " + json + ", charts: " + charts);
        for (ScalingReport.Point p : r.points()) {
            out.print(String.format(Locale.ROOT, "speedup_vs_dense_e%d=%.2f ", p.experts(), p.speedupVsDense()));
        }
        if (w != null) {
            out.print(String.format(
                    Locale.ROOT,
                    "ep_vs_fused_wide=%.2f ep_vs_fused_adaptive_wide=%.2f ep_adaptive_vs_fused_adaptive_wide=%.2f ",
                    w.epVsFused(),
                    w.epVsFusedAdaptive(),
                    w.epAdaptiveVsFusedAdaptive()));
        }
        out.println();
    }

    private static Path sweepChart(ScalingReport r, BenchOutput files) {
        List<ScalingReport.SweepPoint> sizes = r.sweep().stream()
                .filter(p -> p.maxDelayMs() == ScalingBench.DEFAULT_DELAY_MS)
                .sorted(java.util.Comparator.comparingInt(ScalingReport.SweepPoint::batchSize))
                .toList();
        double[] x = new double[sizes.size()];
        double[] tput = new double[sizes.size()];
        double[] p99 = new double[sizes.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = sizes.get(i).batchSize();
            tput[i] = sizes.get(i).result().throughput();
            LatencyPass.Result l = sizes.get(i).result().latency();
            p99[i] = l == null ? 0 : l.sinkP99();
        }
        return BenchCharts.lines(
                "Expert batch size (expert-parallel, heavy E=16, max delay " + ScalingBench.DEFAULT_DELAY_MS + " ms)",
                "batching.expert.size",
                "records/s | p99 ms",
                true,
                List.of("records/s", "p99 to sink, ms"),
                x,
                List.of(tput, p99),
                files.file("batch-sweep.png"));
    }
}
