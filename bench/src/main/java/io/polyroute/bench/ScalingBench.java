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
import io.polyroute.job.config.BatchingOptions;
import io.polyroute.job.config.JobMode;
import io.polyroute.runtime.bundle.ModelBundle;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * {@code polyroute bench scaling}: heavy experts with E ∈ {8, 16, 32, 64} (k = 2), throughput of
 * {@code dense-batched} against both Polyroute modes on the same input per E; then sweeps of the
 * expert operator's batch size and maximum delay (throughput, and latency at a fixed offered load);
 * then the wide workload, where expert-parallel should win: heavy E = 64 with {@value #WIDE_FAN_IN}
 * gate subtasks per expert slot and fixed batches of {@value #WIDE_BATCH}, both modes on the same input.
 */
public final class ScalingBench {
    public static final List<Integer> EXPERTS = List.of(8, 16, 32, 64);
    /** The job's defaults of batching.expert.size and batching.expert.max-delay. */
    static final int DEFAULT_SIZE = BatchingOptions.EXPERT_SIZE.defaultValue();

    static final long DEFAULT_DELAY_MS =
            BatchingOptions.EXPERT_MAX_DELAY.defaultValue().toMillis();

    /** Experts of the wide workload. */
    static final int WIDE_EXPERTS = 64;
    /** GATE, COMBINE and FUSED subtasks per expert slot in the wide workload. */
    static final int WIDE_FAN_IN = 4;
    /** Fixed gate and fused batch of the wide workload (batching.gate.size = batching.gate.max-size). */
    static final int WIDE_BATCH = 512;

    /**
     * Options of one scaling run.
     *
     * @param quick reduced sizes and sweep points
     * @param resultsDir where JSON, charts and cached bundles go
     * @param workers baseline threads and job parallelism
     * @param jobOptions extra job options of every Polyroute run
     * @param records input records per expert count (0: default)
     * @param experts expert counts to measure (empty: none)
     * @param sweep whether to run the batching sweep
     * @param wide whether to run the wide workload (expert-parallel against fused, E = 64, fan-in)
     * @param wideBatch fixed gate and fused batch of the wide workload (0: {@value #WIDE_BATCH})
     */
    public record Options(
            boolean quick,
            Path resultsDir,
            int workers,
            Map<String, String> jobOptions,
            long records,
            List<Integer> experts,
            boolean sweep,
            boolean wide,
            int wideBatch) {
        long inputRecords() {
            return records > 0 ? records : quick ? 20_000 : 80_000;
        }

        int[] batchSizes() {
            return quick ? new int[] {32, 256, 1024} : new int[] {16, 64, 256, 1024};
        }

        long[] maxDelaysMs() {
            return quick ? new long[] {1, 20} : new long[] {1, 5, 20, 50};
        }

        int wideFixedBatch() {
            return wideBatch > 0 ? wideBatch : WIDE_BATCH;
        }

        /** The wide workload drains twice the records: its jobs spread them over four times the subtasks. */
        long wideRecords() {
            return 2 * inputRecords();
        }

        Duration denseBudget() {
            return Duration.ofSeconds(quick ? 15 : 60);
        }
    }

    private ScalingBench() {}

    public static void run(Options o, PrintStream out) throws Exception {
        ScalingReport r = measure(o, line -> {
            out.println(line);
            out.flush();
        });
        ScalingOutput.publish(r, o.resultsDir(), out);
    }

    static ScalingReport measure(Options o, Consumer<String> progress) throws Exception {
        MachineInfo start = MachineInfo.now();
        progress.accept("bench scaling: heavy experts (H=" + Workload.HEAVY.hidden() + "), E in " + o.experts() + ", "
                + String.format(Locale.ROOT, "%,d", o.inputRecords()) + " records per E; " + start.summary());
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().start();
                ResourceMeter meter = new ResourceMeter()) {
            double gflops = MatMulPeak.measure(Runtime.getRuntime().availableProcessors(), o.quick() ? 2 : 5);
            progress.accept(String.format(
                    Locale.ROOT, "MatMul peak %.1f GFLOP/s (load %.1f)", gflops, ResourceMeter.loadAverage()));
            warmUp(o, kafka, meter, progress);
            List<ScalingReport.Point> points = new ArrayList<>();
            for (int e : o.experts()) {
                points.add(expertCount(o, kafka, meter, Workload.heavyWith(e), gflops, progress));
            }
            List<ScalingReport.SweepPoint> sweep = o.sweep() ? sweep(o, kafka, meter, progress) : List.of();
            ScalingReport.WidePoint wide = o.wide() ? wide(o, kafka, meter, progress) : null;
            return new ScalingReport(
                    o.inputRecords(),
                    o.workers(),
                    o.jobOptions(),
                    start,
                    MachineInfo.now(),
                    gflops,
                    points,
                    sweep,
                    wide);
        }
    }

    /** Each system once on a small heavy input, so the first measured point does not pay for JIT and caches. */
    private static void warmUp(Options o, EmbeddedKafka kafka, ResourceMeter meter, Consumer<String> progress)
            throws Exception {
        ModelBundle bundle = BenchBundles.get(o.resultsDir().resolve("bundles"), Workload.HEAVY, progress);
        BenchContext ctx = new BenchContext(
                kafka.bootstrapServers(), kafka.clientProperties(), bundle, o.workers(), o.jobOptions(), progress);
        SystemRunner runner = new SystemRunner(kafka, meter, ctx);
        String in = runner.newTopic("warmup");
        BenchInput input =
                BenchInput.produce(kafka.clientProperties(), in, o.quick() ? 4_000 : 10_000, bundle, progress);
        for (BenchSystem s : List.of(
                Baselines.denseBatched(),
                new PolyrouteSystem(JobMode.FUSED),
                new PolyrouteSystem(JobMode.EXPERT_PARALLEL))) {
            runner.warmUp(s, in, input, s instanceof PolyrouteSystem ? Duration.ofMinutes(10) : o.denseBudget());
        }
    }

    private static ScalingReport.Point expertCount(
            Options o, EmbeddedKafka kafka, ResourceMeter meter, Workload w, double gflops, Consumer<String> progress)
            throws Exception {
        ModelBundle bundle = BenchBundles.get(o.resultsDir().resolve("bundles"), w, progress);
        BenchContext ctx = new BenchContext(
                kafka.bootstrapServers(), kafka.clientProperties(), bundle, o.workers(), o.jobOptions(), progress);
        SystemRunner runner = new SystemRunner(kafka, meter, ctx);
        String in = runner.newTopic("scaling-e" + w.experts());
        progress.accept("E=" + w.experts() + ":");
        BenchInput input = BenchInput.produce(kafka.clientProperties(), in, o.inputRecords(), bundle, progress);
        SystemResult dense = runner.throughput(Baselines.denseBatched(), in, input, o.denseBudget());
        SystemResult fused = runner.throughput(new PolyrouteSystem(JobMode.FUSED), in, input, Duration.ofMinutes(30));
        SystemResult ep =
                runner.throughput(new PolyrouteSystem(JobMode.EXPERT_PARALLEL), in, input, Duration.ofMinutes(30));
        double roofline = gflops * 1e9 / w.sparseFlopsPerRecord();
        ScalingReport.Point p = new ScalingReport.Point(
                w.experts(), dense, fused, ep, roofline, gflops * 1e9 / w.denseFlopsPerRecord());
        progress.accept(String.format(
                Locale.ROOT, "E=%d: best Polyroute / dense-batched = %.1fx", w.experts(), p.speedupVsDense()));
        return p;
    }

    /**
     * Expert-parallel on heavy E=16: the batch size at the default delay, then the max delay at the
     * default size. Every point's latency is taken at the same offered load: 50% of the throughput
     * with the defaults.
     */
    private static List<ScalingReport.SweepPoint> sweep(
            Options o, EmbeddedKafka kafka, ResourceMeter meter, Consumer<String> progress) throws Exception {
        ModelBundle bundle = BenchBundles.get(o.resultsDir().resolve("bundles"), Workload.HEAVY, progress);
        BenchContext base = new BenchContext(
                kafka.bootstrapServers(), kafka.clientProperties(), bundle, o.workers(), o.jobOptions(), progress);
        SystemRunner runner = new SystemRunner(kafka, meter, base);
        String in = runner.newTopic("sweep");
        progress.accept("sweep of the expert operator's batching (expert-parallel, heavy E=16):");
        BenchInput input = BenchInput.produce(kafka.clientProperties(), in, o.inputRecords(), bundle, progress);
        BenchSystem ep = new PolyrouteSystem(JobMode.EXPERT_PARALLEL);
        List<long[]> settings = new ArrayList<>();
        settings.add(new long[] {DEFAULT_SIZE, DEFAULT_DELAY_MS});
        for (int size : o.batchSizes()) {
            if (size != DEFAULT_SIZE) {
                settings.add(new long[] {size, DEFAULT_DELAY_MS});
            }
        }
        for (long delay : o.maxDelaysMs()) {
            if (delay != DEFAULT_DELAY_MS) {
                settings.add(new long[] {DEFAULT_SIZE, delay});
            }
        }
        List<ScalingReport.SweepPoint> out = new ArrayList<>();
        double offered = 0;
        for (long[] st : settings) {
            Map<String, String> opts =
                    Map.of("batching.expert.size", Long.toString(st[0]), "batching.expert.max-delay", st[1] + " ms");
            progress.accept("expert batch size " + st[0] + ", max delay " + st[1] + " ms:");
            BenchContext c = base.withJobOptions(opts);
            SystemResult t = runner.throughput(ep, c, in, input, Duration.ofMinutes(30));
            if (offered <= 0) {
                offered = CompareBench.LATENCY_LOAD * t.throughput();
            }
            LatencyPass.Result l = runner.latency(ep, c, offered, o.quick() ? 2 : 5, o.quick() ? 5 : 15);
            out.add(new ScalingReport.SweepPoint((int) st[0], st[1], t.withLatency(l)));
        }
        return out;
    }

    /**
     * The wide workload: heavy experts, E = {@value #WIDE_EXPERTS}, {@value #WIDE_FAN_IN} × workers GATE,
     * COMBINE and FUSED subtasks, {@code workers} expert slots, fixed gate and fused batches of
     * {@value #WIDE_BATCH}. A fused subtask runs each expert on about WIDE_BATCH × k / E rows of its own
     * share of the input; an EXPERT slot's queue of an expert collects the rows of every gate subtask.
     * Both modes run with the same options on the same input, then both again with their default,
     * load-following batches.
     */
    private static ScalingReport.WidePoint wide(
            Options o, EmbeddedKafka kafka, ResourceMeter meter, Consumer<String> progress) throws Exception {
        Workload w = Workload.heavyWith(WIDE_EXPERTS);
        ModelBundle bundle = BenchBundles.get(o.resultsDir().resolve("bundles"), w, progress);
        int fanIn = WIDE_FAN_IN * o.workers();
        Map<String, String> subtasks =
                Map.of("job.parallelism", Integer.toString(fanIn), "job.slots", Integer.toString(o.workers()));
        Map<String, String> fixed = new java.util.LinkedHashMap<>(subtasks);
        fixed.put("batching.gate.size", Integer.toString(o.wideFixedBatch()));
        fixed.put("batching.gate.max-size", Integer.toString(o.wideFixedBatch()));
        BenchContext base = new BenchContext(
                kafka.bootstrapServers(), kafka.clientProperties(), bundle, o.workers(), o.jobOptions(), progress);
        SystemRunner runner = new SystemRunner(kafka, meter, base);
        String in = runner.newTopic("wide");
        progress.accept(String.format(
                Locale.ROOT,
                "wide: heavy E=%d, %d gate/combine/fused subtasks, %d expert slots, fixed batches of %d:",
                WIDE_EXPERTS,
                fanIn,
                o.workers(),
                o.wideFixedBatch()));
        BenchInput input = BenchInput.produce(kafka.clientProperties(), in, o.wideRecords(), bundle, progress);
        BenchContext same = base.withJobOptions(fixed);
        SystemResult fused =
                runner.throughput(new PolyrouteSystem(JobMode.FUSED), same, in, input, Duration.ofMinutes(30));
        SystemResult ep = runner.throughput(
                new PolyrouteSystem(JobMode.EXPERT_PARALLEL), same, in, input, Duration.ofMinutes(30));
        SystemResult adaptive = runner.throughput(
                new PolyrouteSystem(JobMode.FUSED), base.withJobOptions(subtasks), in, input, Duration.ofMinutes(30));
        SystemResult epAdaptive = runner.throughput(
                new PolyrouteSystem(JobMode.EXPERT_PARALLEL),
                base.withJobOptions(subtasks),
                in,
                input,
                Duration.ofMinutes(30));
        ScalingReport.WidePoint p = new ScalingReport.WidePoint(
                WIDE_EXPERTS, fanIn, o.workers(), o.wideFixedBatch(), fused, adaptive, ep, epAdaptive);
        progress.accept(String.format(
                Locale.ROOT,
                "wide: expert-parallel / fused = %.2f (same fixed batches), %.2f (expert-parallel fixed, fused "
                        + "load-following), %.2f (both load-following)",
                p.epVsFused(),
                p.epVsFusedAdaptive(),
                p.epAdaptiveVsFusedAdaptive()));
        return p;
    }
}
