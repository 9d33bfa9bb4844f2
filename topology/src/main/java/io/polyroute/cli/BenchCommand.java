package io.polyroute.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code polyroute bench ...}: end-to-end benchmarks in one process. */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = {
            "End-to-end benchmarks in one process (in-process Kafka broker, Flink MiniCluster).",
            "See docs/benchmarks.md for what each measures and the figures on record."
        },
        subcommands = {BenchSkewCommand.class})
public final class BenchCommand implements Runnable {
    @Spec CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
