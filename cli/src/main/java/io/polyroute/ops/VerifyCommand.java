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
package io.polyroute.ops;

import io.polyroute.avro.Prediction;
import io.polyroute.runtime.bundle.BundleLoader;
import io.polyroute.runtime.bundle.ModelBundle;
import io.polyroute.runtime.eval.MoeEvaluator;
import io.polyroute.runtime.eval.ReferenceModel;
import io.polyroute.runtime.onnx.RuntimeOptions;
import io.polyroute.schemas.AvroCodec;
import io.polyroute.schemas.AvroEncoding;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code verify}: follows a running job's committed output until every expected prediction has
 * arrived (or a timeout), while sampling restarts, heap and lag; then counts lost, duplicated and
 * mismatched predictions and the recovery time of every kill and network fault the scripts
 * recorded (for a fault: from its end until the input lag is back to steady). Its last line
 * is the verdict, and the exit code is 0 only when the verdict is clean.
 */
@Command(
        name = "verify",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Follow the committed predictions of a run and check them. Last line (chaos):",
            "  records=<n> lost=<n> duplicated=<n> mismatched=<n> max_recovery_s=<x>",
            "or (burst):",
            "  records=<n> lost=<n> duplicated=<n> peak_heap_mb=<x> heap_max_mb=<x> max_lag=<n> drain_s=<x> restarts=<n> oom=<n>",
            "  latency_steady_ms=<x> latency_back_s=<x>"
        })
final class VerifyCommand implements Callable<Integer> {
    enum Summary {
        CHAOS,
        BURST
    }

    @Mixin
    KafkaArgs kafka;

    @Option(names = "--predictions", required = true, description = "Predictions topic.")
    String predictions;

    @Option(names = "--dlq", description = "Dead-letter topic; its committed records are counted.")
    String dlq;

    @Option(names = "--input", description = "Input topic, for the lag of the job's consumer group.")
    String input;

    @Option(names = "--job-name", required = true, description = "Job name (Flink job name and consumer group).")
    String jobName;

    @Option(names = "--rest", description = "Flink REST base URL, e.g. http://127.0.0.1:29131.")
    String rest;

    @Option(names = "--records", required = true, description = "Expected predictions: readings 0 .. records-1.")
    int records;

    @Option(names = "--prefix", defaultValue = "chaos", description = "Event id prefix (default: ${DEFAULT-VALUE}).")
    String prefix;

    @Option(names = "--dim", required = true, description = "Features per reading.")
    int dim;

    @Option(
            names = "--seed",
            defaultValue = "7",
            description = "Seed the readings were produced with (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--bundle",
            description = "Bundle folder: compare every prediction with the reference model (and the in-process "
                    + "evaluator) of the version it names. Repeat it for every version a rollout serves.")
    List<Path> bundles = new ArrayList<>();

    @Option(
            names = "--events",
            description = "File the scripts append '<epoch-ms> kill|fault|heal|mark <what>' lines to.")
    Path events;

    @Option(
            names = "--progress",
            description = "File rewritten every sample with '<distinct> <total> <restarts> <lag>'.")
    Path progress;

    @Option(
            names = "--steady-lag",
            defaultValue = "0",
            description = "Input lag at or below which the job has caught up (after a network fault, or a backlog) "
                    + "(default: ${DEFAULT-VALUE}).")
    long steadyLag;

    @Option(names = "--log-dir", description = "Folder of the cluster's logs, searched for OutOfMemoryError.")
    Path logDir;

    @Option(
            names = "--settle",
            defaultValue = "10s",
            description = "Keep reading this long after the last expected "
                    + "prediction, to catch late duplicates (default: ${DEFAULT-VALUE}).",
            converter = DurationConverter.class)
    Duration settle;

    @Option(
            names = "--timeout",
            defaultValue = "30m",
            description = "Give up after this long (default: ${DEFAULT-VALUE}).",
            converter = DurationConverter.class)
    Duration timeout;

    @Option(
            names = "--summary",
            defaultValue = "chaos",
            description = "Verdict line: chaos or burst (default: ${DEFAULT-VALUE}).")
    Summary summary;

    @Override
    public Integer call() throws Exception {
        SyntheticReadings readings = new SyntheticReadings(prefix, dim, seed);
        Map<String, ModelBundle> models = new LinkedHashMap<>();
        for (Path b : bundles) {
            ModelBundle m = BundleLoader.load(b);
            models.put(m.name() + ":" + m.version(), m);
        }
        ModelBundle model = models.isEmpty() ? null : models.values().iterator().next();
        for (ModelBundle m : models.values()) {
            if (m.outputDim() != model.outputDim()) {
                throw new IllegalArgumentException("--bundle " + m.root() + " has output width " + m.outputDim()
                        + ", but " + model.root() + " has " + model.outputDim() + ".");
            }
        }
        PredictionTally tally = new PredictionTally(readings, 0, records, model == null ? 0 : model.outputDim());
        AvroCodec<Prediction> codec = AvroCodec.of(Prediction.class, AvroEncoding.BINARY);
        List<Sample> samples = new ArrayList<>();
        RunObserver observer = new RunObserver(kafka.clientProperties(), predictions, dlq, events, progress);
        boolean burst = summary == Summary.BURST;
        try (observer;
                ClusterProbe probe = new ClusterProbe(rest, jobName, kafka.clientProperties(), input, jobName)) {
            observer.follow(
                    tally,
                    codec,
                    () -> sample(probe, tally, burst, samples),
                    settle,
                    timeout,
                    () -> !burst
                            || (!samples.isEmpty()
                                    && samples.get(samples.size() - 1).lag() == 0));
            long heapMax = burst ? probe.taskManagerHeapMax() : -1;
            System.out.printf(
                    Locale.ROOT,
                    "verify: read %d committed predictions (%d distinct of %d expected, %d foreign), "
                            + "%d dead letters%n",
                    tally.total(),
                    tally.distinct(),
                    records,
                    tally.foreign(),
                    observer.deadLetters());
            return burst
                    ? burstVerdict(tally, samples, observer, heapMax)
                    : chaosVerdict(tally, models, samples, observer);
        }
    }

    private Sample sample(ClusterProbe probe, PredictionTally tally, boolean burst, List<Sample> samples) {
        Sample s = new Sample(
                System.currentTimeMillis(),
                tally.total(),
                probe.restarts(),
                burst ? probe.maxTaskManagerHeapUsed() : -1,
                input == null ? -1 : probe.lag(),
                probe.restartingAt());
        samples.add(s);
        return s;
    }

    private int chaosVerdict(
            PredictionTally tally, Map<String, ModelBundle> models, List<Sample> samples, RunObserver observer) {
        long mismatched = 0;
        if (!models.isEmpty()) {
            Map<String, PredictionTally.Models> open = new LinkedHashMap<>();
            try {
                for (Map.Entry<String, ModelBundle> e : models.entrySet()) {
                    ReferenceModel reference = ReferenceModel.open(e.getValue(), RuntimeOptions.cpu());
                    try {
                        open.put(
                                e.getKey(),
                                new PredictionTally.Models(
                                        reference, MoeEvaluator.open(e.getValue(), RuntimeOptions.cpu())));
                    } catch (RuntimeException ex) {
                        reference.close();
                        throw ex;
                    }
                }
                PredictionTally.Comparison c = tally.compare(open, 1024);
                mismatched = c.mismatched();
                System.out.printf(
                        Locale.ROOT,
                        "verify: values against the reference.onnx of the version each prediction names: max "
                                + "relative error %.2e (tolerance 1e-5); %d of %d bit-identical to an uninterrupted "
                                + "in-process run; rebalanced_routing=%d (flagged by routing balancing, checked by "
                                + "replaying their recorded routing); %d naming a version not given%n",
                        c.maxRelativeError(),
                        c.bitExact(),
                        tally.distinct(),
                        c.rebalanced(),
                        c.unknownVersion());
            } finally {
                for (PredictionTally.Models m : open.values()) {
                    m.evaluator().close();
                    m.reference().close();
                }
            }
        }
        StringBuilder versions = new StringBuilder();
        tally.perVersion()
                .forEach((v, n) -> versions.append(versions.length() == 0 ? "" : ",")
                        .append(v)
                        .append(':')
                        .append(n));
        System.out.println("verify: versions=" + (versions.length() == 0 ? "none" : versions));
        // Rollouts: a mark "rollout-<n>=<name:version>" at the command; the switch time is from it
        // to the first committed prediction that names the version, processed at or after it.
        observer.marks().entrySet().stream()
                .filter(e -> e.getKey().startsWith("rollout-") && e.getKey().contains("="))
                .sorted(Map.Entry.comparingByValue())
                .forEach(e -> {
                    String version = e.getKey().substring(e.getKey().indexOf('=') + 1);
                    long first = tally.firstProcessed(version, e.getValue());
                    System.out.printf(
                            Locale.ROOT,
                            "verify: %s: command to the first prediction of %s: %s%n",
                            e.getKey().substring(0, e.getKey().indexOf('=')),
                            version,
                            first < 0 ? "none" : (first - e.getValue()) + " ms");
                });
        double maxRecovery = 0;
        List<RecoveryTimes.Recovery> recoveries = RecoveryTimes.compute(samples, observer.kills());
        List<Long> heals = observer.heals();
        int kills = 0;
        int faults = 0;
        for (RecoveryTimes.Recovery r : recoveries) {
            String restart = r.restartedMillis() < 0
                    ? "no job restart"
                    : String.format(Locale.ROOT, "job restarted after %.1f s", r.restartSeconds());
            String moving = r.recovered() ? String.format(Locale.ROOT, "%.1f s", r.seconds()) : "never";
            if (!r.kill().fault()) {
                System.out.printf(
                        Locale.ROOT,
                        "recovery: kill %d (%s): %s, committed output moving again after %s%n",
                        ++kills,
                        r.kill().what(),
                        restart,
                        moving);
                maxRecovery = Math.max(maxRecovery, r.recovered() ? r.seconds() : Double.POSITIVE_INFINITY);
                continue;
            }
            // A network fault: the recovery is from its end until the job has caught up again.
            long heal = faults < heals.size() ? heals.get(faults) : -1;
            double caughtUp = heal < 0 ? Double.NaN : RecoveryTimes.caughtUpSeconds(samples, heal, steadyLag);
            System.out.printf(
                    Locale.ROOT,
                    "recovery: fault %d (%s): lasted %s, %s, committed output moving again after %s; "
                            + "caught up (input lag <= %d) %s after it ended%n",
                    ++faults,
                    r.kill().what(),
                    heal < 0
                            ? "until the end"
                            : String.format(
                                    Locale.ROOT, "%.1f s", (heal - r.kill().millis()) / 1000.0),
                    restart,
                    moving,
                    steadyLag,
                    Double.isNaN(caughtUp) ? "never" : String.format(Locale.ROOT, "%.1f s", caughtUp));
            maxRecovery = Math.max(maxRecovery, Double.isNaN(caughtUp) ? Double.POSITIVE_INFINITY : caughtUp);
        }
        System.out.printf(
                Locale.ROOT,
                "records=%d lost=%d duplicated=%d mismatched=%d max_recovery_s=%.1f%n",
                records,
                tally.lost(),
                tally.duplicated(),
                mismatched,
                maxRecovery);
        return tally.lost() == 0 && tally.duplicated() == 0 && mismatched == 0 ? 0 : 1;
    }

    private int burstVerdict(PredictionTally tally, List<Sample> samples, RunObserver observer, long heapMax) {
        long peakHeap = samples.stream().mapToLong(Sample::heapUsed).max().orElse(-1);
        long maxLag = samples.stream().mapToLong(Sample::lag).max().orElse(-1);
        long restarts = samples.stream().mapToLong(Sample::restarts).max().orElse(-1);
        long burstEnd = observer.mark("burst-end");
        double drain = Double.NaN;
        for (Sample s : samples) {
            if (burstEnd >= 0 && s.millis() >= burstEnd && s.lag() >= 0 && s.lag() <= steadyLag) {
                drain = (s.millis() - burstEnd) / 1000.0;
                break;
            }
        }
        long oom = logDir == null ? 0 : LogSearch.count(logDir, "java.lang.OutOfMemoryError");
        // Steady latency: the median of the last 30 s of the run. Latency is back to steady from the
        // first interval after which no interval's median exceeds twice that plus 500 ms.
        List<long[]> lat = observer.latencies();
        long steadyLatency = -1;
        double latencyBack = Double.NaN;
        if (!lat.isEmpty()) {
            long end = lat.get(lat.size() - 1)[0];
            long[] tail = lat.stream()
                    .filter(w -> w[0] >= end - 30_000)
                    .mapToLong(w -> w[1])
                    .sorted()
                    .toArray();
            steadyLatency = tail[tail.length / 2];
            long bound = 2 * steadyLatency + 500;
            long backAt = lat.get(0)[0];
            for (long[] w : lat) {
                if (w[1] > bound) {
                    backAt = w[0] + RunObserver.SAMPLE_EVERY_MS;
                }
            }
            long from = observer.mark("job-start") >= 0 ? observer.mark("job-start") : burstEnd;
            latencyBack = from < 0 ? Double.NaN : Math.max(0, backAt - from) / 1000.0;
        }
        System.out.printf(
                Locale.ROOT,
                "records=%d lost=%d duplicated=%d peak_heap_mb=%d heap_max_mb=%d max_lag=%d "
                        + "drain_s=%.1f restarts=%d oom=%d latency_steady_ms=%d latency_back_s=%.1f%n",
                records,
                tally.lost(),
                tally.duplicated(),
                peakHeap >> 20,
                heapMax >> 20,
                maxLag,
                drain,
                restarts,
                oom,
                steadyLatency,
                latencyBack);
        boolean ok = tally.lost() == 0 && tally.duplicated() == 0 && oom == 0 && !Double.isNaN(drain);
        return ok ? 0 : 1;
    }
}
