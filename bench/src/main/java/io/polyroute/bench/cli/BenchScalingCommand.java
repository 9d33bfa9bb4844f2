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
package io.polyroute.bench.cli;

import io.polyroute.bench.CompareBench;
import io.polyroute.bench.ScalingBench;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code polyroute bench scaling}: dense against sparse as the expert count grows, and batching sweeps. */
@Command(
        name = "scaling",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Dense against sparse as the expert count grows, and the expert batching sweeps.",
            "",
            "Heavy experts (H=4096, D=32, k=2) with E in {8, 16, 32, 64}: throughput of dense-batched",
            "against polyroute-fused and polyroute-expert-parallel on the same input per E; then sweeps of",
            "the expert operator's batch size and max delay (throughput, and latency at one offered load);",
            "then the wide workload: heavy E=64, 4 gate/combine/fused subtasks per expert slot, fixed",
            "batches of 512, expert-parallel against fused on the same input (ep_vs_fused_wide=).",
            "Prints tables, writes JSON and PNG charts."
        })
final class BenchScalingCommand implements Callable<Integer> {
    @Option(names = "--quick", description = "Fewer records and sweep points; finishes in a few minutes.")
    boolean quick;

    @Option(
            names = "--records",
            defaultValue = "0",
            description = "Input records per expert count (default: 80,000; with --quick 20,000); the wide"
                    + " workload drains twice as many.")
    long records;

    @Option(
            names = "--workers",
            defaultValue = "0",
            description = "Baseline consumer threads and job parallelism (default: the number of cores).")
    int workers;

    @Option(
            names = "--experts",
            split = ",",
            paramLabel = "E",
            description = "Expert counts to measure (comma-separated; default: 8,16,32,64).")
    List<Integer> experts = new ArrayList<>();

    @Option(names = "--no-sweep", description = "Skip the batching sweep.")
    boolean noSweep;

    @Option(names = "--no-wide", description = "Skip the wide workload (expert-parallel against fused, E=64).")
    boolean noWide;

    @Option(
            names = "--wide-batch",
            defaultValue = "0",
            paramLabel = "ROWS",
            description = "Fixed gate and fused batch of the wide workload (default: 512).")
    int wideBatch;

    @Option(names = "--wide-only", description = "Run only the wide workload (no expert counts, no sweep).")
    boolean wideOnly;

    @Option(
            names = "--results",
            defaultValue = "bench-results",
            paramLabel = "DIR",
            description = "Where JSON, charts and the cached bundles go (default: ${DEFAULT-VALUE}).")
    Path results;

    @Option(
            names = {"-s", "--set"},
            paramLabel = "KEY=VALUE",
            description = "Job option for the Polyroute runs (repeatable).")
    List<String> sets = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        int w = workers > 0 ? workers : Math.max(2, Runtime.getRuntime().availableProcessors());
        if (wideOnly && noWide) {
            throw new picocli.CommandLine.ParameterException(
                    new picocli.CommandLine(this), "--wide-only and --no-wide exclude each other.");
        }
        List<Integer> counts = wideOnly ? List.of() : experts.isEmpty() ? ScalingBench.EXPERTS : List.copyOf(experts);
        ScalingBench.run(
                new ScalingBench.Options(
                        quick,
                        results,
                        w,
                        CompareBench.jobOptions(sets),
                        records,
                        counts,
                        !noSweep && !wideOnly,
                        !noWide,
                        wideBatch),
                System.out);
        return 0;
    }
}
