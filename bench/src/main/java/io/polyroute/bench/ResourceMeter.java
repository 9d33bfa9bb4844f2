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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

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
    private int count;
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
        }
        wall[count] = System.currentTimeMillis();
        cpu[count] = os.getProcessCpuTime();
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

    private double cpuAt(long t) {
        if (t <= wall[0]) {
            return cpu[0];
        }
        for (int i = 1; i < count; i++) {
            if (wall[i] >= t) {
                long span = wall[i] - wall[i - 1];
                double f = span == 0 ? 1 : (double) (t - wall[i - 1]) / span;
                return cpu[i - 1] + f * (cpu[i] - cpu[i - 1]);
            }
        }
        return cpu[count - 1];
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
