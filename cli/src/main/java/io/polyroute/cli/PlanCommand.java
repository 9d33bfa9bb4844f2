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
