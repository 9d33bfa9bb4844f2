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

import io.polyroute.job.control.LoadSummary;
import io.polyroute.job.control.ManualPlans;
import io.polyroute.kafka.ControlTopics;
import io.polyroute.runtime.placement.PlanVersion;
import java.io.PrintWriter;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code polyroute plan unpin}: hand pinned experts back to the rebalancer. */
@Command(
        name = "unpin",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Publish the newest plan with its pins cleared (all of them, or one with --stage and --expert),",
            "version = newest + 1. The placement itself is unchanged; the rebalancer moves the experts",
            "again when the load says so."
        })
final class PlanUnpinCommand implements Callable<Integer> {
    @Option(names = "--stage", description = "Stage of the one expert to unpin (with --expert).")
    Integer stage;

    @Option(names = "--expert", description = "The one expert to unpin (with --stage; default: every expert).")
    Integer expert;

    @Mixin
    ControlTopicOptions topics;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        var client = topics.clientProperties();
        ControlTopics.PublishedPlan newest = ControlTopics.latestPlan(
                        client, topics.plansTopic(), topics.job, topics.timeout())
                .orElseThrow(() -> new IllegalStateException("There is no plan for job '" + topics.job + "' on "
                        + topics.plansTopic() + ", so nothing is pinned."));
        PlanVersion current = newest.plan();
        var loads = ControlTopics.readLoads(client, topics.loadTopic(), PlanShowCommand.LOAD_TAIL, topics.timeout());
        Optional<LoadSummary> latest =
                LoadSummary.latestComplete(loads, current.stage(0).slots());
        Optional<Integer> oneStage = Optional.ofNullable(stage);
        Optional<Integer> oneExpert = Optional.ofNullable(expert);
        if (oneStage.isEmpty() && oneExpert.isPresent()) {
            oneStage = Optional.of(0);
        }
        PlanVersion unpinned = ManualPlans.unpin(
                current,
                oneStage,
                oneExpert,
                System.currentTimeMillis(),
                latest.map(l -> PlanPinCommand.stageLoads(l, current.stageCount())));
        ControlTopics.publish(
                client, topics.plansTopic(), unpinned, newest.origin().withJob(topics.job), topics.timeout());
        out.printf("published plan %d to %s%n", unpinned.version(), topics.plansTopic());
        PlanReport.plan(out, unpinned, latest);
        out.flush();
        return 0;
    }
}
