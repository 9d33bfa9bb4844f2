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

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ResourceMeterTest {

    @Test
    void shouldFindTheCompilerThreadsAndTheirCpuTime() {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/task")), "needs Linux /proc");
        // Code that the JIT compiles: by now the compiler threads have run for the JVM's startup.
        long sum = 0;
        for (int i = 0; i < 200_000; i++) {
            sum += Integer.toString(i).hashCode();
        }
        ResourceMeter.JitThreads jit = new ResourceMeter.JitThreads();
        long nanos = jit.cpuNanos();

        assertThat(sum).isNotZero();
        assertThat(nanos).as("CPU time of C1/C2 compiler threads").isPositive();
        assertThat(jit.cpuNanos()).isGreaterThanOrEqualTo(nanos);
    }

    @Test
    void shouldCountTheJitTimeWithinTheProcessTime() throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/task")), "needs Linux /proc");
        try (ResourceMeter meter = new ResourceMeter()) {
            long from = System.currentTimeMillis() - 1;
            long sum = 0;
            for (int i = 0; i < 2_000_000; i++) {
                sum += Long.toHexString(i * 31L).length();
            }
            long to = System.currentTimeMillis() + 1;
            double jit = meter.jitCpuSecondsBetween(from, to);
            double all = meter.cpuSecondsBetween(from, to);

            assertThat(sum).isPositive();
            assertThat(jit).isBetween(0.0, all + 0.02);
        }
    }
}
