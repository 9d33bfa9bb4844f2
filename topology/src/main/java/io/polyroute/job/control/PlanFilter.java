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
 * <p>A job that serves rollouts ({@code versions}) also accepts plans for this job that name another
 * bundle version ({@link Verdict#version()}): such a plan must have the job's stage and slot counts;
 * its expert counts are checked by GATE against the version it serves ({@link #misfit(PlanVersion,
 * List, int)} with the version's counts), since only GATE opens that version.
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
    /** Whether plans of other versions of this job are accepted (the job serves rollouts). */
    private final boolean versions;

    /**
     * @param origin this job and its bundle
     * @param expertsPerStage the bundle's expert count per stage
     * @param slots the job's expert slots ({@code job.slots})
     */
    public PlanFilter(PlanOrigin origin, List<Integer> expertsPerStage, int slots) {
        this(origin, expertsPerStage, slots, false);
    }

    /**
     * @param origin this job and its bundle
     * @param expertsPerStage the bundle's expert count per stage
     * @param slots the job's expert slots ({@code job.slots})
     * @param versions whether the job serves other versions (rollouts) and takes plans for them
     */
    public PlanFilter(PlanOrigin origin, List<Integer> expertsPerStage, int slots, boolean versions) {
        this.origin = Objects.requireNonNull(origin, "origin");
        this.expertsPerStage = List.copyOf(expertsPerStage);
        this.slots = slots;
        this.versions = versions;
    }

    /**
     * The plan, when accepted, or why it was not; {@code version} is the version key ({@code
     * name:version}) of a plan for another version than the job's own bundle, null otherwise.
     */
    public record Verdict(PlanVersion plan, String refusal, String version) {
        public Verdict(PlanVersion plan, String refusal) {
            this(plan, refusal, null);
        }

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
        String other = versions ? versionOf(avro, origin) : null;
        if (other != null) {
            return checkOtherVersion(avro, other);
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

    private Verdict checkOtherVersion(PlacementPlan avro, String version) {
        PlanOrigin named = PlanOrigin.of(avro);
        if (!named.job().isEmpty() && !origin.job().isEmpty() && !named.job().equals(origin.job())) {
            return new Verdict(null, "plan " + avro.getVersion() + " is not for this job: " + origin.mismatch(named));
        }
        PlanVersion plan;
        try {
            plan = PlanCodec.fromAvro(avro);
        } catch (RuntimeException e) {
            return new Verdict(null, "plan " + avro.getVersion() + " is not a valid placement: " + e.getMessage());
        }
        List<Integer> unknownExperts = new java.util.ArrayList<>();
        expertsPerStage.forEach(x -> unknownExperts.add(-1));
        String misfit = misfit(plan, unknownExperts, slots);
        return misfit == null
                ? new Verdict(plan, null, version)
                : new Verdict(null, misfit + " (a plan for " + version + ")", version);
    }

    /**
     * The version key ({@code name:version}) of the bundle version a plan names when that is not
     * {@code own}'s bundle version; null for a plan of {@code own}'s version or one that names no
     * version (plans written before the fields existed, or by a job of unknown bundle).
     */
    public static String versionOf(PlacementPlan plan, PlanOrigin own) {
        String version = plan.getBundleVersion();
        if (version.isEmpty() || own.bundleVersion().isEmpty()) {
            return null;
        }
        String name = plan.getBundleName().isEmpty() ? own.bundleName() : plan.getBundleName();
        return name.equals(own.bundleName()) && version.equals(own.bundleVersion()) ? null : name + ":" + version;
    }

    /** Why {@code plan} does not fit this job's stages, experts and slots, or null when it does. */
    public String misfit(PlanVersion plan) {
        return misfit(plan, expertsPerStage, slots);
    }

    /**
     * Why {@code plan} does not fit a job of {@code expertsPerStage} experts per stage on {@code
     * slots} slots, or null when it does. A negative expert count is unknown and fits any.
     */
    public static String misfit(PlanVersion plan, List<Integer> expertsPerStage, int slots) {
        if (plan.stageCount() != expertsPerStage.size()) {
            return "plan " + plan.version() + " has " + plan.stageCount() + " stages, but the bundle has "
                    + expertsPerStage.size();
        }
        for (int s = 0; s < plan.stageCount(); s++) {
            Placement p = plan.stage(s);
            if (expertsPerStage.get(s) >= 0 && p.experts() != expertsPerStage.get(s)) {
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
