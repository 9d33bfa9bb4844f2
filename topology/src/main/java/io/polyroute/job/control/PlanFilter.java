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

import io.polyroute.avro.PlacementPlan;
import io.polyroute.runtime.placement.Placement;
import io.polyroute.runtime.placement.PlanVersion;
import java.io.Serializable;
import java.util.List;
import java.util.Objects;

/**
 * The one check of whether a placement plan fits this job; nothing else decides it. A plan is
 * ignored when its bytes are no {@code PlacementPlan}, when it names another job, bundle or bundle
 * version ({@link PlanOrigin}), or when its stage, expert or slot counts differ from the job's.
 * {@link PlanFilterFunction} applies it to every record of the plans topic before GATE, EXPERT and
 * the rebalancer see it; {@link PlanTracker} and the rebalancer apply {@link #misfit} to plans they
 * restore from a checkpoint or savepoint. An ignored plan is logged and counted, never thrown:
 * one bad record on a shared topic must not stop or restart the job.
 *
 * <pre>{@code
 * PlanFilter filter = new PlanFilter(new PlanOrigin("polyroute", "factory-moe", "3"), List.of(8), 4);
 * PlanFilter.Verdict v = filter.check(bytes);
 * if (v.accepted()) { use(v.plan()); } else { LOG.warn("Ignored a plan: {}.", v.refusal()); }
 * }</pre>
 */
public final class PlanFilter implements Serializable {
    private static final long serialVersionUID = 1L;

    private final PlanOrigin origin;
    private final List<Integer> expertsPerStage;
    private final int slots;

    /**
     * @param origin this job and its bundle
     * @param expertsPerStage the bundle's expert count per stage
     * @param slots the job's expert slots ({@code job.slots})
     */
    public PlanFilter(PlanOrigin origin, List<Integer> expertsPerStage, int slots) {
        this.origin = Objects.requireNonNull(origin, "origin");
        this.expertsPerStage = List.copyOf(expertsPerStage);
        this.slots = slots;
    }

    /** The plan, when accepted, or why it was not. */
    public record Verdict(PlanVersion plan, String refusal) {
        public boolean accepted() {
            return refusal == null;
        }
    }

    public PlanOrigin origin() {
        return origin;
    }

    public List<Integer> expertsPerStage() {
        return expertsPerStage;
    }

    public int slots() {
        return slots;
    }

    /** Decodes {@code bytes} and checks the plan; never throws. */
    public Verdict check(byte[] bytes) {
        PlacementPlan avro;
        try {
            avro = PlanCodec.decodeAvro(bytes);
        } catch (RuntimeException e) {
            return new Verdict(null, "the record is not a PlacementPlan: " + e.getMessage());
        }
        String foreign = origin.mismatch(PlanOrigin.of(avro));
        if (foreign != null) {
            return new Verdict(null, "plan " + avro.getVersion() + " is not for this job: " + foreign);
        }
        PlanVersion plan;
        try {
            plan = PlanCodec.fromAvro(avro);
        } catch (RuntimeException e) {
            return new Verdict(null, "plan " + avro.getVersion() + " is not a valid placement: " + e.getMessage());
        }
        String misfit = misfit(plan, expertsPerStage, slots);
        return misfit == null ? new Verdict(plan, null) : new Verdict(null, misfit);
    }

    /** Why {@code plan} does not fit this job's stages, experts and slots, or null when it does. */
    public String misfit(PlanVersion plan) {
        return misfit(plan, expertsPerStage, slots);
    }

    /**
     * Why {@code plan} does not fit a job of {@code expertsPerStage} experts per stage on {@code
     * slots} slots, or null when it does.
     */
    public static String misfit(PlanVersion plan, List<Integer> expertsPerStage, int slots) {
        if (plan.stageCount() != expertsPerStage.size()) {
            return "plan " + plan.version() + " has " + plan.stageCount() + " stages, but the bundle has "
                    + expertsPerStage.size();
        }
        for (int s = 0; s < plan.stageCount(); s++) {
            Placement p = plan.stage(s);
            if (p.experts() != expertsPerStage.get(s)) {
                return "plan " + plan.version() + " places " + p.experts() + " experts in stage " + s
                        + ", but the bundle has " + expertsPerStage.get(s);
            }
            if (p.slots() != slots) {
                return "plan " + plan.version() + " places stage " + s + " on " + p.slots()
                        + " slots, but the job has job.slots = " + slots;
            }
        }
        return null;
    }
}
