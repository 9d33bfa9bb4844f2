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
import io.polyroute.job.control.PlanOrigin;
import io.polyroute.kafka.ControlTopics;
import io.polyroute.runtime.placement.PlanVersion;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code polyroute plan pin}: put one expert on chosen slots and keep it there. */
@Command(
        name = "pin",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Publish a manual plan: the newest plan with one expert's replicas replaced by --slots (even",
            "shares unless --shares), that expert marked pinned, version = newest + 1. The rebalancer",
            "keeps pinned experts exactly as given and plans the others around them until 'plan unpin'.",
            "Without any plan on the topic, the static round-robin placement is the starting point; its",
            "shape comes from the load topic, or from --experts and --job-slots."
        })
final class PlanPinCommand implements Callable<Integer> {
    @Option(names = "--stage", defaultValue = "0", description = "Stage of the expert (default: ${DEFAULT-VALUE}).")
    int stage;

    @Option(names = "--expert", required = true, description = "Expert to pin (its index in the stage).")
    int expert;

    @Option(
            names = "--slots",
            hideParamSyntax = true,
            required = true,
            split = ",",
            paramLabel = "SLOT[,SLOT...]",
            description = "Slots that host the expert's replicas.")
    int[] slots;

    @Option(
            names = "--shares",
            hideParamSyntax = true,
            split = ",",
            paramLabel = "SHARE[,SHARE...]",
            description = "Traffic share of each slot in --slots, summing to 1 (default: even).")
    double[] shares;

    @Option(
            names = "--experts",
            hideParamSyntax = true,
            split = ",",
            paramLabel = "N[,N...]",
            description = "Experts per stage, only needed when neither a plan nor load reports exist yet.")
    List<Integer> expertsPerStage = new ArrayList<>();

    @Option(
            names = "--job-slots",
            paramLabel = "N",
            defaultValue = "0",
            description =
                    "The job's slot count (job.slots), only needed when neither a plan nor load reports exist yet.")
    int jobSlots;

    @Mixin
    ControlTopicOptions topics;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        var client = topics.clientProperties();
        var loads = ControlTopics.readLoads(client, topics.loadTopic(), PlanShowCommand.LOAD_TAIL, topics.timeout());
        Optional<ControlTopics.PublishedPlan> newest =
                ControlTopics.latestPlan(client, topics.plansTopic(), topics.job, topics.timeout());
        PlanVersion current = newest.map(ControlTopics.PublishedPlan::plan).orElseGet(() -> initial(loads));
        // The bundle the pinned plan is for is the one of the plan it changes (unknown without one).
        PlanOrigin origin = newest.map(ControlTopics.PublishedPlan::origin)
                .orElse(PlanOrigin.UNKNOWN)
                .withJob(topics.job);
        Optional<LoadSummary> latest =
                LoadSummary.latestComplete(loads, current.stage(0).slots());
        PlanVersion pinned = ManualPlans.pin(
                current,
                stage,
                expert,
                slots,
                shares,
                System.currentTimeMillis(),
                latest.map(l -> stageLoads(l, current.stageCount())));
        ControlTopics.publish(client, topics.plansTopic(), pinned, origin, topics.timeout());
        out.printf("published plan %d to %s%n", pinned.version(), topics.plansTopic());
        PlanReport.plan(out, pinned, latest);
        out.flush();
        return 0;
    }

    /** The static placement, shaped by --experts/--job-slots or by the load reports. */
    private PlanVersion initial(List<io.polyroute.avro.ExpertLoad> loads) {
        List<Integer> experts = expertsPerStage;
        int n = jobSlots;
        List<LoadSummary> windows = LoadSummary.windows(loads);
        if (experts.isEmpty() && !windows.isEmpty()) {
            LoadSummary last = windows.get(windows.size() - 1);
            experts = new ArrayList<>();
            for (int s = 0; s < last.stages(); s++) {
                experts.add(last.experts(s));
            }
        }
        if (n <= 0) {
            n = windows.stream()
                    .mapToInt(LoadSummary::expertSlotsReporting)
                    .max()
                    .orElse(0);
        }
        if (experts.isEmpty() || experts.contains(0) || n <= 0) {
            throw new IllegalStateException("There is no plan on " + topics.plansTopic() + " and no load report on "
                    + topics.loadTopic() + " to tell the experts and slots from; pass --experts and --job-slots.");
        }
        return PlanVersion.initial(Collections.unmodifiableList(experts), n);
    }

    static List<double[]> stageLoads(LoadSummary l, int stages) {
        List<double[]> out = new ArrayList<>();
        for (int s = 0; s < stages; s++) {
            out.add(l.expertLoad(s));
        }
        return out;
    }
}
