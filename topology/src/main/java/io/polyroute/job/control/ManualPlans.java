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
package io.polyroute.job.control;

import io.polyroute.runtime.placement.ExpertReplicas;
import io.polyroute.runtime.placement.Placement;
import io.polyroute.runtime.placement.PlanVersion;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The plans an operator publishes by hand ({@code polyroute plan pin|unpin}): the current plan with
 * one expert's replicas replaced and marked pinned, or with pins cleared, always under the next
 * version. The rebalancer passes pins to the planner, which keeps pinned experts exactly as given
 * and plans the others around them.
 *
 * <pre>{@code
 * PlanVersion pinned = ManualPlans.pin(current, 0, 3, new int[] {1, 2}, null, clock.millis(), load);
 * PlanVersion free = ManualPlans.unpin(pinned, OptionalInt.empty(), OptionalInt.empty(), clock.millis(), load);
 * }</pre>
 */
public final class ManualPlans {
    private ManualPlans() {}

    /**
     * {@code current} with expert {@code expert} of stage {@code stage} on {@code slots} with
     * {@code shares} (even shares when null), pinned; version + 1. {@code loads}, when present, gives
     * the observed load per stage and expert to predict the imbalance with.
     *
     * @throws IllegalArgumentException naming the option when the stage, expert, slots or shares are invalid
     */
    public static PlanVersion pin(
            PlanVersion current,
            int stage,
            int expert,
            int[] slots,
            double[] shares,
            long timestampMillis,
            Optional<List<double[]>> loads) {
        Placement p = checkStage(current, stage);
        if (expert < 0 || expert >= p.experts()) {
            throw new IllegalArgumentException("--expert must be between 0 and " + (p.experts() - 1) + " (stage "
                    + stage + " has " + p.experts() + " experts), but is " + expert + ".");
        }
        if (slots.length == 0) {
            throw new IllegalArgumentException("--slots must name at least one slot.");
        }
        for (int s : slots) {
            if (s < 0 || s >= p.slots()) {
                throw new IllegalArgumentException("--slots must lie between 0 and " + (p.slots() - 1)
                        + " (the plan has " + p.slots() + " slots), but names " + s + ".");
            }
        }
        if (shares != null && shares.length != slots.length) {
            throw new IllegalArgumentException("--shares must give one share per slot: " + slots.length + " slots but "
                    + shares.length + " shares.");
        }
        ExpertReplicas replicas;
        try {
            replicas = shares == null ? ExpertReplicas.even(slots) : ExpertReplicas.of(slots, shares);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "--slots/--shares do not form a valid replica set: " + e.getMessage(), e);
        }
        List<ExpertReplicas> experts = new ArrayList<>();
        for (int e = 0; e < p.experts(); e++) {
            experts.add(e == expert ? replicas : p.replicas(e));
        }
        Set<Integer> pinned = new TreeSet<>(current.pinnedExperts(stage));
        pinned.add(expert);
        String reason = String.format(
                Locale.ROOT,
                "pinned by hand: stage %d expert %d on slots %s (shares %s)",
                stage,
                expert,
                Arrays.toString(replicas.slots()),
                Arrays.stream(replicas.shares())
                        .mapToObj(x -> String.format(Locale.ROOT, "%.3f", x))
                        .collect(Collectors.joining(", ", "[", "]")));
        return next(current, stage, Placement.of(p.slots(), experts), pinned, reason, timestampMillis, loads);
    }

    /**
     * {@code current} with the pin of one expert (both given) or of every expert (neither given)
     * cleared; placement unchanged; version + 1.
     */
    public static PlanVersion unpin(
            PlanVersion current,
            Optional<Integer> stage,
            Optional<Integer> expert,
            long timestampMillis,
            Optional<List<double[]>> loads) {
        if (stage.isPresent() != expert.isPresent()) {
            throw new IllegalArgumentException(
                    "Give both --stage and --expert to unpin one expert, or neither to unpin " + "all.");
        }
        PlanVersion.Builder b = header(current, timestampMillis);
        String reason;
        if (stage.isEmpty()) {
            for (int s = 0; s < current.stageCount(); s++) {
                b.stage(current.stage(s)).pinned(s, Set.of());
            }
            reason = "unpinned by hand: every expert";
        } else {
            checkStage(current, stage.get());
            if (!current.pinnedExperts(stage.get()).contains(expert.get())) {
                throw new IllegalArgumentException("Expert " + expert.get() + " of stage " + stage.get()
                        + " is not pinned in plan " + current.version() + "; pinned: "
                        + current.pinnedExperts(stage.get()) + ".");
            }
            for (int s = 0; s < current.stageCount(); s++) {
                Set<Integer> pins = new TreeSet<>(current.pinnedExperts(s));
                if (s == stage.get()) {
                    pins.remove(expert.get());
                }
                b.stage(current.stage(s)).pinned(s, pins);
            }
            reason = "unpinned by hand: stage " + stage.get() + " expert " + expert.get();
        }
        return b.reason(reason)
                .predictedImbalance(predicted(current, current.stages(), loads))
                .sessionsMoved(0)
                .build();
    }

    private static PlanVersion next(
            PlanVersion current,
            int stage,
            Placement placement,
            Set<Integer> pinned,
            String reason,
            long timestampMillis,
            Optional<List<double[]>> loads) {
        PlanVersion.Builder b = header(current, timestampMillis);
        List<Placement> stages = new ArrayList<>(current.stages());
        stages.set(stage, placement);
        for (int s = 0; s < stages.size(); s++) {
            b.stage(stages.get(s)).pinned(s, s == stage ? pinned : current.pinnedExperts(s));
        }
        return b.reason(reason)
                .predictedImbalance(predicted(current, stages, loads))
                .sessionsMoved(placement.movedSessions(current.stage(stage)))
                .build();
    }

    private static PlanVersion.Builder header(PlanVersion current, long timestampMillis) {
        return PlanVersion.builder().version(current.version() + 1).timestampMillis(timestampMillis);
    }

    /** The largest predicted imbalance over stages under the observed loads, else the current plan's figure. */
    private static double predicted(PlanVersion current, List<Placement> stages, Optional<List<double[]>> loads) {
        if (loads.isEmpty() || loads.get().size() != stages.size()) {
            return current.predictedImbalance();
        }
        double worst = 1.0;
        for (int s = 0; s < stages.size(); s++) {
            double[] l = loads.get().get(s);
            if (l.length == stages.get(s).experts()) {
                worst = Math.max(worst, stages.get(s).imbalance(l));
            }
        }
        return worst;
    }

    private static Placement checkStage(PlanVersion plan, int stage) {
        if (stage < 0 || stage >= plan.stageCount()) {
            throw new IllegalArgumentException("--stage must be between 0 and " + (plan.stageCount() - 1) + " (plan "
                    + plan.version() + " has " + plan.stageCount() + " stages), but is " + stage + ".");
        }
        return plan.stage(stage);
    }
}
