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
import io.polyroute.avro.RolloutCommand;
import io.polyroute.avro.RolloutKind;
import io.polyroute.avro.RolloutMode;
import io.polyroute.embedded.EmbeddedKafka;
import io.polyroute.job.config.JobConfig;
import io.polyroute.job.config.RolloutOptions;
import io.polyroute.job.config.TopicsOptions;
import io.polyroute.job.rollout.ChecksumsDigest;
import io.polyroute.job.verify.PredictionCheck;
import io.polyroute.kafka.RolloutTopics;
import io.polyroute.kit.factory.FactoryModelKit;
import io.polyroute.runtime.bundle.BundleLoader;
import io.polyroute.runtime.bundle.BundleManifest;
import io.polyroute.runtime.bundle.BundleValidationException;
import io.polyroute.runtime.bundle.ModelBundle;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * The demo's rollout ({@code --rollout-at}): a second version of the factory bundle (another seed,
 * version 2) built on first use, a START published S seconds in, and the figures: switch time,
 * throughput around the switch, resident memory, predictions per version and shadow pairs.
 */
final class DemoRollout {
    /** Seed of the second version: the first is built with {@link FactoryModelKit#DEFAULT_SEED}. */
    static final long SECOND_SEED = FactoryModelKit.DEFAULT_SEED + 1;

    static final String SECOND_VERSION = "2";

    private final long atSeconds;
    private final RolloutMode mode;
    private final double share;
    private final PrintStream out;
    private ModelBundle second;
    private long commandMillis = -1;
    private long rssAtCommandKb = -1;
    private long maxRssAfterKb = -1;
    private final List<double[]> rates = new ArrayList<>();

    DemoRollout(long atSeconds, String mode, double share, PrintStream out) {
        if (atSeconds < 1) {
            throw new IllegalArgumentException("--rollout-at must be >= 1 second, but is " + atSeconds + ".");
        }
        this.atSeconds = atSeconds;
        this.mode = switch (mode.toLowerCase(Locale.ROOT)) {
            case "switch" -> RolloutMode.SWITCH;
            case "canary" -> RolloutMode.CANARY;
            case "shadow" -> RolloutMode.SHADOW;
            default ->
                throw new IllegalArgumentException(
                        "--rollout-mode must be switch, shadow or canary, but is '" + mode + "'.");
        };
        if (!(share > 0 && share <= 1)) {
            throw new IllegalArgumentException("--rollout-share must be in (0, 1], but is " + share + ".");
        }
        this.share = share;
        this.out = out;
    }

    RolloutMode mode() {
        return mode;
    }

    /** The second version, built in {@code models/factory-moe-v2} on first use. */
    ModelBundle secondBundle(Path modelsDir) throws IOException {
        Path dir = modelsDir.resolve(FactoryModelKit.BUNDLE_NAME + "-v" + SECOND_VERSION);
        if (Files.exists(dir.resolve(BundleManifest.FILE_NAME))) {
            try {
                second = BundleLoader.load(dir);
                return second;
            } catch (BundleValidationException e) {
                throw new IllegalStateException(
                        "The second demo bundle in " + dir + " is invalid (" + e.getMessage()
                                + "). Delete the folder to have it rebuilt.",
                        e);
            }
        }
        out.println("polyroute demo: building version " + SECOND_VERSION + " of factory-moe (seed " + SECOND_SEED
                + ") in " + dir + " (first use)");
        second = FactoryModelKit.build(dir, SECOND_SEED, SECOND_VERSION, line -> out.println("  " + line))
                .bundle();
        return second;
    }

    /** Job options of a rollout demo: rollouts on. */
    static void configure(Map<String, String> values) {
        values.put(RolloutOptions.ENABLED.key(), "true");
    }

    /** Creates the rollout topics of {@code config}. */
    static void createTopics(EmbeddedKafka kafka, JobConfig config, int partitions) {
        kafka.createTopic(RolloutOptions.topic(config), 1);
        kafka.createTopic(RolloutOptions.statusTopic(config), 1);
        kafka.createTopic(RolloutOptions.shadowTopic(config), partitions);
    }

    long atSeconds() {
        return atSeconds;
    }

    /** Called once a second by the status loop with the seconds elapsed and the output rate. */
    void tick(long elapsed, double rate, EmbeddedKafka kafka, JobConfig config) {
        rates.add(new double[] {elapsed, rate});
        if (commandMillis < 0 && elapsed >= atSeconds) {
            rssAtCommandKb = rssKb();
            publish(kafka, config);
        } else if (commandMillis > 0) {
            maxRssAfterKb = Math.max(maxRssAfterKb, rssKb());
        }
    }

    private void publish(EmbeddedKafka kafka, JobConfig config) {
        RolloutCommand c = RolloutCommand.newBuilder()
                .setJobName(config.get(io.polyroute.job.config.JobOptions.NAME))
                .setCommandId(UUID.randomUUID().toString())
                .setKind(RolloutKind.START)
                .setMode(mode)
                .setShare(mode == RolloutMode.CANARY ? share : 0)
                .setBundlePath(second.root().toAbsolutePath().toString())
                .setBundleName(second.name())
                .setBundleVersion(second.version())
                .setChecksumsDigest(ChecksumsDigest.of(second.manifest().checksums()))
                .setIssuedTime(Instant.now())
                .build();
        RolloutTopics.publish(
                kafka.clientProperties(),
                RolloutOptions.topic(config),
                c,
                TopicsOptions.encoding(config, TopicsOptions.ENCODING_CONTROL)
                        .avro(TopicsOptions.ENCODING_CONTROL.key(), "the rollout topics"),
                Duration.ofSeconds(30));
        commandMillis = c.getIssuedTime().toEpochMilli();
        out.println("polyroute demo: rollout START " + mode.name().toLowerCase(Locale.ROOT) + " of " + second.name()
                + ":" + second.version() + " published (command " + c.getCommandId() + ")");
    }

    /** Each prediction re-scored with the reference model of the version it names. */
    static PredictionCheck.Result verify(
            List<ModelBundle> bundles, SensorSimulator sim, Map<Long, Prediction> outputs, PrintStream out) {
        Map<String, ModelBundle> byVersion = new LinkedHashMap<>();
        bundles.forEach(b -> byVersion.put(b.name() + ":" + b.version(), b));
        Map<String, List<Long>> seqs = new LinkedHashMap<>();
        outputs.forEach((seq, p) -> seqs.computeIfAbsent(
                        p.getModel().getName() + ":" + p.getModel().getVersion(), k -> new ArrayList<>())
                .add(seq));
        long referenceChecked = 0;
        long replayed = 0;
        long mismatches = 0;
        double worstRef = 0;
        double worstReplay = 0;
        for (Map.Entry<String, List<Long>> e : seqs.entrySet()) {
            ModelBundle b = byVersion.get(e.getKey());
            if (b == null) {
                out.println("polyroute demo: " + e.getValue().size() + " predictions name " + e.getKey()
                        + ", which the demo did not roll out");
                mismatches += e.getValue().size();
                continue;
            }
            int d = b.inputDim();
            float[] x = new float[e.getValue().size() * d];
            int[] tasks = new int[e.getValue().size()];
            List<Prediction> predictions = new ArrayList<>();
            for (int i = 0; i < e.getValue().size(); i++) {
                System.arraycopy(sim.features(e.getValue().get(i)), 0, x, i * d, d);
                tasks[i] = -1;
                predictions.add(outputs.get(e.getValue().get(i)));
            }
            PredictionCheck.Result r = PredictionCheck.check(b, x, tasks, predictions);
            out.printf(
                    Locale.ROOT,
                    "polyroute demo: %s: %d predictions re-scored with %s/%s, %d mismatches (max relative error"
                            + " %.2e)%n",
                    e.getKey(),
                    predictions.size(),
                    b.root().getFileName(),
                    b.manifest().reference().file(),
                    r.mismatches(),
                    r.maxReferenceError());
            referenceChecked += r.referenceChecked();
            replayed += r.replayed();
            mismatches += r.mismatches();
            worstRef = Math.max(worstRef, r.maxReferenceError());
            worstReplay = Math.max(worstReplay, r.maxReplayError());
        }
        return new PredictionCheck.Result(referenceChecked, replayed, mismatches, worstRef, worstReplay);
    }

    /** The figures of the rollout: switch time, throughput around it, memory. */
    void printFigures(OutputTracker tracker) {
        if (commandMillis < 0) {
            out.println("polyroute demo: the rollout was never published (the run ended first)");
            return;
        }
        String v2 = second.name() + ":" + second.version();
        long first = tracker.firstProcessed(v2);
        double before = meanRate(atSeconds - 10, atSeconds - 1);
        double[] dip = minRate(atSeconds, atSeconds + 10);
        out.printf(
                Locale.ROOT,
                "polyroute demo: rollout figures: command to first %s prediction %s; output rate %.0f/s in the 10 s"
                        + " before, lowest %.0f/s at %ds (%.0f%% of it); resident set %d MiB at the command, at most %d"
                        + " MiB after%n",
                v2,
                first < 0 ? "none" : (first - commandMillis) + " ms",
                before,
                dip[1],
                (long) dip[0],
                before > 0 ? 100 * dip[1] / before : 0,
                rssAtCommandKb / 1024,
                maxRssAfterKb / 1024);
        if (mode == RolloutMode.SHADOW) {
            long[] s = tracker.shadow();
            out.printf(
                    Locale.ROOT,
                    "polyroute demo: shadow pairs %d, same routing in %d (%.1f%%), event ids paired twice %d%n",
                    s[0],
                    s[1],
                    s[0] > 0 ? 100.0 * s[1] / s[0] : 0,
                    s[2]);
        }
    }

    private double meanRate(long from, long to) {
        double sum = 0;
        int n = 0;
        for (double[] r : rates) {
            if (r[0] >= from && r[0] <= to) {
                sum += r[1];
                n++;
            }
        }
        return n == 0 ? 0 : sum / n;
    }

    private double[] minRate(long from, long to) {
        double[] best = {from, Double.MAX_VALUE};
        for (double[] r : rates) {
            if (r[0] >= from && r[0] <= to && r[1] < best[1]) {
                best = r;
            }
        }
        return best[1] == Double.MAX_VALUE ? new double[] {from, 0} : best;
    }

    /** The final line's additions: {@code versions=...} and, for shadow, {@code shadowed=...}. */
    String summarySuffix(OutputTracker tracker) {
        StringBuilder sb = new StringBuilder(" versions=");
        boolean firstEntry = true;
        for (Map.Entry<String, Long> e : tracker.perVersion().entrySet()) {
            sb.append(firstEntry ? "" : ",").append(e.getKey()).append(':').append(e.getValue());
            firstEntry = false;
        }
        if (mode == RolloutMode.SHADOW) {
            sb.append(" shadowed=").append(tracker.shadow()[0]);
        }
        return sb.toString();
    }

    /** The resident set of this process in KiB, from /proc; -1 where there is none. */
    static long rssKb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
