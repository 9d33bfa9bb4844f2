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

import io.polyroute.job.config.BatchingOptions;
import io.polyroute.job.config.JobOptions;
import io.polyroute.job.config.RebalanceOptions;
import io.polyroute.job.config.SettingsChecks;
import io.polyroute.runtime.placement.LoadSnapshot;
import io.polyroute.runtime.placement.PlanRequest;
import io.polyroute.runtime.placement.PlanVersion;
import java.io.Serializable;
import java.util.List;

/**
 * What the rebalancer needs to know, resolved from the job options and checked when built: each
 * value fails fast with a message naming the key that sets it.
 *
 * @param expertsPerStage expert count of every stage
 * @param slots expert slots (the EXPERT operator's parallelism, {@code job.slots})
 * @param gateSubtasks GATE parallelism ({@code job.parallelism}): a window is complete when every GATE subtask reported it
 * @param windowMillis load window length ({@code rebalance.window})
 * @param smoothing weight of the newest window, in (0, 1] ({@code rebalance.smoothing})
 * @param hysteresis planner hysteresis threshold ({@code rebalance.hysteresis})
 * @param stickiness planner stickiness threshold ({@code rebalance.stickiness})
 * @param cooldownWindows planner cooldown ({@code rebalance.cooldown-windows})
 * @param replicaBudget extra replicas, -1 for as many as slots ({@code rebalance.replica-budget})
 * @param slotCapacity resident sessions per slot, -1 for no limit ({@code rebalance.slot-capacity})
 * @param minRowsPerReplicaBatch minimum expected rows per replica batch, 0 for none
 *     ({@code rebalance.min-rows-per-replica-batch})
 * @param expertBatchSize rows per expert batch ({@code batching.expert.size})
 * @param expertMaxDelayMillis longest wait of a row in an expert batch ({@code batching.expert.max-delay})
 */
public record RebalanceSettings(
        List<Integer> expertsPerStage,
        int slots,
        int gateSubtasks,
        long windowMillis,
        double smoothing,
        double hysteresis,
        double stickiness,
        int cooldownWindows,
        int replicaBudget,
        int slotCapacity,
        int minRowsPerReplicaBatch,
        int expertBatchSize,
        long expertMaxDelayMillis)
        implements Serializable {

    /** Checks every value. */
    public RebalanceSettings {
        expertsPerStage = SettingsChecks.expertsPerStage("expertsPerStage", expertsPerStage);
        SettingsChecks.atLeast(JobOptions.SLOTS.key(), slots, 1);
        SettingsChecks.atLeast(JobOptions.PARALLELISM.key(), gateSubtasks, 1);
        SettingsChecks.atLeast(RebalanceOptions.WINDOW.key(), windowMillis, 1);
        if (!(smoothing > 0 && smoothing <= 1)) {
            throw new IllegalArgumentException("Invalid value " + smoothing + " for '"
                    + RebalanceOptions.SMOOTHING.key() + "': it must be greater than 0 and at most 1.");
        }
        SettingsChecks.between(RebalanceOptions.HYSTERESIS.key(), hysteresis, 0, Double.MAX_VALUE);
        SettingsChecks.between(RebalanceOptions.STICKINESS.key(), stickiness, 0, Double.MAX_VALUE);
        SettingsChecks.atLeast(RebalanceOptions.COOLDOWN_WINDOWS.key(), cooldownWindows, 0);
        SettingsChecks.atLeast(RebalanceOptions.REPLICA_BUDGET.key(), replicaBudget, -1);
        SettingsChecks.atLeast(RebalanceOptions.SLOT_CAPACITY.key(), slotCapacity, -1);
        SettingsChecks.atLeast(RebalanceOptions.MIN_ROWS_PER_REPLICA_BATCH.key(), minRowsPerReplicaBatch, 0);
        SettingsChecks.atLeast(BatchingOptions.EXPERT_SIZE.key(), expertBatchSize, 1);
        SettingsChecks.atLeast(BatchingOptions.EXPERT_MAX_DELAY.key(), expertMaxDelayMillis, 0);
    }

    /**
     * Checks that the planner can plan {@code plan} under these settings: every stage's experts fit
     * {@code slots × slotCapacity} sessions, and its pins respect the capacity. The rebalancer runs
     * the same checks on every window; running them at start turns what would be a failure in the
     * first window, and a restart loop, into a start-up error.
     *
     * @throws IllegalArgumentException naming {@code rebalance.slot-capacity} when they do not hold
     */
    public void requireFeasible(PlanVersion plan) {
        for (int s = 0; s < expertsPerStage.size(); s++) {
            int experts = expertsPerStage.get(s);
            double[] uniform = new double[experts];
            java.util.Arrays.fill(uniform, 1.0);
            try {
                PlanRequest.builder()
                        .load(LoadSnapshot.ofLoads(uniform))
                        .slots(slots)
                        .slotCapacity(slotCapacity < 0 ? experts : slotCapacity)
                        .current(plan.stage(s))
                        .pins(plan.pins(s))
                        .windowsSinceLastPublish(0)
                        .build();
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        "Stage " + s + " (" + experts + " experts) cannot be placed under plan " + plan.version() + ": "
                                + e.getMessage(),
                        e);
            }
        }
    }

    /** These settings for a bundle version of {@code experts} experts per stage. */
    public RebalanceSettings withExpertsPerStage(List<Integer> experts) {
        return new RebalanceSettings(
                experts,
                slots,
                gateSubtasks,
                windowMillis,
                smoothing,
                hysteresis,
                stickiness,
                cooldownWindows,
                replicaBudget,
                slotCapacity,
                minRowsPerReplicaBatch,
                expertBatchSize,
                expertMaxDelayMillis);
    }

    /** A builder with the options' defaults for the planner thresholds and nothing else set. */
    public static Builder builder() {
        return new Builder();
    }

    /** Names every value of a {@link RebalanceSettings}; {@link #build()} checks them. */
    public static final class Builder {
        private List<Integer> expertsPerStage;
        private int slots;
        private int gateSubtasks;
        private long windowMillis = RebalanceOptions.WINDOW.defaultValue().toMillis();
        private double smoothing = RebalanceOptions.SMOOTHING.defaultValue();
        private double hysteresis = RebalanceOptions.HYSTERESIS.defaultValue();
        private double stickiness = RebalanceOptions.STICKINESS.defaultValue();
        private int cooldownWindows = RebalanceOptions.COOLDOWN_WINDOWS.defaultValue();
        private int replicaBudget = RebalanceOptions.REPLICA_BUDGET.defaultValue();
        private int slotCapacity = RebalanceOptions.SLOT_CAPACITY.defaultValue();
        private int minRowsPerReplicaBatch = RebalanceOptions.MIN_ROWS_PER_REPLICA_BATCH.defaultValue();
        private int expertBatchSize = BatchingOptions.EXPERT_SIZE.defaultValue();
        private long expertMaxDelayMillis =
                BatchingOptions.EXPERT_MAX_DELAY.defaultValue().toMillis();

        private Builder() {}

        public Builder expertsPerStage(List<Integer> expertsPerStage) {
            this.expertsPerStage = expertsPerStage;
            return this;
        }

        public Builder slots(int slots) {
            this.slots = slots;
            return this;
        }

        public Builder gateSubtasks(int gateSubtasks) {
            this.gateSubtasks = gateSubtasks;
            return this;
        }

        public Builder windowMillis(long windowMillis) {
            this.windowMillis = windowMillis;
            return this;
        }

        public Builder smoothing(double smoothing) {
            this.smoothing = smoothing;
            return this;
        }

        public Builder hysteresis(double hysteresis) {
            this.hysteresis = hysteresis;
            return this;
        }

        public Builder stickiness(double stickiness) {
            this.stickiness = stickiness;
            return this;
        }

        public Builder cooldownWindows(int cooldownWindows) {
            this.cooldownWindows = cooldownWindows;
            return this;
        }

        public Builder replicaBudget(int replicaBudget) {
            this.replicaBudget = replicaBudget;
            return this;
        }

        public Builder slotCapacity(int slotCapacity) {
            this.slotCapacity = slotCapacity;
            return this;
        }

        public Builder minRowsPerReplicaBatch(int rows) {
            this.minRowsPerReplicaBatch = rows;
            return this;
        }

        /** The expert batching ({@code batching.expert.size}, {@code batching.expert.max-delay}). */
        public Builder expertBatching(int size, long maxDelayMillis) {
            this.expertBatchSize = size;
            this.expertMaxDelayMillis = maxDelayMillis;
            return this;
        }

        /**
         * The checked settings.
         *
         * @throws IllegalArgumentException naming the key of the first value that is missing or out of range
         */
        public RebalanceSettings build() {
            return new RebalanceSettings(
                    expertsPerStage,
                    slots,
                    gateSubtasks,
                    windowMillis,
                    smoothing,
                    hysteresis,
                    stickiness,
                    cooldownWindows,
                    replicaBudget,
                    slotCapacity,
                    minRowsPerReplicaBatch,
                    expertBatchSize,
                    expertMaxDelayMillis);
        }
    }
}
