package io.polyroute.bench.cli;

import picocli.CommandLine;

/**
 * Entry point of the benchmark jar: {@code ./polyroute bench ...} runs it. The JMH microbenchmarks
 * in the same jar run with {@code java -cp bench/target/polyroute-bench.jar org.openjdk.jmh.Main}.
 */
public final class BenchMain {
    private BenchMain() {}

    public static void main(String[] args) {
        CommandLine cl = new CommandLine(new BenchCommand());
        cl.setCommandName("polyroute bench");
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setUsageHelpWidth(110);
        System.exit(cl.execute(args));
    }
}
