package io.polyroute.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code polyroute plan ...}: look at and steer the placement of a running job. */
@Command(
        name = "plan",
        mixinStandardHelpOptions = true,
        description = {
            "Show the placement plan in force with the latest loads, or publish a manual plan: pin an",
            "expert to slots (the rebalancer keeps it there) or unpin. Plans go to the job's plans topic",
            "under the next version; GATE and EXPERT follow the newest version they read."
        },
        subcommands = {PlanShowCommand.class, PlanPinCommand.class, PlanUnpinCommand.class})
public final class PlanCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
