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
import io.polyroute.kafka.ControlTopics;
import io.polyroute.runtime.placement.PlanVersion;
import java.io.PrintWriter;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code polyroute plan show}: the plan in force, the latest loads and the observed imbalance. */
@Command(
        name = "show",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Print the newest committed plan on the plans topic (per expert its replica slots and traffic",
            "shares, pins, each slot's sessions and share of the latest load), then the latest complete",
            "load window from the load topic: records routed and served and service time per expert,",
            "service time per slot and the observed imbalance (max / mean slot service time)."
        })
final class PlanShowCommand implements Callable<Integer> {
    /** Load records read from the end of each partition of the load topic. */
    static final int LOAD_TAIL = 500;

    @Mixin
    ControlTopicOptions topics;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Optional<PlanVersion> plan = ControlTopics.latestPlan(
                        topics.clientProperties(), topics.plansTopic(), topics.job, topics.timeout())
                .map(ControlTopics.PublishedPlan::plan);
        var loads = ControlTopics.readLoads(topics.clientProperties(), topics.loadTopic(), LOAD_TAIL, topics.timeout());
        int slots = plan.map(p -> p.stage(0).slots())
                .orElseGet(() -> LoadSummary.windows(loads).stream()
                        .mapToInt(LoadSummary::expertSlotsReporting)
                        .max()
                        .orElse(0));
        Optional<LoadSummary> latest = LoadSummary.latestComplete(loads, Math.max(1, slots));
        if (plan.isPresent()) {
            PlanReport.plan(out, plan.get(), latest);
        } else {
            out.printf(
                    "no plan on %s yet: the static round-robin placement (version 0) is in force%n",
                    topics.plansTopic());
        }
        PlanReport.load(out, latest, slots, topics.loadTopic());
        out.flush();
        return 0;
    }
}
