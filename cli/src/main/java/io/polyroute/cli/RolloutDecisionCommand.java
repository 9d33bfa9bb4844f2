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

import io.polyroute.avro.RolloutKind;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * A rollout command that decides the rollout in progress and names no bundle: it publishes one
 * command of {@link #kind()} to the rollouts topic and optionally waits for the subtasks' answers.
 * The base of {@code rollout promote} and {@code rollout rollback}, which differ only in the kind
 * and their description.
 */
abstract class RolloutDecisionCommand implements Callable<Integer> {
    @Option(
            names = "--wait",
            paramLabel = "SECONDS",
            defaultValue = "0",
            description = "Wait up to this long for every reporting subtask to answer, and exit 1 on a refusal"
                    + " (default: do not wait).")
    long waitSeconds;

    @Mixin
    RolloutTopicOptions topics;

    @Spec
    CommandSpec spec;

    /** The command this publishes. */
    abstract RolloutKind kind();

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        String id = RolloutStartCommand.publish(topics, kind(), out);
        return waitSeconds > 0 ? RolloutStatusCommand.await(topics, id, waitSeconds, out) : 0;
    }
}
