package io.polyroute.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code polyroute bundle ...}: build, pack, validate and inspect model bundles. */
@Command(
        name = "bundle",
        mixinStandardHelpOptions = true,
        description = "Build, pack, validate and inspect model bundles (see docs/bundle-format.md).",
        subcommands = {
            BundleBuildCommand.class,
            BundlePackCommand.class,
            BundleValidateCommand.class,
            BundleInspectCommand.class
        })
public final class BundleCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
