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
package io.polyroute.bench.skew;

import io.polyroute.avro.SensorReading;
import io.polyroute.embedded.EmbeddedKafka;
import io.polyroute.job.JobLauncher;
import io.polyroute.job.config.JobConfig;
import io.polyroute.job.config.JobConfigLoader;
import io.polyroute.job.config.RebalanceOptions;
import io.polyroute.kafka.ControlTopics;
import io.polyroute.kit.simulate.SkewedInput;
import io.polyroute.kit.synthetic.SyntheticBundleBuilder;
import io.polyroute.runtime.bundle.BundleLoader;
import io.polyroute.runtime.bundle.BundleManifest;
import io.polyroute.runtime.bundle.ModelBundle;
import io.polyroute.runtime.eval.ExpertRuntime;
import io.polyroute.runtime.eval.ReferenceModel;
import io.polyroute.runtime.onnx.RuntimeOptions;
import io.polyroute.runtime.placement.PlanVersion;
import io.polyroute.schemas.AvroCodec;
import io.polyroute.schemas.AvroEncoding;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * {@code polyroute bench skew}: the job on the in-process broker over a skewed input whose hot set
 * moves half-way, first with the static placement and then with rebalancing, on the same
 * pre-produced records. The hot set of each phase is the set of experts one slot of the static
 * round-robin placement holds, ranked by a Zipf popularity; readings are chosen through the
 * bundle's own gate (see {@link SkewedInput}). Ends with one line:
 * {@code imbalance_static=.. imbalance_rebalanced=.. throughput_gain=.. plan_changes=.. sessions_moved=..
 * reaction_windows=.. mismatches=..}.
 */
public final class SkewBench {
    static final double TARGET_IMBALANCE = 1.15;
    static final double TARGET_GAIN = 1.3;
    static final int TARGET_REACTION = 2;
    private static final int TOP_K = 2;
    private static final String EXPERT_PARALLEL = "expert-parallel";
    private static final String FUSED = "fused";
    private static final int CHUNK = 5_000;
    private static final long ACTIVATION_MILLIS = 500;
    /** Share of a run's predictions left out of its rate as start-up (JIT, first checkpoint, sessions). */
    private static final double START_UP = 0.05;
    /** Share left out of the calibration rate: its run is short, so start-up weighs more. */
    private static final double CALIBRATION_START_UP = 0.5;

    private final SkewBenchSettings s;
    private final PrintStream out;
    private final int parallelism;

    public SkewBench(SkewBenchSettings settings, PrintStream out) {
        this.s = settings;
        this.out = out;
        this.parallelism = Math.max(1, settings.slots() / 2);
    }

    /** One run of the job over the input: what came out and what the control topics recorded. */
    record Run(
            String name,
            long records,
            long duplicates,
            double seconds,
            double throughput,
            Map<String, float[]> sampled,
            SkewFigures figures) {}

    /** Runs the benchmark; returns 0 when every record was answered exactly once and equal to the reference. */
    public int run() throws Exception {
        line("machine: %d cores, load average %s", Runtime.getRuntime().availableProcessors(), MachineLoad.now());
        Path dir = s.bundleDir() != null ? s.bundleDir() : Files.createTempDirectory("polyroute-skew-");
        try {
            // The folder names the shape, so that --bundle reuses a bundle only for the same options.
            ModelBundle bundle = bundle(dir.resolve(String.format(
                    Locale.ROOT,
                    "skew-e%d-d%d-h%dx%d-o%d-s%d",
                    s.experts(),
                    s.inputDim(),
                    s.hidden(),
                    s.hiddenLayers(),
                    s.outputDim(),
                    s.seed())));
            line(
                    "bundle: %d experts (MLP %d -> %s -> %d), top-%d; one expert costs %.1f us per record in a batch of 64 "
                            + "on one thread",
                    s.experts(),
                    s.inputDim(),
                    s.hiddenLayers() == 1 ? Integer.toString(s.hidden()) : s.hidden() + " x " + s.hiddenLayers(),
                    s.outputDim(),
                    TOP_K,
                    probe(bundle));
            SkewedInput input = SkewedInput.search(bundle, 40 * s.experts() * s.experts() * 4, s.seed());
            int[] rank1 = SkewedInput.rotation(s.experts(), s.slots(), 0);
            int[] rank2 = SkewedInput.rotation(s.experts(), s.slots(), 1);
            double[] zipf1 = SkewedInput.zipf(s.experts(), s.zipf(), rank1);
            double[] phase1 = input.fit(zipf1);
            double[] phase2 = input.fit(SkewedInput.zipf(s.experts(), s.zipf(), rank2));
            double[] expected = input.expectedShares(phase1);
            line(
                    "popularity: %d expert sets found; expected visit shares phase 1: hottest expert %.1f%% (Zipf %.1f: "
                            + "%.1f%%), the static placement's slot 0 %.1f%% (Zipf: %.1f%%)",
                    input.expertSets(),
                    100 * expected[rank1[0]],
                    s.zipf(),
                    100 * zipf1[rank1[0]],
                    100 * slotShare(expected, 0),
                    100 * slotShare(zipf1, 0));
            try (EmbeddedKafka kafka = EmbeddedKafka.builder().start()) {
                long n = s.records() > 0 ? s.records() : calibrate(kafka, bundle, input);
                Map<String, float[]> sample = new TreeMap<>();
                String in = produce(kafka, input, n, phase1, phase2, sample);
                line(
                        "input: %,d records on %s, phase 1 then phase 2 (%,d each); hot experts phase 1 %s, phase 2 %s "
                                + "(Zipf %.1f, the experts of slot 0 resp. 1 of the static placement first)",
                        n, in, n / 2, head(rank1), head(rank2), s.zipf());
                Run stat = run(
                        kafka,
                        bundle,
                        "static",
                        false,
                        EXPERT_PARALLEL,
                        in,
                        n,
                        sample.keySet(),
                        rank1[0],
                        rank2[0],
                        START_UP);
                Run reb = run(
                        kafka,
                        bundle,
                        "rebalanced",
                        true,
                        EXPERT_PARALLEL,
                        in,
                        n,
                        sample.keySet(),
                        rank1[0],
                        rank2[0],
                        START_UP);
                // The same input through the fused mode (every subtask holds every expert, no shuffle):
                // the table then says whether expert-parallel, rebalanced, wins on this workload.
                Run fused =
                        run(kafka, bundle, "fused", false, FUSED, in, n, sample.keySet(), rank1[0], rank2[0], START_UP);
                long mismatches = mismatches(bundle, sample, stat)
                        + mismatches(bundle, sample, reb)
                        + mismatches(bundle, sample, fused);
                return report(n, stat, reb, fused, mismatches, sample.size());
            }
        } finally {
            if (s.bundleDir() == null) {
                deleteQuietly(dir);
            }
        }
    }

    private int report(long n, Run stat, Run reb, Run fused, long mismatches, int sampled) {
        for (Run r : List.of(stat, reb)) {
            SkewFigures f = r.figures();
            line(
                    "%s: %,d predictions (%d duplicates) in %.1f s, %,.0f records/s after start-up; %d busy windows, drift window %s, "
                            + "hottest expert %.0f%% / %.0f%% of visits; observed imbalance phase 1 %.3f, phase 2 %.3f (%d "
                            + "converged windows, slots busy %s of them, %.1f us per expert visit); %d plans, %d sessions "
                            + "moved, reaction %d windows",
                    r.name(),
                    r.records(),
                    r.duplicates(),
                    r.seconds(),
                    r.throughput(),
                    f.windows(),
                    f.driftWindowStart() < 0 ? "not found" : "found",
                    100 * f.hottestShare()[0],
                    100 * f.hottestShare()[1],
                    f.phase1Imbalance(),
                    f.phase2Imbalance(),
                    f.phase2Windows(),
                    percents(f.phase2Busy()),
                    f.phase2MicrosPerVisit(),
                    f.planChanges(),
                    f.sessionsMoved(),
                    f.reactionWindows());
        }
        line(
                "fused: %,d predictions (%d duplicates) in %.1f s, %,.0f records/s after start-up (every subtask holds "
                        + "every expert; no expert shuffle, no placement)",
                fused.records(), fused.duplicates(), fused.seconds(), fused.throughput());
        double epVsFused = reb.throughput() / fused.throughput();
        line(
                "expert-parallel (rebalanced) / fused = %.3f: %s on this workload",
                epVsFused, epVsFused >= 1 ? "expert-parallel wins" : "fused wins");
        long missing = (n - stat.records()) + (n - reb.records()) + (n - fused.records());
        long duplicates = stat.duplicates() + reb.duplicates() + fused.duplicates();
        double gain = reb.throughput() / stat.throughput();
        SkewFigures fs = stat.figures();
        SkewFigures fr = reb.figures();
        line(
                "exactly once: missing=%d duplicates=%d; reference check on %d records per run",
                missing, duplicates, sampled);
        line(
                "targets: imbalance_rebalanced <= %.2f %s, throughput_gain >= %.1f %s, reaction_windows <= %d %s, "
                        + "mismatches = 0 %s; load average now %s",
                TARGET_IMBALANCE,
                met(fr.phase2Imbalance() <= TARGET_IMBALANCE),
                TARGET_GAIN,
                met(gain >= TARGET_GAIN),
                TARGET_REACTION,
                met(fr.reactionWindows() >= 0 && fr.reactionWindows() <= TARGET_REACTION),
                met(mismatches == 0),
                MachineLoad.now());
        out.printf(
                Locale.ROOT,
                "imbalance_static=%.3f imbalance_rebalanced=%.3f throughput_gain=%.3f plan_changes=%d "
                        + "sessions_moved=%d reaction_windows=%d ep_vs_fused=%.3f mismatches=%d%n",
                fs.phase2Imbalance(),
                fr.phase2Imbalance(),
                gain,
                fr.planChanges(),
                fr.sessionsMoved(),
                fr.reactionWindows(),
                epVsFused,
                mismatches);
        out.flush();
        return missing == 0 && duplicates == 0 && mismatches == 0 ? 0 : 1;
    }

    private ModelBundle bundle(Path dir) throws IOException {
        if (Files.exists(dir.resolve(BundleManifest.FILE_NAME))) {
            line("bundle: reusing %s", dir);
            return BundleLoader.load(dir);
        }
        long t0 = System.nanoTime();
        ModelBundle b = SyntheticBundleBuilder.create()
                .name("skew-moe")
                .experts(s.experts())
                .topK(TOP_K)
                .inputDim(s.inputDim())
                .hidden(s.hidden())
                .hiddenLayers(s.hiddenLayers())
                .outputDim(s.outputDim())
                .seed(s.seed())
                .build(dir);
        line("bundle: built in %s in %.0f s", dir, (System.nanoTime() - t0) / 1e9);
        return b;
    }

    /** Microseconds one expert takes per record in a batch of 64 on one thread. */
    private double probe(ModelBundle bundle) {
        int rows = 64;
        float[] x = new float[rows * bundle.inputDim()];
        Random rnd = new Random(1);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextGaussian();
        }
        try (ExpertRuntime stage = ExpertRuntime.open(bundle, 0, RuntimeOptions.cpu())) {
            for (int i = 0; i < 5; i++) {
                stage.runExpert(0, x, rows);
            }
            long best = Long.MAX_VALUE;
            for (int i = 0; i < 20; i++) {
                long t0 = System.nanoTime();
                stage.runExpert(0, x, rows);
                best = Math.min(best, System.nanoTime() - t0);
            }
            return best / 1e3 / rows;
        }
    }

    /** Records for a rebalanced run of about --duration seconds, from a run over uniformly routed records. */
    private long calibrate(EmbeddedKafka kafka, ModelBundle bundle, SkewedInput input) throws Exception {
        long c = s.quick() ? 30_000 : 60_000;
        double[] uniform = new double[s.experts()];
        java.util.Arrays.fill(uniform, 1.0 / s.experts());
        uniform = input.fit(uniform);
        String in = "skew-calibration-" + shortId();
        kafka.createTopic(in, parallelism);
        send(kafka, in, input, "c", 0, c, uniform, new Random(s.seed() + 1), null);
        Run cal =
                run(kafka, bundle, "calibration", false, EXPERT_PARALLEL, in, c, Set.of(), 0, 1, CALIBRATION_START_UP);
        long n = Math.max(10_000, Math.round(cal.throughput() * s.durationSeconds() / 2) * 2);
        line(
                "calibration: %,d uniformly routed records at %,.0f records/s -> %,d records for about %d s rebalanced",
                c, cal.throughput(), n, s.durationSeconds());
        return n;
    }

    private String produce(
            EmbeddedKafka kafka,
            SkewedInput input,
            long n,
            double[] phase1,
            double[] phase2,
            Map<String, float[]> sample) {
        String in = "skew-input-" + shortId();
        kafka.createTopic(in, parallelism);
        Random rnd = new Random(s.seed() + 2);
        long every = s.sample() == 0 ? Long.MAX_VALUE : Math.max(1, n / s.sample());
        send(kafka, in, input, "a", 0, n / 2, phase1, rnd, (i, r) -> {
            if (i % every == every / 2) {
                sample.put(r.getEventId(), features(r));
            }
        });
        send(kafka, in, input, "b", n / 2, n - n / 2, phase2, rnd, (i, r) -> {
            if (i % every == every / 2) {
                sample.put(r.getEventId(), features(r));
            }
        });
        return in;
    }

    private interface Tap {
        void accept(long index, SensorReading reading);
    }

    private static void send(
            EmbeddedKafka kafka,
            String topic,
            SkewedInput input,
            String prefix,
            long first,
            long n,
            double[] popularity,
            Random rnd,
            Tap tap) {
        Properties p = new Properties();
        p.putAll(kafka.clientProperties());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(256 * 1024));
        AvroCodec<SensorReading> codec = AvroCodec.of(SensorReading.class, AvroEncoding.BINARY);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
            for (long done = 0; done < n; done += CHUNK) {
                int k = (int) Math.min(CHUNK, n - done);
                List<SensorReading> chunk = input.sample(prefix, first + done, k, popularity, rnd);
                for (int i = 0; i < k; i++) {
                    SensorReading r = chunk.get(i);
                    if (tap != null) {
                        tap.accept(first + done + i, r);
                    }
                    producer.send(new ProducerRecord<>(topic, codec.encode(r)));
                }
            }
            producer.flush();
        }
    }

    private Run run(
            EmbeddedKafka kafka,
            ModelBundle bundle,
            String name,
            boolean rebalance,
            String mode,
            String in,
            long n,
            Set<String> sampleIds,
            int hot1,
            int hot2,
            double startUp)
            throws Exception {
        String id = shortId();
        String output = "skew-" + name + "-predictions-" + id;
        String load = "skew-" + name + "-load-" + id;
        String plans = "skew-" + name + "-plans-" + id;
        kafka.createTopic(output, parallelism);
        kafka.createTopic(load, 1);
        kafka.createTopic(plans, 1);
        kafka.createTopic("skew-" + name + "-dlq-" + id, 1);
        Map<String, String> values = new LinkedHashMap<>();
        values.put("kafka.bootstrap-servers", kafka.bootstrapServers());
        values.put("topics.input", in);
        values.put("topics.output", output);
        values.put("topics.dlq", "skew-" + name + "-dlq-" + id);
        values.put("topics.load", load);
        values.put("topics.plans", plans);
        values.put("job.name", "skew-" + name + "-" + id);
        values.put("job.mode", mode);
        values.put("job.slots", Integer.toString(s.slots()));
        values.put("job.parallelism", Integer.toString(parallelism));
        values.put("job.checkpoint-interval", "1 s");
        values.put("runtime.intra-op-threads", "1");
        values.put("rebalance.enabled", Boolean.toString(rebalance));
        values.put("rebalance.window", s.windowMillis() + " ms");
        values.put("rebalance.activation-delay", ACTIVATION_MILLIS + " ms");
        values.put("bundle.path", bundle.root().toString());
        values.putAll(JobConfigLoader.parseOverrides(s.overrides()));
        JobConfig config = JobConfig.of(values);
        line(
                "%s: starting the job (%s, %d slots, parallelism %d)",
                name,
                rebalance ? "rebalancing every " + s.windowMillis() + " ms" : "static round-robin placement",
                s.slots(),
                parallelism);
        JobClient job = JobLauncher.start(JobLauncher.environment(config, null), config, bundle);
        PredictionTracker tracker = new PredictionTracker(kafka.clientProperties(), output, sampleIds);
        Duration limit = Duration.ofSeconds(Math.max(600, 30 * s.durationSeconds()));
        try {
            tracker.awaitAll(n, limit, () -> line("%s: %,d of %,d predictions", name, tracker.distinct(), n));
        } finally {
            job.cancel().get(2, TimeUnit.MINUTES);
        }
        Duration read = Duration.ofSeconds(60);
        List<PlanVersion> planList = ControlTopics.readPlans(kafka.clientProperties(), plans, read);
        SkewFigures figures = SkewFigures.of(
                ControlTopics.readLoads(kafka.clientProperties(), load, -1, read),
                planList,
                s.slots(),
                config.get(RebalanceOptions.WINDOW).toMillis(),
                ACTIVATION_MILLIS,
                hot1,
                hot2,
                (n / 2) * TOP_K);
        return new Run(
                name,
                tracker.distinct(),
                tracker.duplicates(),
                tracker.seconds(),
                tracker.rate(startUp),
                tracker.sampled(),
                figures);
    }

    /** Sampled predictions of {@code run} that differ from reference.onnx by more than its tolerance (missing ones count). */
    private static long mismatches(ModelBundle bundle, Map<String, float[]> sample, Run run) {
        if (sample.isEmpty()) {
            return 0;
        }
        int d = bundle.inputDim();
        int od = bundle.outputDim();
        List<String> ids = List.copyOf(sample.keySet());
        float[] x = new float[ids.size() * d];
        for (int i = 0; i < ids.size(); i++) {
            System.arraycopy(sample.get(ids.get(i)), 0, x, i * d, d);
        }
        long bad = 0;
        try (ReferenceModel ref = ReferenceModel.open(bundle, RuntimeOptions.cpu())) {
            float[] want = ref.predict(x, ids.size(), new int[ids.size()]);
            for (int i = 0; i < ids.size(); i++) {
                float[] got = run.sampled().get(ids.get(i));
                if (got == null || ReferenceModel.relativeError(got, 0, want, i * od, od) > ReferenceModel.TOLERANCE) {
                    bad++;
                }
            }
        }
        return bad;
    }

    private static float[] features(SensorReading r) {
        float[] f = new float[r.getFeatures().size()];
        for (int i = 0; i < f.length; i++) {
            f[i] = r.getFeatures().get(i);
        }
        return f;
    }

    private static String head(int[] ranking) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < Math.min(4, ranking.length); i++) {
            sb.append(i == 0 ? "" : ", ").append(ranking[i]);
        }
        return sb.append(ranking.length > 4 ? ", ...]" : "]").toString();
    }

    /** Share of {@code shares} on {@code slot} of the static round-robin placement. */
    private double slotShare(double[] shares, int slot) {
        double sum = 0;
        for (int e = slot; e < shares.length; e += s.slots()) {
            sum += shares[e];
        }
        return sum;
    }

    private static String percents(double[] shares) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < shares.length; i++) {
            sb.append(i == 0 ? "" : "/").append(String.format(Locale.ROOT, "%.0f%%", 100 * shares[i]));
        }
        return sb.toString();
    }

    private static String met(boolean ok) {
        return ok ? "(met)" : "(missed)";
    }

    private static String shortId() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    private void line(String format, Object... args) {
        out.printf(Locale.ROOT, "bench skew: " + format + "%n", args);
        out.flush();
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException | RuntimeException e) {
            // A temp folder left behind is not worth failing a finished benchmark for.
        }
    }
}
