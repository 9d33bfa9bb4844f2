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

import java.io.PrintStream;
import java.nio.file.Path;

/** Prints a {@link CompareReport} and writes its JSON and charts. */
final class CompareOutput {
    private CompareOutput() {}

    /** Table and notes to {@code out}, files under {@code dir}; the summary line is printed last. */
    static void publish(CompareReport r, Path dir, PrintStream out) {
        BenchOutput files = new BenchOutput(dir, "compare", r.workload().name());
        Path json = files.writeJson(r);
        Path tp = BenchCharts.throughput(r, files.file("throughput.png"));
        Path lat = BenchCharts.latency(r, files.file("latency.png"));
        out.println();
        out.print(r.table().render());
        out.println();
        out.println(r.notes());
        out.println("results: " + json + ", charts: " + tp + (lat == null ? "" : ", " + lat));
        out.println(r.summaryLine());
    }
}
