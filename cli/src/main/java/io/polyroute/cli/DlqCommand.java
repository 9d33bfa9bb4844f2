package io.polyroute.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code polyroute dlq}: read and replay the job's dead letters. */
@Command(
        name = "dlq",
        mixinStandardHelpOptions = true,
        description = {
            "Read the dead letters (decoded, committed ones only) or re-publish the original bytes of chosen ones "
                    + "to the input topic."
        },
        subcommands = {CommandLine.HelpCommand.class, DlqTailCommand.class, DlqReplayCommand.class})
final class DlqCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
