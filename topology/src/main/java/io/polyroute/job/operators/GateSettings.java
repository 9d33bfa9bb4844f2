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
package io.polyroute.job.operators;

import io.polyroute.job.config.BatchTransport;
import io.polyroute.job.config.BatchingOptions;
import io.polyroute.job.config.JobOptions;
import io.polyroute.job.config.RebalanceOptions;
import io.polyroute.job.config.SettingsChecks;
import java.io.Serializable;
import java.util.List;

/**
 * What a {@link GateOperator} needs besides its models, checked when built: each value fails fast
 * with a message naming the key that sets it.
 *
 * @param stageIndex the stage this GATE serves, from 0
 * @param expertsPerStage expert count of every stage of the bundle
 * @param slots expert slots ({@code job.slots})
 * @param activationDelayMillis wait before a received plan is routed by ({@code rebalance.activation-delay})
 * @param windowMillis load window length ({@code rebalance.window})
 * @param batchSize records per micro-batch ({@code batching.gate.size})
 * @param maxDelayMillis longest a record waits in a batch ({@code batching.gate.max-delay})
 * @param maxBatchSize largest micro-batch under backlog ({@code batching.gate.max-size}), at least
 *     {@code batchSize}; equal to it for fixed batches
 * @param balancing the stage's balancing ({@code balancing.*}); {@link Balancing#off()} for none
 * @param transport how tasks and headers leave the GATE ({@code batching.transport}): one element each,
 *     or one batch per receiving subtask
 * @param expertParallelism EXPERT subtasks, one per slot ({@code job.slots}); the batch transport groups
 *     tasks by {@code slot mod expertParallelism}
 * @param combineParallelism COMBINE subtasks ({@code job.parallelism}); the batch transport groups headers
 *     by the COMBINE subtask of their event id
 * @param combineMaxParallelism COMBINE's max parallelism, its number of key groups ({@code
 *     pipeline.max-parallelism}, otherwise Flink's default for {@code combineParallelism}: {@link
 *     PartRouting#keyedMaxParallelism})
 */
public record GateSettings(
        int stageIndex,
        List<Integer> expertsPerStage,
        int slots,
        long activationDelayMillis,
        long windowMillis,
        int batchSize,
        long maxDelayMillis,
        int maxBatchSize,
        Balancing balancing,
        BatchTransport transport,
        int expertParallelism,
        int combineParallelism,
        int combineMaxParallelism)
        implements Serializable {
    /** Name of the stage index in messages; it comes from the bundle, not from an option. */
    public static final String STAGE = "stage";
    /** Name of the expert counts in messages; they come from the bundle, not from an option. */
    public static final String EXPERTS_PER_STAGE = "expertsPerStage";
    /** Name of the balancing in messages. */
    public static final String BALANCING = "balancing";

    /** Checks every value. */
    public GateSettings {
        expertsPerStage = SettingsChecks.expertsPerStage(EXPERTS_PER_STAGE, expertsPerStage);
        SettingsChecks.stageIndex(STAGE, stageIndex, expertsPerStage);
        SettingsChecks.atLeast(JobOptions.SLOTS.key(), slots, 1);
        SettingsChecks.atLeast(RebalanceOptions.ACTIVATION_DELAY.key(), activationDelayMillis, 0);
        SettingsChecks.atLeast(RebalanceOptions.WINDOW.key(), windowMillis, 1);
        SettingsChecks.atLeast(BatchingOptions.GATE_SIZE.key(), batchSize, 1);
        SettingsChecks.atLeast(BatchingOptions.GATE_MAX_DELAY.key(), maxDelayMillis, 0);
        SettingsChecks.atLeast(BatchingOptions.GATE_MAX_SIZE.key(), maxBatchSize, batchSize);
        SettingsChecks.notNull(BALANCING, balancing);
        SettingsChecks.notNull(BatchingOptions.TRANSPORT.key(), transport);
        if (transport == BatchTransport.BATCH) {
            SettingsChecks.atLeast(JobOptions.SLOTS.key(), expertParallelism, 1);
            PartRouting.checkCombineParallelism(combineParallelism, combineMaxParallelism);
        }
    }

    /** A builder with no value set. */
    public static Builder builder() {
        return new Builder();
    }

    /** Names every value of a {@link GateSettings}; {@link #build()} checks them. */
    public static final class Builder {
        private int stageIndex;
        private List<Integer> expertsPerStage;
        private int slots;
        private long activationDelayMillis;
        private long windowMillis;
        private int batchSize;
        private long maxDelayMillis;
        private int maxBatchSize;
        private Balancing balancing = Balancing.off();
        private BatchTransport transport = BatchTransport.RECORD;
        private int expertParallelism;
        private int combineParallelism;
        private int combineMaxParallelism;

        private Builder() {}

        public Builder stageIndex(int stageIndex) {
            this.stageIndex = stageIndex;
            return this;
        }

        public Builder expertsPerStage(List<Integer> expertsPerStage) {
            this.expertsPerStage = expertsPerStage;
            return this;
        }

        public Builder slots(int slots) {
            this.slots = slots;
            return this;
        }

        public Builder activationDelayMillis(long activationDelayMillis) {
            this.activationDelayMillis = activationDelayMillis;
            return this;
        }

        public Builder windowMillis(long windowMillis) {
            this.windowMillis = windowMillis;
            return this;
        }

        public Builder batchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        /** Largest micro-batch under backlog; unset, batches keep {@link #batchSize(int)}. */
        public Builder maxBatchSize(int maxBatchSize) {
            this.maxBatchSize = maxBatchSize;
            return this;
        }

        public Builder maxDelayMillis(long maxDelayMillis) {
            this.maxDelayMillis = maxDelayMillis;
            return this;
        }

        public Builder balancing(Balancing balancing) {
            this.balancing = balancing;
            return this;
        }

        /** How tasks and headers leave the GATE; {@link BatchTransport#RECORD} unless set. */
        public Builder transport(BatchTransport transport) {
            this.transport = transport;
            return this;
        }

        /** EXPERT subtasks (one per slot); needed by the batch transport only. */
        public Builder expertParallelism(int expertParallelism) {
            this.expertParallelism = expertParallelism;
            return this;
        }

        /** COMBINE subtasks and key groups; needed by the batch transport only. */
        public Builder combine(int parallelism, int maxParallelism) {
            this.combineParallelism = parallelism;
            this.combineMaxParallelism = maxParallelism;
            return this;
        }

        /**
         * The checked settings.
         *
         * @throws IllegalArgumentException naming the key of the first value that is missing or out of range
         */
        public GateSettings build() {
            return new GateSettings(
                    stageIndex,
                    expertsPerStage,
                    slots,
                    activationDelayMillis,
                    windowMillis,
                    batchSize,
                    maxDelayMillis,
                    maxBatchSize == 0 ? batchSize : maxBatchSize,
                    balancing,
                    transport,
                    expertParallelism,
                    combineParallelism,
                    combineMaxParallelism);
        }
    }
}
