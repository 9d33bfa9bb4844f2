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
import java.time.Instant;
import java.util.Locale;

/**
 * The machine a run was measured on, and how busy it was: figures from a shared machine are only
 * comparable as ratios within one run, so every report carries the load averages.
 *
 * @param cores processors available to the JVM
 * @param cpu CPU model name
 * @param memoryGib physical memory
 * @param runtime Java runtime version
 * @param os kernel
 * @param load1 1-minute load average
 * @param load5 5-minute load average
 * @param load15 15-minute load average
 * @param time when it was taken
 */
record MachineInfo(
        int cores,
        String cpu,
        double memoryGib,
        String runtime,
        String os,
        double load1,
        double load5,
        double load15,
        String time) {

    static MachineInfo now() {
        double[] load = loadAverages();
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        return new MachineInfo(
                Runtime.getRuntime().availableProcessors(),
                cpuModel(),
                Math.round(os.getTotalMemorySize() / (1024.0 * 1024 * 1024) * 10) / 10.0,
                System.getProperty("java.vm.name") + " " + System.getProperty("java.version"),
                System.getProperty("os.name") + " " + System.getProperty("os.version"),
                load[0],
                load[1],
                load[2],
                Instant.now().toString());
    }

    String summary() {
        return String.format(
                Locale.ROOT,
                "%d cores (%s), %.0f GiB, %s; load average %.1f / %.1f / %.1f",
                cores,
                cpu,
                memoryGib,
                runtime,
                load1,
                load5,
                load15);
    }

    private static double[] loadAverages() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return new double[] {Double.parseDouble(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2])};
        } catch (IOException | RuntimeException e) {
            double l = ResourceMeter.loadAverage();
            return new double[] {l, -1, -1};
        }
    }

    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException | RuntimeException e) {
            return System.getProperty("os.arch");
        }
        return System.getProperty("os.arch");
    }
}
