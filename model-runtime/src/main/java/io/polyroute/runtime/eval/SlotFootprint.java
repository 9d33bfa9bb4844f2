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
package io.polyroute.runtime.eval;

import io.polyroute.runtime.bundle.ModelBundle;
import io.polyroute.runtime.onnx.RuntimeOptions;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Measures what one EXPERT slot costs in memory for a bundle: the resident set size (Linux
 * {@code /proc/self/status}) and the Java heap before and after opening every session a slot can
 * hold (encoder, gate, shared expert and all experts of every stage) and running one batch through
 * each, so ONNX Runtime's arenas and the session buffers are allocated. The heap figure includes
 * the batch's input and output arrays; the rest of the RSS growth is native memory (ONNX Runtime
 * sessions, their weights and arenas).
 *
 * <p>A measurement, not an estimate: run it in a fresh JVM, with nothing else loading sessions. The
 * heap figure counts the batches' inputs and outputs, which a slot holds while it runs.
 */
public final class SlotFootprint {

    /**
     * @param sessions sessions opened (all of one slot)
     * @param rssBytes growth of the resident set, or -1 where {@code /proc/self/status} is absent
     * @param heapBytes growth of the used Java heap after a full collection
     * @param expertRssBytes RSS growth while the experts alone were opened and run, or -1
     * @param experts expert sessions among {@code sessions}
     * @param batch rows per run
     */
    public record Result(int sessions, long rssBytes, long heapBytes, long expertRssBytes, int experts, int batch) {
        /** Native memory per expert session, or -1 when the RSS is unavailable. */
        public long rssPerExpert() {
            return expertRssBytes < 0 || experts == 0 ? -1 : expertRssBytes / experts;
        }
    }

    private SlotFootprint() {}

    /**
     * Opens every session of {@code bundle} as one slot would, {@code copies} times over (all kept
     * open until the end), runs a batch of {@code batch} rows through each, and reports the growth
     * per copy. Several copies average out the allocator reusing memory that earlier sessions (for
     * example the bundle's validation) freed.
     */
    public static Result measure(ModelBundle bundle, RuntimeOptions options, int batch, int copies) {
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be >= 1, but is " + batch + ".");
        }
        if (copies < 1) {
            throw new IllegalArgumentException("copies must be >= 1, but is " + copies + ".");
        }
        long heap0 = heapUsed();
        // After the collection, which may return heap pages to the system.
        long rss0 = rss();
        List<AutoCloseable> open = new ArrayList<>();
        List<float[]> outputs = new ArrayList<>();
        int sessions = 0;
        int experts = 0;
        long expertRss = 0;
        // RSS can shrink between two readings (the allocator returns pages), so a negative sum is a
        // measurement, not the "unavailable" mark.
        boolean expertRssKnown = true;
        try {
            for (int c = 0; c < copies; c++) {
                Random rnd = new Random(1);
                float[] previous = null;
                for (int s = 0; s < bundle.stageCount(); s++) {
                    GateRuntime stage = GateRuntime.open(bundle, s, options);
                    open.add(stage);
                    ExpertRuntime expertRuntime = ExpertRuntime.open(bundle, s, options);
                    open.add(expertRuntime);
                    float[] features = new float[batch * bundle.inputDim()];
                    for (int i = 0; i < features.length; i++) {
                        features[i] = (float) rnd.nextGaussian();
                    }
                    float[] encoded = stage.encode(stage.stageInput(features, previous, batch), batch);
                    sessions += stage.spec().encoder() == null ? 0 : 1;
                    if (stage.hasGate()) {
                        stage.logits(encoded, batch, new int[batch]);
                        sessions++;
                    }
                    if (stage.hasSharedExpert()) {
                        outputs.add(stage.runShared(encoded, batch));
                        sessions++;
                    }
                    long before = rss();
                    float[] out = null;
                    for (int e = 0; e < expertRuntime.expertCount(); e++) {
                        out = expertRuntime.runExpert(e, encoded, batch);
                        sessions++;
                        experts++;
                    }
                    outputs.add(out);
                    long after = rss();
                    expertRssKnown &= before >= 0 && after >= 0;
                    expertRss += after - before;
                    previous = new float[batch * stage.outputDim()];
                    if (out != null) {
                        // A stand-in output of the right width, so the next stage can be opened and run.
                        for (int i = 0; i < previous.length; i++) {
                            previous[i] = out[i % out.length];
                        }
                    }
                }
            }
            long rss1 = rss();
            long heap1 = heapUsed();
            return new Result(
                    sessions / copies,
                    rss0 < 0 || rss1 < 0 ? -1 : Math.max(0, rss1 - rss0) / copies,
                    Math.max(0, heap1 - heap0) / copies,
                    expertRssKnown ? Math.max(0, expertRss) / copies : -1,
                    experts / copies,
                    batch);
        } finally {
            Sessions.closeAll(open);
        }
    }

    private static long heapUsed() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        System.gc();
        return memory.getHeapMemoryUsage().getUsed();
    }

    /** Resident set size in bytes from {@code /proc/self/status}, or -1 where there is none. */
    static long rss() {
        Path status = Path.of("/proc/self/status");
        if (!Files.isReadable(status)) {
            return -1;
        }
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("VmRSS:")) {
                    String[] parts = line.substring(6).trim().split("\\s+");
                    return Long.parseLong(parts[0]) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}
