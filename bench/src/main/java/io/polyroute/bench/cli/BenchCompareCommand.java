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
import io.polyroute.bench.Workload;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code polyroute bench compare}: Polyroute against the baselines on one workload. */
@Command(
        name = "compare",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Polyroute against the baselines users would pick, on one workload.",
            "",
            "Pre-produce N records into an in-process broker, then drain the same topic with each system",
            "one after the other: io-ceiling (consumer -> producer copy), naive (reference.onnx per record),",
            "dense-batched (reference.onnx per poll batch), flink-eos-passthrough (the job's Kafka source,",
            "checkpointing and transactional sink with a byte copy in between: Flink's exactly-once cost),",
            "polyroute-fused and polyroute-expert-parallel",
            "(the Flink job, exactly once), polyroute-sql (ML_PREDICT with the polyroute model provider,",
            "exactly once); plus compute-roofline from the MatMul peak measured in the run.",
            "Each output is checked against reference.onnx on a sample; a second pass measures latency at",
            "50%% of each system's throughput. Prints a table, writes JSON and PNG charts, and ends with",
            "speedup_vs_naive=<x> speedup_vs_dense=<x> vs_eos_passthrough=<x> fraction_of_limit=<x> p99_ms=<x>"
        })
final class BenchCompareCommand implements Callable<Integer> {
    @Option(
            names = "--workload",
            defaultValue = "light",
            description = "light (E=16, H=256) or heavy (E=16, H=4096) (default: ${DEFAULT-VALUE}).")
    String workload;

    @Option(
            names = "--records",
            defaultValue = "0",
            description = "Input records (default: 1,000,000 light / 200,000 heavy; with --quick 100,000 / 40,000).")
    long records;

    @Option(
            names = "--warmup-records",
            defaultValue = "0",
            paramLabel = "N",
            description = "Records each system drains unmeasured before its measured pass (default: a fifth of the "
                    + "input, at most 40,000; with --quick at most 10,000). A longer warm-up shows the systems "
                    + "after the JIT compiler has settled, as in a long-running job; the default is the "
                    + "reference for the published figures.")
    long warmupRecords;

    @Option(names = "--quick", description = "Reduced sizes and windows; finishes in a few minutes.")
    boolean quick;

    @Option(
            names = "--workers",
            defaultValue = "0",
            description = "Baseline consumer threads and job parallelism (default: the number of cores).")
    int workers;

    @Option(names = "--no-latency", description = "Skip the latency pass.")
    boolean noLatency;

    @Option(
            names = "--systems",
            split = ",",
            paramLabel = "NAME",
            description = "Run only these systems (comma-separated; default: all). Ratios need naive, dense-batched "
                    + "and io-ceiling.")
    List<String> systems = new ArrayList<>();

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

    @Option(
            names = "--jfr",
            paramLabel = "DIR",
            description =
                    "Record each system's measured throughput pass with Java Flight Recorder (settings 'profile', execution samples every 2 ms) "
                            + "into DIR/<system>.jfr; the broker and the producer run in the same process, so filter by thread.")
    Path jfr;

    @Override
    public Integer call() throws Exception {
        if (warmupRecords < 0) {
            throw new IllegalArgumentException("--warmup-records must be at least 0, but is " + warmupRecords + ".");
        }
        int w = workers > 0 ? workers : Math.max(2, Runtime.getRuntime().availableProcessors());
        CompareBench.Options o = new CompareBench.Options(
                Workload.named(workload),
                records,
                quick,
                results,
                w,
                CompareBench.jobOptions(sets),
                !noLatency,
                List.copyOf(systems),
                jfr,
                warmupRecords);
        for (String s : systems) {
            if (!CompareBench.systemNames().contains(s)) {
                throw new IllegalArgumentException(
                        "--systems: unknown system '" + s + "'; choose from " + CompareBench.systemNames() + ".");
            }
        }
        CompareBench.run(o, System.out);
        return 0;
    }
}
