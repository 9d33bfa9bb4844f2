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
