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
