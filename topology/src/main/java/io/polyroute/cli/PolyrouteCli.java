package io.polyroute.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code polyroute} command line: the single entry point of the launcher script and of the
 * shaded job jar. Each subcommand lives in its own class and answers {@code --help}.
 */
@Command(
        name = "polyroute",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Serve mixture-of-experts models over Kafka streams with Apache Flink.",
        subcommands = {CommandLine.HelpCommand.class})
public final class PolyrouteCli implements Runnable {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** Builds the command line with every subcommand registered; used by {@link #main} and tests. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new PolyrouteCli());
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        return cl;
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
