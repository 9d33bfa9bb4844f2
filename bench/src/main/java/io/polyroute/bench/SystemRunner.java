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
import io.polyroute.runtime.eval.ReferenceModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Runs the two passes of one system against a shared broker: the throughput pass (drain the
 * pre-produced input, then account for the output) and the latency pass (a fresh topic at a
 * fixed offered load).
 */
final class SystemRunner {
    private final EmbeddedKafka kafka;
    private final ResourceMeter meter;
    private final BenchContext ctx;
    private final String runId = Long.toString(System.currentTimeMillis() % 10_000_000, 36);
    private int topics;
    /** Where each throughput pass writes its flight recording; null for none. */
    private Path jfrDir;

    SystemRunner(EmbeddedKafka kafka, ResourceMeter meter, BenchContext ctx) {
        this.kafka = kafka;
        this.meter = meter;
        this.ctx = ctx;
    }

    /** Records every throughput pass with Java Flight Recorder into {@code dir} (null: none). */
    SystemRunner recordingTo(Path dir) {
        this.jfrDir = dir;
        return this;
    }

    /** A new topic with one partition per worker; names never repeat within a process. */
    String newTopic(String hint) {
        String name = "bench-" + runId + "-" + (topics++) + "-" + hint;
        kafka.createTopic(name, ctx.workers());
        return name;
    }

    /** Drains {@code input} (in {@code inTopic}) with {@code system} and accounts for its output. */
    SystemResult throughput(BenchSystem system, String inTopic, BenchInput input, Duration budget) throws Exception {
        return throughput(system, ctx, inTopic, input, budget);
    }

    SystemResult throughput(BenchSystem system, BenchContext c, String inTopic, BenchInput input, Duration budget)
            throws Exception {
        String out = newTopic(system.name());
        boolean rssReset = meter.resetPeakRss();
        double loadBefore = ResourceMeter.loadAverage();
        c.progress()
                .accept(String.format(
                        Locale.ROOT,
                        "%s: draining %,d records (load average %.1f)",
                        system.name(),
                        input.count(),
                        loadBefore));
        long t0 = System.nanoTime();
        Recording jfr = startRecording();
        BenchSystem.Running running = system.start(c, inTopic, out, input.count());
        AtomicBoolean done = new AtomicBoolean();
        Thread ticker = ticker(system.name(), out, t0, done);
        boolean finished;
        try {
            finished = running.awaitDone(budget);
        } finally {
            stopRecording(jfr, system.name(), c);
            running.stop();
            done.set(true);
            ticker.interrupt();
        }
        double peak = rssReset ? meter.peakRssMib() : -1;
        double loadAfter = ResourceMeter.loadAverage();
        OutputScan.Stats s =
                OutputScan.read(c.clientProperties(), out, input, system.outputKind(), ReferenceModel.TOLERANCE);
        double cpu = s.windowRecords() > 1 ? meter.cpuSecondsBetween(s.windowStartMillis(), s.windowEndMillis()) : 0;
        double cpuPerMillion = s.windowRecords() > 1 ? cpu / s.windowRecords() * 1e6 : 0;
        double jitCpu =
                s.windowRecords() > 1 ? meter.jitCpuSecondsBetween(s.windowStartMillis(), s.windowEndMillis()) : 0;
        SystemResult r = new SystemResult(
                system.name(),
                input.count(),
                s.distinct(),
                !finished,
                s.throughput(),
                cpuPerMillion,
                peak,
                s.checked(),
                s.maxError(),
                s.mismatches(),
                s.duplicates(),
                loadBefore,
                loadAfter,
                null);
        c.progress()
                .accept(String.format(
                        Locale.ROOT,
                        "%s: %,.0f records/s over %,d records%s in %.1f s wall; %.1f CPU-s per M records; peak RSS %.0f MiB; "
                                + "%s; checked %d against reference.onnx, max rel. error %.2g%s; load %.1f",
                        system.name(),
                        r.throughput(),
                        r.records(),
                        finished ? "" : " (time budget reached, partial)",
                        (System.nanoTime() - t0) / 1e9,
                        cpuPerMillion,
                        peak,
                        jitCpu < 0
                                ? "JIT compiler CPU unknown"
                                : String.format(
                                        Locale.ROOT,
                                        "JIT compiler threads %.1f CPU-s (%.0f%% of it)",
                                        jitCpu,
                                        cpu > 0 ? 100 * jitCpu / cpu : 0),
                        s.checked(),
                        s.maxError(),
                        r.agrees()
                                ? ""
                                : " — DISAGREES (" + s.mismatches() + " mismatches, " + s.duplicates() + " duplicates, "
                                        + s.distinct() + " of " + input.count() + " answered)",
                        loadAfter));
        return r;
    }

    private Recording startRecording() throws IOException, ParseException {
        if (jfrDir == null) {
            return null;
        }
        Files.createDirectories(jfrDir);
        Recording r = new Recording(Configuration.getConfiguration("profile"));
        // Five times the profile's rate: a quick run drains in seconds.
        r.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(2));
        r.start();
        return r;
    }

    private void stopRecording(Recording r, String system, BenchContext c) throws IOException {
        if (r == null) {
            return;
        }
        r.stop();
        Path file = jfrDir.resolve(system + ".jfr");
        r.dump(file);
        r.close();
        c.progress().accept(system + ": flight recording in " + file);
    }

    /** Drains {@code input} with {@code system} without measuring: JIT, model sessions and caches warm up. */
    void warmUp(BenchSystem system, String inTopic, BenchInput input, Duration budget) throws Exception {
        long t0 = System.nanoTime();
        BenchSystem.Running running = system.start(ctx, inTopic, newTopic("warmup-" + system.name()), input.count());
        try {
            running.awaitDone(budget.dividedBy(2));
        } finally {
            running.stop();
        }
        ctx.progress()
                .accept(String.format(
                        Locale.ROOT,
                        "%s: warmed up on %,d records in %.1f s",
                        system.name(),
                        input.count(),
                        (System.nanoTime() - t0) / 1e9));
    }

    /** The latency pass of {@code system} at {@code rate} records per second. */
    LatencyPass.Result latency(BenchSystem system, BenchContext c, double rate, double warmup, double measure)
            throws Exception {
        c.progress()
                .accept(String.format(
                        Locale.ROOT,
                        "%s: latency at %,.0f records/s offered (load average %.1f)",
                        system.name(),
                        rate,
                        ResourceMeter.loadAverage()));
        String in = newTopic("lat-in-" + system.name());
        String out = newTopic("lat-out-" + system.name());
        LatencyPass.Result l = LatencyPass.run(c, system, in, out, rate, warmup, measure);
        c.progress()
                .accept(String.format(
                        Locale.ROOT,
                        "%s: p50/p99 %.0f/%.0f ms to the sink, %.0f/%.0f ms visible to read_committed; %,d of %,d answered; "
                                + "load %.1f",
                        system.name(),
                        l.sinkP50(),
                        l.sinkP99(),
                        l.visibleP50(),
                        l.visibleP99(),
                        l.answered(),
                        l.measured(),
                        ResourceMeter.loadAverage()));
        return l;
    }

    /** Prints a progress line every 10 s with the records committed to {@code out} so far. */
    private Thread ticker(String name, String out, long t0, AtomicBoolean done) {
        Thread t = new Thread(
                () -> {
                    try (KafkaConsumer<byte[], byte[]> c =
                            new KafkaConsumer<>(OutputScan.consumerProps(ctx.clientProperties()))) {
                        List<TopicPartition> parts = c.partitionsFor(out).stream()
                                .map(p -> new TopicPartition(out, p.partition()))
                                .toList();
                        while (!done.get()) {
                            Thread.sleep(10_000);
                            if (done.get()) {
                                return;
                            }
                            long committed = 0;
                            for (Map.Entry<TopicPartition, Long> e :
                                    c.endOffsets(parts).entrySet()) {
                                committed += e.getValue();
                            }
                            ctx.progress()
                                    .accept(String.format(
                                            Locale.ROOT,
                                            "  %s: %.0f s, ~%,d records committed",
                                            name,
                                            (System.nanoTime() - t0) / 1e9,
                                            committed));
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } catch (RuntimeException e) {
                        // Progress lines are a courtesy; the run itself reports failures.
                    }
                },
                "bench-progress");
        t.setDaemon(true);
        t.start();
        return t;
    }

    Properties client() {
        return ctx.clientProperties();
    }
}
