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

import io.polyroute.embedded.EmbeddedKafka;
import io.polyroute.job.config.JobMode;
import io.polyroute.runtime.bundle.ModelBundle;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * {@code polyroute bench compare}: pre-produces the workload's records into an in-process broker,
 * drains the same topic with each system one after the other (each into its own output topic),
 * checks every system's output against {@code reference.onnx} on a sample, measures the MatMul
 * peak for the compute roofline, then runs each system again at 50% of its own throughput for
 * latency.
 */
public final class CompareBench {
    /** Share of each system's throughput offered in the latency pass. */
    static final double LATENCY_LOAD = 0.5;

    /**
     * Options of one comparison.
     *
     * @param workload light or heavy
     * @param records input records (0: the workload's default for the mode)
     * @param quick reduced sizes and windows
     * @param resultsDir where JSON, charts and cached bundles go
     * @param workers consumer threads of the baselines and parallelism of the job
     * @param jobOptions extra job options for the Polyroute runs
     * @param latency whether to run the latency pass
     * @param only names of the systems to run; empty runs all
     * @param jfrDir where to write flight recordings of the measured passes; null for none
     * @param warmup records each system drains unmeasured before its pass (0: a fifth of the input,
     *     at most 40,000, or 10,000 with {@code quick})
     */
    public record Options(
            Workload workload,
            long records,
            boolean quick,
            Path resultsDir,
            int workers,
            Map<String, String> jobOptions,
            boolean latency,
            List<String> only,
            Path jfrDir,
            long warmup) {
        long inputRecords() {
            return records > 0 ? records : workload.records(quick);
        }

        Duration baselineBudget() {
            return Duration.ofSeconds(quick ? 25 : 120);
        }

        /** Records each system drains, unmeasured, right before its measured run (JIT, sessions, caches). */
        long warmupRecords() {
            if (warmup > 0) {
                return warmup;
            }
            return Math.max(1, Math.min(inputRecords() / 5, quick ? 10_000 : 40_000));
        }

        double warmupSeconds() {
            return quick ? 2 : 5;
        }

        double measureSeconds() {
            return quick ? 6 : 20;
        }
    }

    private CompareBench() {}

    /** Names of every system, in the order they run. */
    public static List<String> systemNames() {
        return systems().stream().map(BenchSystem::name).toList();
    }

    /** The systems in the order they run. */
    static List<BenchSystem> systems() {
        return List.of(
                Baselines.ioCeiling(),
                Baselines.naive(),
                Baselines.denseBatched(),
                new FlinkPassthroughSystem(),
                new PolyrouteSystem(JobMode.FUSED),
                new PolyrouteSystem(JobMode.EXPERT_PARALLEL),
                new SqlSystem());
    }

    /** Runs the comparison, prints progress, the table and the summary line to {@code out}, writes the files. */
    public static void run(Options o, PrintStream out) throws Exception {
        CompareReport r = measure(o, line -> {
            out.println(line);
            out.flush();
        });
        CompareOutput.publish(r, o.resultsDir(), out);
    }

    static CompareReport measure(Options o, Consumer<String> progress) throws Exception {
        MachineInfo start = MachineInfo.now();
        progress.accept("bench compare: " + o.workload() + ", " + String.format(Locale.ROOT, "%,d", o.inputRecords())
                + " records, " + o.workers() + " workers; " + start.summary());
        ModelBundle bundle = BenchBundles.get(o.resultsDir().resolve("bundles"), o.workload(), progress);
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().start();
                ResourceMeter meter = new ResourceMeter()) {
            BenchContext ctx = new BenchContext(
                    kafka.bootstrapServers(), kafka.clientProperties(), bundle, o.workers(), o.jobOptions(), progress);
            SystemRunner runner = new SystemRunner(kafka, meter, ctx).recordingTo(o.jfrDir());
            String in = runner.newTopic("input");
            BenchInput input = BenchInput.produce(kafka.clientProperties(), in, o.inputRecords(), bundle, progress);
            String warm = runner.newTopic("warmup");
            BenchInput warmInput =
                    BenchInput.produce(kafka.clientProperties(), warm, o.warmupRecords(), bundle, progress);

            double gflops = MatMulPeak.measure(Runtime.getRuntime().availableProcessors(), o.quick() ? 2 : 5);
            double roofline = gflops * 1e9 / o.workload().sparseFlopsPerRecord();
            progress.accept(String.format(
                    Locale.ROOT,
                    "compute-roofline: MatMul peak %.1f GFLOP/s on %d threads; %.0f FLOP per record (gate + %d experts)"
                            + " -> %,.0f records/s (load %.1f)",
                    gflops,
                    Runtime.getRuntime().availableProcessors(),
                    o.workload().sparseFlopsPerRecord(),
                    Workload.TOP_K,
                    roofline,
                    ResourceMeter.loadAverage()));

            List<BenchSystem> systems = systems().stream()
                    .filter(s -> o.only().isEmpty() || o.only().contains(s.name()))
                    .toList();
            List<SystemResult> results = new ArrayList<>();
            for (BenchSystem s : systems) {
                Duration budget =
                        s instanceof PolyrouteSystem || s instanceof SqlSystem || s instanceof FlinkPassthroughSystem
                                ? Duration.ofMinutes(30)
                                : o.baselineBudget();
                runner.warmUp(s, warm, warmInput, budget);
                results.add(runner.throughput(s, in, input, budget));
            }
            if (o.latency()) {
                for (int i = 0; i < systems.size(); i++) {
                    SystemResult r = results.get(i);
                    if (r.throughput() <= 0) {
                        continue;
                    }
                    results.set(
                            i,
                            r.withLatency(runner.latency(
                                    systems.get(i),
                                    ctx,
                                    LATENCY_LOAD * r.throughput(),
                                    o.warmupSeconds(),
                                    o.measureSeconds())));
                }
            }
            return CompareReport.of(o, start, MachineInfo.now(), gflops, roofline, results);
        }
    }

    /** Job options as given on the command line, in order. */
    public static Map<String, String> jobOptions(List<String> sets) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String s : sets) {
            int eq = s.indexOf('=');
            if (eq < 1) {
                throw new IllegalArgumentException("--set expects key=value, but got '" + s + "'.");
            }
            out.put(s.substring(0, eq).trim(), s.substring(eq + 1).trim());
        }
        return out;
    }
}
