package io.polyroute.bench.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code polyroute bench ...}: end-to-end benchmarks against the baselines users would pick. */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = {
            "End-to-end benchmarks in one process (in-process Kafka broker, Flink MiniCluster).",
            "Every figure is measured side by side in one run on the same input; see docs/benchmarks.md."
        },
        subcommands = {BenchCompareCommand.class, BenchScalingCommand.class, BenchSkewCommand.class})
public final class BenchCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
