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
package io.polyroute.runtime.placement;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One published placement plan of a whole job: a version, the time and reason, and one section per
 * stage (a {@link Placement} over that stage's slots, with its pinned experts). Immutable; plans
 * are ordered by {@link #version()}.
 *
 * <p>Stages are planned independently because each stage has its own expert operator and so its own
 * slots. On the wire ({@code PlacementPlan} on the job's plans topic) a plan is the metadata plus
 * one row per (stage, expert): {@code stage}, {@code expert}, {@code slots[]}, {@code shares[]} (from
 * {@link ExpertReplicas#slots()} / {@link ExpertReplicas#shares()}) and {@code pinned}; reading the
 * rows back grouped by stage and ordered by expert rebuilds the sections.
 *
 * <pre>{@code
 * PlanVersion plan = PlanVersion.initial(List.of(16, 16), 8);          // version 0, round robin
 * Optional<PlanVersion> next = plan.next(decisionsPerStage, clock.millis());
 * }</pre>
 */
public final class PlanVersion {
    private final long version;
    /** When the plan was made, epoch milliseconds; supplied by the caller, the planner has no clock. */
    private final long timestampMillis;

    private final String reason;
    private final List<Placement> stages;
    /** Pinned experts of each stage, ascending. */
    private final List<Set<Integer>> pinned;
    /** Predicted imbalance of the plan: the largest over its stages, as planned. */
    private final double predictedImbalance;
    /** Sessions this plan loads that the plan it replaced did not hold, over all stages. */
    private final int sessionsMoved;

    private PlanVersion(Builder b) {
        this.version = b.version;
        this.timestampMillis = b.timestampMillis;
        this.reason = b.reason;
        this.stages = List.copyOf(b.stages);
        List<Set<Integer>> p = new ArrayList<>();
        for (int s = 0; s < stages.size(); s++) {
            p.add(Collections.unmodifiableSet(new TreeSet<>(b.pinned.getOrDefault(s, Set.of()))));
        }
        this.pinned = List.copyOf(p);
        this.predictedImbalance = b.predictedImbalance;
        this.sessionsMoved = b.sessionsMoved;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Version 0: every stage in {@link Placement#roundRobin round robin} over {@code slots} slots. */
    public static PlanVersion initial(List<Integer> expertsPerStage, int slots) {
        Builder b = builder().version(0).reason("static round-robin placement");
        for (int experts : expertsPerStage) {
            b.stage(Placement.roundRobin(experts, slots));
        }
        return b.build();
    }

    public long version() {
        return version;
    }

    public long timestampMillis() {
        return timestampMillis;
    }

    public String reason() {
        return reason;
    }

    /** Number of stages. */
    public int stageCount() {
        return stages.size();
    }

    /** The placement of stage {@code stage}. */
    public Placement stage(int stage) {
        return stages.get(stage);
    }

    /** The placements of all stages, by stage. */
    public List<Placement> stages() {
        return stages;
    }

    /** Whether any expert of any stage is pinned (an operator's manual plan is in force). */
    public boolean pinned() {
        return pinned.stream().anyMatch(s -> !s.isEmpty());
    }

    /** The pinned experts of {@code stage}, ascending. */
    public Set<Integer> pinnedExperts(int stage) {
        return pinned.get(stage);
    }

    /** The pins of {@code stage} as the planner takes them: each pinned expert with its replicas in this plan. */
    public Map<Integer, ExpertReplicas> pins(int stage) {
        Map<Integer, ExpertReplicas> pins = new TreeMap<>();
        for (int e : pinned.get(stage)) {
            pins.put(e, stages.get(stage).replicas(e));
        }
        return pins;
    }

    public double predictedImbalance() {
        return predictedImbalance;
    }

    public int sessionsMoved() {
        return sessionsMoved;
    }

    /**
     * The plan that follows from one {@link PlanDecision} per stage: version + 1, published stages
     * replaced, pins kept, predicted imbalance the largest over stages after the decisions, sessions
     * moved summed, reasons joined. Empty when no stage publishes.
     */
    public Optional<PlanVersion> next(List<PlanDecision> decisions, long timestampMillis) {
        if (decisions.size() != stages.size()) {
            throw new IllegalArgumentException("A plan of " + stages.size()
                    + " stages needs one decision per stage, got " + decisions.size() + ".");
        }
        if (decisions.stream().noneMatch(PlanDecision::published)) {
            return Optional.empty();
        }
        Builder b = toBuilder()
                .version(version + 1)
                .timestampMillis(timestampMillis)
                .clearStages();
        List<String> reasons = new ArrayList<>();
        double imbalance = 0;
        int moved = 0;
        for (int s = 0; s < stages.size(); s++) {
            PlanDecision d = decisions.get(s);
            b.stage(d.placement().orElse(stages.get(s)));
            imbalance = Math.max(imbalance, d.imbalanceAfter());
            moved += d.sessionsMoved();
            if (d.published()) {
                reasons.add(stages.size() == 1 ? d.reason() : "stage " + s + ": " + d.reason());
            }
        }
        return Optional.of(b.reason(String.join("; ", reasons))
                .predictedImbalance(imbalance)
                .sessionsMoved(moved)
                .build());
    }

    /** A builder holding this plan's values. */
    public Builder toBuilder() {
        Builder b = builder()
                .version(version)
                .timestampMillis(timestampMillis)
                .reason(reason)
                .predictedImbalance(predictedImbalance)
                .sessionsMoved(sessionsMoved);
        for (int s = 0; s < stages.size(); s++) {
            b.stage(stages.get(s));
            b.pinned(s, pinned.get(s));
        }
        return b;
    }

    @Override
    public String toString() {
        return "PlanVersion{version=" + version + ", reason='" + reason + "', pinned=" + pinned
                + ", predictedImbalance=" + predictedImbalance + ", sessionsMoved=" + sessionsMoved
                + ", stages=" + stages + '}';
    }

    /** Builder of {@link PlanVersion}; {@link #build()} checks every value. */
    public static final class Builder {
        private long version;
        private long timestampMillis;
        private String reason = "";
        private final List<Placement> stages = new ArrayList<>();
        private final Map<Integer, Set<Integer>> pinned = new TreeMap<>();
        private double predictedImbalance = 1.0;
        private int sessionsMoved;

        public Builder version(long version) {
            this.version = version;
            return this;
        }

        public Builder timestampMillis(long timestampMillis) {
            this.timestampMillis = timestampMillis;
            return this;
        }

        public Builder reason(String reason) {
            this.reason = reason;
            return this;
        }

        /** Appends the placement of the next stage. */
        public Builder stage(Placement placement) {
            this.stages.add(placement);
            return this;
        }

        Builder clearStages() {
            this.stages.clear();
            return this;
        }

        /** Marks {@code experts} of {@code stage} as pinned (replacing earlier marks of that stage). */
        public Builder pinned(int stage, Set<Integer> experts) {
            this.pinned.put(stage, new TreeSet<>(experts));
            return this;
        }

        public Builder predictedImbalance(double imbalance) {
            this.predictedImbalance = imbalance;
            return this;
        }

        public Builder sessionsMoved(int moved) {
            this.sessionsMoved = moved;
            return this;
        }

        public PlanVersion build() {
            sanityCheck();
            return new PlanVersion(this);
        }

        private void sanityCheck() {
            if (version < 0) {
                throw new IllegalArgumentException("The plan version must be >= 0, but is " + version + ".");
            }
            if (reason == null) {
                throw new IllegalArgumentException("The plan reason must be set (it may be empty).");
            }
            if (stages.isEmpty() || stages.contains(null)) {
                throw new IllegalArgumentException("A plan needs a placement for every stage, got " + stages + ".");
            }
            if (!(predictedImbalance >= 1.0 - 1e-9) || Double.isInfinite(predictedImbalance)) {
                throw new IllegalArgumentException(
                        "The predicted imbalance must be finite and >= 1, but is " + predictedImbalance + ".");
            }
            if (sessionsMoved < 0) {
                throw new IllegalArgumentException("The sessions moved must be >= 0, but are " + sessionsMoved + ".");
            }
            for (Map.Entry<Integer, Set<Integer>> p : pinned.entrySet()) {
                int stage = p.getKey();
                if (stage < 0 || stage >= stages.size()) {
                    throw new IllegalArgumentException(
                            "Pinned experts name stage " + stage + " but the plan has " + stages.size() + " stages.");
                }
                for (int e : p.getValue()) {
                    if (e < 0 || e >= stages.get(stage).experts()) {
                        throw new IllegalArgumentException("Stage " + stage + " pins expert " + e + " but has "
                                + stages.get(stage).experts() + " experts.");
                    }
                }
            }
        }
    }
}
