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

/** {@code polyroute rollout ...}: change the model version of a running job. */
@Command(
        name = "rollout",
        mixinStandardHelpOptions = true,
        description = {
            "Change the model version a running job serves (rollout.enabled=true; either job.mode):",
            "start a rollout of a validated bundle (switch, canary or shadow), promote it, roll back,",
            "or show where it stands on every serving subtask. See docs/rollouts.md."
        },
        subcommands = {
            RolloutStartCommand.class,
            RolloutPromoteCommand.class,
            RolloutRollbackCommand.class,
            RolloutStatusCommand.class
        })
public final class RolloutCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
