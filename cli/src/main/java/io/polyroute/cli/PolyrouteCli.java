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
package io.polyroute.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code polyroute} command line: the entry point of the launcher script and of the CLI jar. Each subcommand lives in its own class and answers {@code --help}.
 */
@Command(
        name = "polyroute",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Serve mixture-of-experts models over Kafka streams with Apache Flink.",
        subcommands = {
            CommandLine.HelpCommand.class,
            DemoCommand.class,
            RunCommand.class,
            SqlCommand.class,
            MonitorCommand.class,
            BundleCommand.class,
            ScoreCommand.class,
            PlanCommand.class,
            RolloutCommand.class,
            DlqCommand.class
        },
        footer = {
            "",
            "Benchmarks: ./polyroute bench compare|scaling|skew (the polyroute-bench jar; ./polyroute bench --help).",
            "Operations: ./polyroute ops topics|produce|verify|simulate (./polyroute ops --help)."
        })
public final class PolyrouteCli implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** Builds the command line with every subcommand registered; used by {@link #main} and tests. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new PolyrouteCli());
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        // Descriptions are written as lines of up to 105 characters; wrapping them at picocli's
        // default of 80 breaks them mid-sentence.
        cl.setUsageHelpWidth(110);
        cl.setExecutionExceptionHandler(PolyrouteCli::handleFailure);
        cl.getSubcommands()
                .get("run")
                .getCommandSpec()
                .usageMessage()
                .footer(io.polyroute.job.config.OptionsRegistry.helpText());
        return HelpLayout.install(cl);
    }

    /**
     * Usage errors (bad values, bad bundles, bad configuration) print one line that says what to
     * fix; anything else prints its stack trace too.
     */
    private static int handleFailure(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
        if (e instanceof IllegalArgumentException
                || e instanceof IllegalStateException
                || e instanceof io.polyroute.runtime.bundle.BundleValidationException
                || e instanceof io.polyroute.job.config.ConfigException
                || e instanceof io.polyroute.kafka.MissingTopicException) {
            cl.getErr().println("error: " + e.getMessage());
            return 2;
        }
        cl.getErr().println("error: " + e);
        e.printStackTrace(cl.getErr());
        return 1;
    }

    /**
     * Runs the command line and exits with its code. When Flink itself calls this method
     * ({@code flink run}, the REST API's {@code /jars/<id>/run}, application mode on Docker or
     * Kubernetes), it runs inside a Flink JVM that must not exit: then a failure is thrown instead.
     */
    public static void main(String[] args) {
        int code = commandLine().execute(args);
        if (!calledByFlink()) {
            System.exit(code);
        }
        if (code != 0) {
            // Only the subcommand: the other arguments may carry secrets given with --set.
            throw new IllegalStateException("polyroute " + (args.length > 0 ? args[0] : "") + " failed with exit code "
                    + code + "; the error is printed above.");
        }
    }

    /** Whether Flink's program runner (client, REST handler or application-mode JobManager) is the caller. */
    static boolean calledByFlink() {
        for (StackTraceElement frame : Thread.currentThread().getStackTrace()) {
            if (frame.getClassName().equals("org.apache.flink.client.program.PackagedProgram")) {
                return true;
            }
        }
        return false;
    }
}
