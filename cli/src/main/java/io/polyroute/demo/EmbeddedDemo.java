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
package io.polyroute.demo;

import io.polyroute.avro.Prediction;
import io.polyroute.embedded.EmbeddedKafka;
import io.polyroute.job.JobLauncher;
import io.polyroute.job.config.JobConfig;
import io.polyroute.job.config.JobConfigLoader;
import io.polyroute.job.config.TopicsOptions;
import io.polyroute.job.verify.PredictionCheck;
import io.polyroute.kit.factory.FactoryModelKit;
import io.polyroute.kit.factory.FactorySimulator;
import io.polyroute.kit.factory.RegimeMix;
import io.polyroute.monitor.Monitor;
import io.polyroute.monitor.MonitorSettings;
import io.polyroute.runtime.bundle.BundleLoader;
import io.polyroute.runtime.bundle.BundleManifest;
import io.polyroute.runtime.bundle.BundleValidationException;
import io.polyroute.runtime.bundle.ModelBundle;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.apache.flink.core.execution.JobClient;

/**
 * The embedded default: an in-process Kafka broker, the factory sensor simulator, the Polyroute
 * job on a local Flink MiniCluster and a tracker of everything that comes out, in one process.
 * Prints a status line per second and, at the end, one summary line that accounts for every record.
 */
public final class EmbeddedDemo {
    static final String SENSORS = "sensors";
    static final String PREDICTIONS = "predictions";
    static final String DLQ = "polyroute.dlq";
    static final String ALERTS = "polyroute.alerts";
    private static final long DRAIN_TIMEOUT_MS = 120_000;

    private final DemoSettings settings;
    private final PrintStream out;
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private long driftAtSeconds = -1;
    private int driftSources;
    private DemoRollout rollout;

    public EmbeddedDemo(DemoSettings settings, PrintStream out) {
        this.settings = settings;
        this.out = out;
    }

    /**
     * Moves {@code sources} machines to another operating regime {@code atSeconds} after the
     * simulator starts, so the dashboard's drift detection has something to find.
     *
     * @return this demo
     */
    public EmbeddedDemo drift(long atSeconds, int sources) {
        if (atSeconds < 1) {
            throw new IllegalArgumentException("--drift-at must be >= 1 second, but is " + atSeconds + ".");
        }
        if (sources < 1) {
            throw new IllegalArgumentException("--drift-sources must be >= 1, but is " + sources + ".");
        }
        this.driftAtSeconds = atSeconds;
        this.driftSources = sources;
        return this;
    }

    /**
     * Rolls out a second version of the factory bundle {@code atSeconds} after the simulator starts,
     * in {@code mode} (switch, shadow or canary with {@code share}); see docs/rollouts.md.
     *
     * @return this demo
     */
    public EmbeddedDemo rollout(long atSeconds, String mode, double share) {
        this.rollout = new DemoRollout(atSeconds, mode, share, out);
        return this;
    }

    /** Asks a running demo to wind down (Ctrl-C). */
    public void requestStop() {
        stopRequested.countDown();
    }

    /** Runs the demo; returns the process exit code (0 only when nothing was lost, duplicated or wrong). */
    public int run() throws Exception {
        ModelBundle bundle = demoBundle();
        ModelBundle second = rollout == null ? null : rollout.secondBundle(settings.modelsDir());
        out.println("polyroute demo: starting an in-process Kafka broker");
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().start()) {
            kafka.createTopic(SENSORS, Math.max(2, settings.parallelism()));
            kafka.createTopic(PREDICTIONS, Math.max(2, settings.parallelism()));
            kafka.createTopic(DLQ, 1);
            kafka.createTopic(ALERTS, 1);
            JobConfig config = jobConfig(kafka, bundle);
            // The control topics follow job.name (<job.name>.load, <job.name>.plans) unless overridden.
            kafka.createTopic(TopicsOptions.load(config), 1);
            kafka.createTopic(TopicsOptions.plans(config), 1);
            if (rollout != null) {
                DemoRollout.createTopics(kafka, config, Math.max(2, settings.parallelism()));
            }
            JobClient job;
            if (settings.engine().equals(DemoSettings.SQL)) {
                out.println("polyroute demo: broker at " + kafka.bootstrapServers() + "; SQL pipeline (ML_PREDICT) with"
                        + " parallelism " + settings.parallelism() + "; bundle " + bundle);
                job = SqlDemoJob.start(kafka.bootstrapServers(), SENSORS, PREDICTIONS, DLQ, bundle, settings, out);
            } else {
                out.println(
                        "polyroute demo: broker at " + kafka.bootstrapServers() + "; job " + settings.mode() + " with "
                                + settings.slots() + " expert slots; bundle " + bundle + "; plans on "
                                + TopicsOptions.plans(config));
                job = JobLauncher.start(JobLauncher.environment(config, null), config, bundle);
            }
            awaitRunning(job);
            Monitor monitor = startMonitor(config);
            FactorySimulator factory = FactorySimulator.builder()
                    .seed(settings.seed())
                    .mix(RegimeMix.rotating(System.currentTimeMillis(), 120_000, 0.8))
                    .build();
            long driftAtMillis = System.currentTimeMillis() + driftAtSeconds * 1000;
            if (driftAtSeconds > 0) {
                out.println("polyroute demo: machines " + factory.moveMachines(driftSources, driftAtMillis)
                        + " move to another operating regime " + driftAtSeconds + " s in");
            }
            SensorSimulator simulator = new SensorSimulator(
                    kafka.clientProperties(),
                    SENSORS,
                    settings.ratePerSecond(),
                    settings.badShare(),
                    settings.verify(),
                    settings.seed(),
                    factory);
            OutputTracker tracker =
                    new OutputTracker(kafka.clientProperties(), PREDICTIONS, DLQ, simulator, settings.verify());
            if (rollout != null) {
                tracker.withShadowTopic(io.polyroute.job.config.RolloutOptions.shadowTopic(config));
                out.println("polyroute demo: rollout of " + second.name() + ":" + second.version() + " ("
                        + rollout.mode().name().toLowerCase(Locale.ROOT) + ") " + rollout.atSeconds() + " s in");
            }
            Thread simThread = new Thread(simulator, "demo-simulator");
            Thread trackThread = new Thread(tracker, "demo-tracker");
            simThread.setDaemon(true);
            trackThread.setDaemon(true);
            simThread.start();
            trackThread.start();
            out.printf(
                    Locale.ROOT,
                    "polyroute demo: sending %.0f records/s%s; %s%n",
                    settings.ratePerSecond(),
                    settings.badShare() > 0
                            ? String.format(Locale.ROOT, " (%.2f%% deliberately bad)", 100 * settings.badShare())
                            : "",
                    settings.durationSeconds() > 0
                            ? "running for " + settings.durationSeconds() + " s"
                            : "Ctrl-C stops");
            report(simulator, tracker, kafka, config);
            simulator.stop();
            simThread.join(10_000);
            drain(simulator, tracker);
            PredictionCheck.Result check = !settings.verify()
                    ? null
                    : rollout == null
                            ? verify(bundle, simulator, tracker)
                            : DemoRollout.verify(List.of(bundle, second), simulator, tracker.outputs(), out);
            tracker.stop();
            trackThread.join(5_000);
            job.cancel().get(30, TimeUnit.SECONDS);
            int alerts = -1;
            if (monitor != null) {
                alerts = DemoAlerts.print(monitor.url(), driftAtSeconds > 0 ? driftAtMillis : -1, out);
                monitor.close();
            }
            return summary(simulator, tracker, check, alerts);
        }
    }

    /** The dashboard, in this process; null when turned off with {@code --port -1}. */
    private Monitor startMonitor(JobConfig config) {
        if (settings.monitorPort() < 0) {
            return null;
        }
        Monitor monitor = new Monitor(MonitorSettings.of(config.with(
                                "monitor.http.port", Integer.toString(settings.monitorPort()))
                        .with("monitor.application-id", "polyroute-demo-monitor-" + System.currentTimeMillis())))
                .start();
        out.println("polyroute demo: dashboard at " + monitor.url());
        return monitor;
    }

    private void awaitRunning(JobClient job) throws Exception {
        long deadline = System.currentTimeMillis() + 60_000;
        while (job.getJobStatus().get() != org.apache.flink.api.common.JobStatus.RUNNING) {
            if (job.getJobStatus().get().isTerminalState() || System.currentTimeMillis() > deadline) {
                throw new IllegalStateException(
                        "The job did not start: status " + job.getJobStatus().get() + ".");
            }
            Thread.sleep(100);
        }
        out.println("polyroute demo: job " + job.getJobID() + " is running");
    }

    private ModelBundle demoBundle() throws IOException {
        Path dir = settings.modelsDir().resolve(FactoryModelKit.BUNDLE_NAME);
        if (Files.exists(dir.resolve(BundleManifest.FILE_NAME))) {
            try {
                return BundleLoader.load(dir);
            } catch (BundleValidationException e) {
                throw new IllegalStateException(
                        "The demo bundle in " + dir + " is invalid (" + e.getMessage()
                                + "). Delete the folder to have it rebuilt.",
                        e);
            }
        }
        out.println("polyroute demo: building the factory-moe bundle in " + dir + " (first use)");
        return FactoryModelKit.build(dir, FactoryModelKit.DEFAULT_SEED, line -> out.println("  " + line))
                .bundle();
    }

    private JobConfig jobConfig(EmbeddedKafka kafka, ModelBundle bundle) {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("kafka.bootstrap-servers", kafka.bootstrapServers());
        values.put("topics.input", SENSORS);
        values.put("topics.output", PREDICTIONS);
        values.put("topics.dlq", DLQ);
        values.put("job.name", "polyroute-demo");
        values.put("job.mode", settings.mode());
        values.put("job.slots", Integer.toString(settings.slots()));
        values.put("job.parallelism", Integer.toString(settings.parallelism()));
        values.put("job.checkpoint-interval", "1 s");
        values.put("bundle.path", bundle.root().toString());
        if (rollout != null) {
            DemoRollout.configure(values);
        }
        // Short routing windows so drift shows within a demo: a reference of the first 30 s of each
        // machine (half the time to the drift, if sooner), compared with the last 15 s.
        long reference = driftAtSeconds > 0 ? Math.max(5, Math.min(30, driftAtSeconds / 2)) : 30;
        values.put("monitor.drift.reference-window", reference + " s");
        values.put("monitor.drift.current-window", "15 s");
        values.put("monitor.drift.buckets", "5");
        values.put("monitor.drift.evaluate-interval", "2 s");
        values.put("monitor.drift.min-samples", "50");
        values.put("monitor.alerts.silence-after", "30 s");
        values.putAll(JobConfigLoader.parseOverrides(settings.overrides()));
        return JobConfig.of(values);
    }

    private void report(SensorSimulator sim, OutputTracker tracker, EmbeddedKafka kafka, JobConfig config)
            throws InterruptedException {
        long start = System.nanoTime();
        long lastOut = 0;
        long lastT = start;
        while (true) {
            if (stopRequested.await(1, TimeUnit.SECONDS)) {
                out.println("polyroute demo: stopping");
                return;
            }
            long now = System.nanoTime();
            long outNow = tracker.predictions();
            double rate = (outNow - lastOut) / ((now - lastT) / 1e9);
            lastOut = outNow;
            lastT = now;
            long[] lat = tracker.intervalLatency();
            long elapsed = (now - start) / 1_000_000_000L;
            out.printf(
                    Locale.ROOT,
                    "[%4ds] in=%,d out=%,d (%,.0f/s) latency p50/p99: sink %d/%d ms, visible %d/%d ms"
                            + " | slots %s | dead letters %,d%n",
                    elapsed,
                    sim.sent(),
                    outNow,
                    rate,
                    lat[0],
                    lat[1],
                    lat[2],
                    lat[3],
                    slots(tracker),
                    tracker.deadLetters());
            if (rollout != null) {
                out.println("       versions " + tracker.perVersion());
                rollout.tick(elapsed, rate, kafka, config);
            }
            if (settings.durationSeconds() > 0 && elapsed >= settings.durationSeconds()) {
                return;
            }
        }
    }

    private static String slots(OutputTracker tracker) {
        StringBuilder sb = new StringBuilder();
        tracker.perSlot()
                .forEach((slot, n) -> sb.append(sb.length() == 0 ? "" : " ")
                        .append(slot)
                        .append(':')
                        .append(String.format(Locale.ROOT, "%,d", n)));
        return sb.length() == 0 ? "-" : sb.toString();
    }

    private void drain(SensorSimulator sim, OutputTracker tracker) throws InterruptedException {
        long deadline = System.currentTimeMillis() + DRAIN_TIMEOUT_MS;
        out.println("polyroute demo: waiting for the job to answer the last records");
        while (tracker.predictions() + tracker.deadLetters() < sim.sent() && System.currentTimeMillis() < deadline) {
            Thread.sleep(200);
        }
    }

    private PredictionCheck.Result verify(ModelBundle bundle, SensorSimulator sim, OutputTracker tracker) {
        Map<Long, Prediction> outputs = tracker.outputs();
        out.println("polyroute demo: re-scoring " + outputs.size() + " predictions with "
                + bundle.manifest().reference().file() + " (those flagged by routing balancing by recomputing their"
                + " recorded routing)");
        int d = bundle.inputDim();
        List<Long> seqs = new ArrayList<>(outputs.keySet());
        float[] x = new float[seqs.size() * d];
        int[] tasks = new int[seqs.size()];
        List<Prediction> predictions = new ArrayList<>(seqs.size());
        for (int i = 0; i < seqs.size(); i++) {
            System.arraycopy(sim.features(seqs.get(i)), 0, x, i * d, d);
            tasks[i] = -1;
            predictions.add(outputs.get(seqs.get(i)));
        }
        return PredictionCheck.check(bundle, x, tasks, predictions);
    }

    private int summary(SensorSimulator sim, OutputTracker tracker, PredictionCheck.Result check, int alerts) {
        Histogram sink = tracker.totalSinkLatency();
        Histogram visible = tracker.totalVisibleLatency();
        out.printf(
                Locale.ROOT,
                "polyroute demo: dead letters by reason %s; latency p50/p99 event->sink %d/%d ms,"
                        + " event->read_committed consumer %d/%d ms%n",
                tracker.deadLettersByReason(),
                sink.getValueAtPercentile(50),
                sink.getValueAtPercentile(99),
                visible.getValueAtPercentile(50),
                visible.getValueAtPercentile(99));
        long missing = tracker.missing(sim.sent());
        if (rollout != null) {
            rollout.printFigures(tracker);
        }
        long mismatches = check == null ? 0 : check.mismatches();
        // rebalanced_routing: predictions whose routing balancing changed, checked against a
        // recompute of their recorded routing instead of reference.onnx (and counted in mismatches).
        out.printf(
                Locale.ROOT,
                "records_in=%d predictions=%d dead_letters=%d duplicates=%d missing=%d mismatches=%d"
                        + " rebalanced_routing=%d%s%n",
                sim.sent(),
                tracker.predictions(),
                tracker.deadLetters(),
                tracker.duplicates(),
                missing,
                mismatches,
                check == null ? 0 : check.replayed(),
                (rollout == null ? "" : rollout.summarySuffix(tracker))
                        // alerts: what the dashboard's /api/alerts lists (open and cleared); absent without a
                        // dashboard.
                        + (alerts >= 0 ? " alerts=" + alerts : ""));
        return tracker.duplicates() == 0 && missing == 0 && mismatches == 0 ? 0 : 1;
    }
}
