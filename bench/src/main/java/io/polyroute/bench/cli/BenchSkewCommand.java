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

import io.polyroute.bench.skew.SkewBench;
import io.polyroute.bench.skew.SkewBenchSettings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code polyroute bench skew}: static placement against online rebalancing on a skewed, drifting input. */
@Command(
        name = "skew",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Run the job on the in-process broker over a skewed input whose hot set moves half-way (a Zipf",
            "popularity over 16 experts, hot experts on one slot of the static placement, then on another),",
            "first with the static placement and then with rebalancing, on the same pre-produced records,",
            "then once more in the fused mode, so the table says whether expert-parallel wins here.",
            "Each slot runs ONNX Runtime on one intra-op thread, so a slot is bound by one core; the experts",
            "are deep MLPs (64 -> 2048 x 4 -> 16) whose activations stay in cache, so that slots do not slow",
            "each other down through shared memory bandwidth. Each expert's share of the visits follows the",
            "Zipf popularity. Without --records the input is sized by a short calibration run for about",
            "--duration seconds. Ends with",
            "imbalance_static=<x> imbalance_rebalanced=<x> throughput_gain=<x> plan_changes=<n>",
            "sessions_moved=<n> reaction_windows=<n> ep_vs_fused=<x> mismatches=<n>",
            "(imbalance: max / mean slot service time over the converged windows after the drift, from the",
            "load topic; reaction_windows: load windows from the drift to the first plan after it, 1 when the",
            "plan came from the drift window itself; ep_vs_fused: the rebalanced expert-parallel run's",
            "throughput over a third run of the same input in the fused mode). Exits 1 if a record is missing, duplicated or differs",
            "from reference.onnx."
        })
final class BenchSkewCommand implements Callable<Integer> {
    @Option(
            names = "--duration",
            paramLabel = "SECONDS",
            description = "Target length of the rebalanced run " + "(default: 60, 20 with --quick).")
    Long duration;

    @Option(names = "--slots", paramLabel = "N", description = "Expert slots (default: the machine's cores).")
    Integer slots;

    @Option(
            names = "--quick",
            description = "Two hidden layers instead of four, a 20 s target and a smaller reference "
                    + "sample: about two minutes, a smoke run (its phases are too short for the figures to settle).")
    boolean quick;

    @Option(names = "--experts", defaultValue = "16", description = "Experts (default: ${DEFAULT-VALUE}).")
    int experts;

    @Option(names = "--input-dim", defaultValue = "64", description = "Record width (default: ${DEFAULT-VALUE}).")
    int inputDim;

    @Option(names = "--hidden", paramLabel = "H", description = "Hidden width of each expert (default: 2048).")
    Integer hidden;

    @Option(
            names = "--hidden-layers",
            paramLabel = "L",
            description = "Hidden layers of each expert, all --hidden " + "wide (default: 4, 2 with --quick).")
    Integer hiddenLayers;

    @Option(
            names = "--output-dim",
            defaultValue = "16",
            description = "Expert output width (default: ${DEFAULT-VALUE}).")
    int outputDim;

    @Option(
            names = "--zipf",
            defaultValue = "1.2",
            description = "Zipf exponent of the expert popularity " + "(default: ${DEFAULT-VALUE}).")
    double zipf;

    @Option(
            names = "--records",
            defaultValue = "0",
            description = "Input records over both phases; 0 sizes them "
                    + "from a calibration run (default: ${DEFAULT-VALUE}).")
    long records;

    @Option(
            names = "--window",
            paramLabel = "MS",
            defaultValue = "1000",
            description = "rebalance.window in " + "milliseconds (default: ${DEFAULT-VALUE}).")
    long windowMillis;

    @Option(
            names = "--sample",
            paramLabel = "N",
            description = "Records per run checked against reference.onnx " + "(default: 2000, 500 with --quick).")
    Integer sample;

    @Option(
            names = "--seed",
            defaultValue = "7",
            description = "Seed of the bundle and the input (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--bundle",
            paramLabel = "DIR",
            description = "Build the bundle in a subfolder of DIR named by its "
                    + "shape and seed, and reuse it on later runs with the same ones (default: a temporary folder).")
    Path bundle;

    @Option(
            names = {"-s", "--set"},
            paramLabel = "KEY=VALUE",
            description = "Override a job option of both runs " + "(see 'polyroute run --help').")
    List<String> sets = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        SkewBenchSettings settings = new SkewBenchSettings(
                duration != null ? duration : quick ? 20 : 60,
                slots != null ? slots : Runtime.getRuntime().availableProcessors(),
                quick,
                experts,
                inputDim,
                hidden != null ? hidden : 2048,
                hiddenLayers != null ? hiddenLayers : quick ? 2 : 4,
                outputDim,
                zipf,
                records,
                windowMillis,
                sample != null ? sample : quick ? 500 : 2000,
                seed,
                bundle,
                sets);
        return new SkewBench(settings, System.out).run();
    }
}
