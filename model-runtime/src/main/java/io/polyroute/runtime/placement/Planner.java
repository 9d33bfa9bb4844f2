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

import io.polyroute.runtime.placement.Candidates.Candidate;
import io.polyroute.runtime.placement.PlanDecision.Outcome;
import java.util.Locale;
import java.util.OptionalInt;

/**
 * Plans the placement of one stage's experts over its slots (docs/design.md §6). A pure function of its
 * options and the {@link PlanRequest}: immutable, thread-safe, deterministic.
 *
 * <p>Algorithm. Candidates are built and compared by predicted imbalance (max / mean slot load):
 * <ol>
 *   <li><b>shares re-split</b>: the current replicas (made valid if slots, capacity, pins or budget
 *       changed) with traffic shares solved anew; no session moves;</li>
 *   <li><b>incremental</b>: each step of a greedy local search from there (add, move or swap one replica
 *       of an expert that is stuck on the most loaded slots), one candidate per step;</li>
 *   <li><b>full re-plan</b>: DeepSeek's EPLB (extra replicas to the expert with the largest load per
 *       replica until the budget is spent; replicas heaviest first on the least loaded slot that does
 *       not host the expert and has room), refined by the same local search, then relabelled slot
 *       for slot to keep the most sessions where they are.</li>
 * </ol>
 * Every candidate's shares are exact: for a fixed replica assignment the solver minimises the
 * maximum slot load and evens out the rest (lexicographically optimal slot loads, by max flows).
 * <b>Stickiness</b> picks the candidate with the fewest moved sessions among those whose imbalance is
 * within the stickiness threshold (relative) of the best. <b>Hysteresis</b> publishes it only when it
 * improves the current placement's predicted imbalance by more than the hysteresis threshold
 * (relative). <b>Cooldown</b> publishes nothing within the given number of windows after a publish.
 * <b>Pins</b> fix an expert's slots and shares; the rest is planned around them, and when every expert
 * is pinned nothing is planned. <b>Batch efficiency</b> (when a minimum is set): no free expert gets
 * more replicas than keep each replica's expected batch at or above {@code minRowsPerReplicaBatch}
 * rows ({@link #expectedRowsPerBatch}); an expert already spread wider loses its surplus replicas
 * (smallest share first) in the next plan, which is published once the cooldown allows whatever the
 * hysteresis says. A current placement that is invalid for the request (other slot
 * count, over capacity, over budget, or not honouring a pin) is replaced whatever hysteresis and
 * cooldown say.
 *
 * <pre>{@code
 * Planner planner = Planner.builder().replicaBudget(8).hysteresis(0.05).cooldownWindows(2).build();
 * PlanDecision decision = planner.plan(request);
 * decision.placement().ifPresent(publisher::publish);
 * }</pre>
 */
public final class Planner {
    /** Default relative imbalance gain a plan that moves more sessions must bring. */
    public static final double DEFAULT_STICKINESS_THRESHOLD = 0.05;
    /** Default relative imbalance gain below which nothing is published. */
    public static final double DEFAULT_HYSTERESIS = 0.05;
    /** Default number of windows after a publish in which nothing is published. */
    public static final int DEFAULT_COOLDOWN_WINDOWS = 2;
    /** Default minimum expected rows per replica batch: 0, no minimum. */
    public static final int DEFAULT_MIN_ROWS_PER_REPLICA_BATCH = 0;
    /** Slot utilisation above which a slot is taken as saturated: its queues fill whole batches. */
    static final double SATURATED = 0.99;
    /** Improvements below this are rounding, not gains, even with a hysteresis of 0. */
    private static final double MIN_GAIN = 1e-9;

    /** Extra replicas beyond one per expert; empty means one per slot. */
    private final OptionalInt replicaBudget;

    private final double stickinessThreshold;
    private final double hysteresis;
    private final int cooldownWindows;
    private final int minRowsPerReplicaBatch;
    private final int batchSize;
    private final double maxDelaySeconds;

    private Planner(Builder b) {
        this.minRowsPerReplicaBatch = b.minRowsPerReplicaBatch;
        this.batchSize = b.batchSize;
        this.maxDelaySeconds = b.maxDelayMillis / 1000.0;
        this.replicaBudget = b.replicaBudget;
        this.stickinessThreshold = b.stickinessThreshold;
        this.hysteresis = b.hysteresis;
        this.cooldownWindows = b.cooldownWindows;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The extra replicas allowed for a stage of {@code slots} slots. */
    public int replicaBudget(int slots) {
        return replicaBudget.orElse(slots);
    }

    public double stickinessThreshold() {
        return stickinessThreshold;
    }

    public double hysteresis() {
        return hysteresis;
    }

    public int cooldownWindows() {
        return cooldownWindows;
    }

    public int minRowsPerReplicaBatch() {
        return minRowsPerReplicaBatch;
    }

    /**
     * Rows a batch of one of {@code replicas} replicas of {@code expert} is expected to hold: its share of
     * the expert's demand over the time its queue fills, at most the batch size. A queue is cut when its
     * oldest row has waited the maximum delay, but a slot busy a fraction u of the time (the stage's mean
     * slot load, in seconds of work per second) reaches it only after about delay / (1 - u), as in a
     * single-server queue; a saturated slot (u of {@value #SATURATED} or more) fills whole batches.
     */
    public double expectedRowsPerBatch(LoadSnapshot load, int slots, int expert, int replicas) {
        double utilisation = load.totalLoad() / 1e9 / slots;
        if (utilisation >= SATURATED) {
            return batchSize;
        }
        double fill = maxDelaySeconds / (1 - utilisation);
        return Math.min(batchSize, load.demand(expert) / replicas * fill);
    }

    /**
     * The most replicas each expert may have so that each replica's expected batch holds at least
     * {@code minRowsPerReplicaBatch} rows: from 1 (always allowed) to the slot count.
     */
    public int[] maxReplicas(LoadSnapshot load, int slots) {
        int[] max = new int[load.experts()];
        for (int e = 0; e < max.length; e++) {
            int r = 1;
            while (r < slots
                    && (minRowsPerReplicaBatch <= 0
                            || expectedRowsPerBatch(load, slots, e, r + 1) >= minRowsPerReplicaBatch)) {
                r++;
            }
            max[e] = r;
        }
        return max;
    }

    /** Decides whether to publish a new placement for the request's stage, and which. */
    public PlanDecision plan(PlanRequest request) {
        double[] load = request.load().loads();
        PlanningProblem problem = new PlanningProblem(
                load,
                request.slots(),
                request.slotCapacity(),
                replicaBudget(request.slots()),
                request.pins(),
                maxReplicas(request.load(), request.slots()));
        StickyStart start = StickyStart.of(problem, request.current());
        double before = request.current().imbalance(load);
        boolean forced = !start.repairs.isEmpty();
        if (!forced && problem.freeExperts() == 0) {
            return idle(Outcome.PINNED, before, "pinned: every expert is pinned");
        }
        if (!forced && request.windowsSinceLastPublish() <= cooldownWindows) {
            return idle(
                    Outcome.COOLDOWN,
                    before,
                    "cooldown: " + request.windowsSinceLastPublish() + " of " + cooldownWindows
                            + " windows since the last plan");
        }
        Candidate chosen = Candidates.choose(Candidates.of(problem, start, request.current()), stickinessThreshold);
        Placement placement = Candidates.toPlacement(problem, chosen.assignment(), request.current());
        double after = placement.imbalance(load);
        int moved = placement.movedSessions(request.current());
        double gain = (before - after) / before;
        String change = String.format(Locale.ROOT, "imbalance %.2f -> %.2f", before, after);
        if (forced) {
            return new PlanDecision(
                    Outcome.PUBLISHED,
                    placement,
                    before,
                    after,
                    moved,
                    "current placement invalid ("
                            + String.join("; ", start.repairs) + "), " + change + ", " + chosen.kind() + ", " + moved
                            + " sessions moved");
        }
        if (!start.trimmed.isEmpty()) {
            return new PlanDecision(
                    Outcome.PUBLISHED,
                    placement,
                    before,
                    after,
                    moved,
                    "replicas beyond the minimum rows per batch dropped (" + String.join("; ", start.trimmed) + "), "
                            + change + ", " + chosen.kind() + ", " + moved + " sessions moved");
        }
        if (problem.totalLoad() <= 0) {
            return idle(Outcome.WITHIN_HYSTERESIS, before, "within hysteresis: no load to balance");
        }
        if (gain > Math.max(hysteresis, MIN_GAIN)) {
            return new PlanDecision(
                    Outcome.PUBLISHED,
                    placement,
                    before,
                    after,
                    moved,
                    change + " (expert " + hottest(request.current(), load) + " hot), " + chosen.kind() + ", " + moved
                            + " sessions moved");
        }
        return idle(
                Outcome.WITHIN_HYSTERESIS,
                before,
                String.format(
                        Locale.ROOT,
                        "within hysteresis: best plan %s, %.1f%% better, threshold %.1f%%",
                        change,
                        100 * gain,
                        100 * hysteresis));
    }

    private static PlanDecision idle(Outcome outcome, double before, String reason) {
        return new PlanDecision(outcome, null, before, before, 0, reason);
    }

    /** The expert that contributes the most load to the most loaded slot of {@code placement}. */
    static int hottest(Placement placement, double[] load) {
        double[] slotLoads = placement.slotLoads(load);
        int top = 0;
        for (int s = 1; s < slotLoads.length; s++) {
            top = slotLoads[s] > slotLoads[top] ? s : top;
        }
        int hot = 0;
        for (int e = 1; e < placement.experts(); e++) {
            double contribution = load[e] * placement.replicas(e).shareOn(top);
            hot = contribution > load[hot] * placement.replicas(hot).shareOn(top) ? e : hot;
        }
        return hot;
    }

    @Override
    public String toString() {
        return "Planner{replicaBudget=" + (replicaBudget.isPresent() ? replicaBudget.getAsInt() : "slots")
                + ", stickinessThreshold=" + stickinessThreshold + ", hysteresis=" + hysteresis
                + ", cooldownWindows=" + cooldownWindows + ", minRowsPerReplicaBatch=" + minRowsPerReplicaBatch
                + ", batchSize=" + batchSize + ", maxDelaySeconds=" + maxDelaySeconds + '}';
    }

    /** Builder of {@link Planner}; {@link #build()} checks every option. */
    public static final class Builder {
        private OptionalInt replicaBudget = OptionalInt.empty();
        private double stickinessThreshold = DEFAULT_STICKINESS_THRESHOLD;
        private double hysteresis = DEFAULT_HYSTERESIS;
        private int cooldownWindows = DEFAULT_COOLDOWN_WINDOWS;
        private int minRowsPerReplicaBatch = DEFAULT_MIN_ROWS_PER_REPLICA_BATCH;
        private int batchSize = 256;
        private long maxDelayMillis = 5;

        /** Replicas beyond one per expert ({@code rebalance.replica-budget}); default: the slot count. */
        public Builder replicaBudget(int extraReplicas) {
            this.replicaBudget = OptionalInt.of(extraReplicas);
            return this;
        }

        /** Relative imbalance gain needed to move more sessions ({@code rebalance.stickiness-threshold}). */
        public Builder stickinessThreshold(double threshold) {
            this.stickinessThreshold = threshold;
            return this;
        }

        /** Relative imbalance gain needed to publish ({@code rebalance.hysteresis}). */
        public Builder hysteresis(double threshold) {
            this.hysteresis = threshold;
            return this;
        }

        /** Windows after a publish in which nothing is published ({@code rebalance.cooldown-windows}). */
        public Builder cooldownWindows(int windows) {
            this.cooldownWindows = windows;
            return this;
        }

        /**
         * Minimum expected rows per batch of each replica ({@code rebalance.min-rows-per-replica-batch});
         * 0: no minimum.
         */
        public Builder minRowsPerReplicaBatch(int rows) {
            this.minRowsPerReplicaBatch = rows;
            return this;
        }

        /**
         * The expert batching the replicas' batches are expected under ({@code batching.expert.size} and
         * {@code batching.expert.max-delay}); default 256 rows and 5 ms.
         */
        public Builder expertBatching(int size, long maxDelayMillis) {
            this.batchSize = size;
            this.maxDelayMillis = maxDelayMillis;
            return this;
        }

        public Planner build() {
            sanityCheck();
            return new Planner(this);
        }

        private void sanityCheck() {
            if (replicaBudget.isPresent() && replicaBudget.getAsInt() < 0) {
                throw new IllegalArgumentException(
                        "rebalance.replica-budget must be >= 0, but is " + replicaBudget.getAsInt() + ".");
            }
            if (minRowsPerReplicaBatch < 0) {
                throw new IllegalArgumentException(
                        "rebalance.min-rows-per-replica-batch must be >= 0, but is " + minRowsPerReplicaBatch + ".");
            }
            if (batchSize < 1 || maxDelayMillis < 0) {
                throw new IllegalArgumentException("The expert batching must have a size >= 1 and a max delay >= 0,"
                        + " but has " + batchSize + " rows and " + maxDelayMillis + " ms.");
            }
            checkFraction("rebalance.stickiness-threshold", stickinessThreshold);
            checkFraction("rebalance.hysteresis", hysteresis);
            if (cooldownWindows < 0) {
                throw new IllegalArgumentException(
                        "rebalance.cooldown-windows must be >= 0, but is " + cooldownWindows + ".");
            }
        }

        private static void checkFraction(String key, double value) {
            if (!(value >= 0 && value < 1)) {
                throw new IllegalArgumentException(key + " must be in [0, 1) (a relative gain), but is " + value + ".");
            }
        }
    }
}
