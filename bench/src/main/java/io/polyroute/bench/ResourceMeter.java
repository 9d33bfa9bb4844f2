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

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Process CPU time and resident memory, for attributing resources to one system at a time when
 * every system (and the broker) runs in this JVM.
 *
 * <p>CPU time is sampled every {@value #SAMPLE_MILLIS} ms with its wall-clock time, so the CPU
 * spent inside any window (for example from a system's first to its last output) can be
 * interpolated afterwards. Peak RSS is the kernel's high-water mark {@code VmHWM}, which
 * {@link #resetPeakRss()} resets through {@code /proc/self/clear_refs} before each system.
 */
public final class ResourceMeter implements AutoCloseable {
    static final long SAMPLE_MILLIS = 50;
    private static final Path STATUS = Path.of("/proc/self/status");
    private static final Path CLEAR_REFS = Path.of("/proc/self/clear_refs");

    private final com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private final Thread sampler;
    private long[] wall = new long[1024];
    private long[] cpu = new long[1024];
    private long[] jit = new long[1024];
    private int count;
    private final JitThreads jitThreads = new JitThreads();
    private volatile boolean running = true;

    public ResourceMeter() {
        shrinkHeapOnFullGc();
        sample();
        sampler = new Thread(this::loop, "bench-resource-meter");
        sampler.setDaemon(true);
        sampler.start();
    }

    private void loop() {
        while (running) {
            try {
                Thread.sleep(SAMPLE_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
            sample();
        }
    }

    private synchronized void sample() {
        if (count == wall.length) {
            wall = Arrays.copyOf(wall, count * 2);
            cpu = Arrays.copyOf(cpu, count * 2);
            jit = Arrays.copyOf(jit, count * 2);
        }
        wall[count] = System.currentTimeMillis();
        cpu[count] = os.getProcessCpuTime();
        jit[count] = jitThreads.cpuNanos();
        count++;
    }

    /**
     * Lets the full GC before each system return free heap to the OS (G1 keeps up to 70% free by
     * default), so one system's peak RSS is not inflated by heap an earlier system left committed.
     */
    private static void shrinkHeapOnFullGc() {
        try {
            com.sun.management.HotSpotDiagnosticMXBean hs =
                    ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
            hs.setVMOption("MinHeapFreeRatio", "5");
            hs.setVMOption("MaxHeapFreeRatio", "15");
        } catch (RuntimeException e) {
            // Not manageable on this JVM: peak RSS then includes heap committed earlier.
        }
    }

    /** Process CPU time now, nanoseconds. */
    public long cpuNanosNow() {
        return os.getProcessCpuTime();
    }

    /** Process CPU seconds spent between two wall-clock times (ms), interpolated between samples. */
    public synchronized double cpuSecondsBetween(long fromMillis, long toMillis) {
        sample();
        return (cpuAt(toMillis) - cpuAt(fromMillis)) / 1e9;
    }

    /**
     * CPU seconds the JVM's JIT compiler threads spent between two wall-clock times (ms), or -1
     * where {@code /proc/self/task} cannot be read. Part of {@link #cpuSecondsBetween}.
     */
    public synchronized double jitCpuSecondsBetween(long fromMillis, long toMillis) {
        sample();
        if (jit[count - 1] < 0) {
            return -1;
        }
        return (valueAt(jit, toMillis) - valueAt(jit, fromMillis)) / 1e9;
    }

    private double cpuAt(long t) {
        return valueAt(cpu, t);
    }

    private double valueAt(long[] values, long t) {
        if (t <= wall[0]) {
            return values[0];
        }
        for (int i = 1; i < count; i++) {
            if (wall[i] >= t) {
                long span = wall[i] - wall[i - 1];
                double f = span == 0 ? 1 : (double) (t - wall[i - 1]) / span;
                return values[i - 1] + f * (values[i] - values[i - 1]);
            }
        }
        return values[count - 1];
    }

    /**
     * CPU time of HotSpot's compiler threads ({@code C1 CompilerThreadN}, {@code C2 CompilerThreadN}),
     * which the platform beans do not list, read from {@code /proc/self/task/<tid>/stat}. The thread
     * list is looked up again every {@value #RESCAN_MILLIS} ms, so compiler threads the JVM adds are
     * counted from then on; the time of a compiler thread that has exited is no longer counted.
     */
    static final class JitThreads {
        static final long RESCAN_MILLIS = 2_000;
        private static final Path TASKS = Path.of("/proc/self/task");
        private static final long NANOS_PER_TICK = 10_000_000L; // USER_HZ = 100 on Linux

        private List<Path> stats = List.of();
        private long scannedAt;
        private boolean unreadable;

        /** Summed user + system time of the compiler threads, ns; -1 when unknown. */
        long cpuNanos() {
            if (unreadable) {
                return -1;
            }
            long now = System.currentTimeMillis();
            if (now - scannedAt >= RESCAN_MILLIS) {
                scannedAt = now;
                rescan();
            }
            long ticks = 0;
            for (Path stat : stats) {
                ticks += ticks(stat);
            }
            return unreadable ? -1 : ticks * NANOS_PER_TICK;
        }

        private void rescan() {
            List<Path> found = new ArrayList<>();
            try (DirectoryStream<Path> tasks = Files.newDirectoryStream(TASKS)) {
                for (Path task : tasks) {
                    try {
                        String comm = Files.readString(task.resolve("comm")).trim();
                        if (comm.startsWith("C1 CompilerThre") || comm.startsWith("C2 CompilerThre")) {
                            found.add(task.resolve("stat"));
                        }
                    } catch (IOException e) {
                        // The thread exited while listing.
                    }
                }
            } catch (IOException | RuntimeException e) {
                unreadable = true;
            }
            stats = found;
        }

        /** utime + stime of one thread, in clock ticks; 0 when the thread has exited. */
        private static long ticks(Path stat) {
            try {
                String s = Files.readString(stat);
                String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
                return Long.parseLong(f[11]) + Long.parseLong(f[12]);
            } catch (IOException | RuntimeException e) {
                return 0;
            }
        }
    }

    /** Runs a full GC and resets the peak-RSS mark; returns false where the kernel does not allow it. */
    public boolean resetPeakRss() {
        System.gc();
        try {
            Files.writeString(CLEAR_REFS, "5");
            return true;
        } catch (IOException | SecurityException e) {
            return false;
        }
    }

    /** Peak resident set size since the last reset (or process start), MiB; -1 when unknown. */
    public double peakRssMib() {
        return statusKib("VmHWM:") / 1024.0;
    }

    /** Resident set size now, MiB; -1 when unknown. */
    public double rssMib() {
        return statusKib("VmRSS:") / 1024.0;
    }

    private static long statusKib(String field) {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith(field)) {
                    return Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1024;
        }
        return -1024;
    }

    /** The 1-minute load average, or -1 when unknown. */
    public static double loadAverage() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    @Override
    public void close() {
        running = false;
        sampler.interrupt();
    }
}
