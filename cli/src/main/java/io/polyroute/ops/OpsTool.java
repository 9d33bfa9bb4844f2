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
package io.polyroute.ops;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Command line of the cluster scripts in {@code ops/} and of the Docker and Kubernetes recipes:
 * {@code topics}, {@code produce}, {@code verify}, {@code leader} and {@code simulate}. The job itself is submitted with {@code polyroute run --jobmanager}. Runs from
 * the shaded jar:
 *
 * <pre>{@code
 * java -cp cli/target/polyroute-cli-*-all.jar io.polyroute.ops.OpsTool produce \
 *     --bootstrap-servers 127.0.0.1:29111 --topic sensors --records 100000 --dim 16
 * }</pre>
 */
@Command(
        name = "polyroute-ops",
        mixinStandardHelpOptions = true,
        description = "Cluster operations for the chaos and overload tests.",
        subcommands = {
            CommandLine.HelpCommand.class,
            TopicsCommand.class,
            ProduceCommand.class,
            VerifyCommand.class,
            LeaderCommand.class,
            SimulateCommand.class
        })
public final class OpsTool implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** Runs a subcommand; usage errors exit with 2, failures with 1. */
    public static void main(String[] args) {
        CommandLine cl = new CommandLine(new OpsTool());
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setExecutionExceptionHandler((e, line, parsed) -> {
            line.getErr().println("error: " + e.getMessage());
            if (!(e instanceof IllegalArgumentException)) {
                e.printStackTrace(line.getErr());
            }
            return e instanceof IllegalArgumentException ? 2 : 1;
        });
        System.exit(cl.execute(args));
    }
}
