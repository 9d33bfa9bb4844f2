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
import io.polyroute.job.config.ModelRuntimeOptions;
import io.polyroute.job.config.RebalanceOptions;
import io.polyroute.job.config.SettingsChecks;
import java.io.Serializable;
import java.util.List;

/**
 * What an {@link ExpertOperator} needs besides its models, checked when built: each value fails
 * fast with a message naming the key that sets it.
 *
 * @param stageIndex the stage this EXPERT serves, from 0
 * @param expertsPerStage expert count of every stage of the bundle
 * @param deviceCount GPUs per TaskManager, 0 for every slot on one device ({@code runtime.cuda.device-count})
 * @param releaseGraceMillis how long a session the plan does not assign to the slot stays loaded after its
 *     last use ({@code rebalance.release-grace})
 * @param slotCapacity most sessions the slot holds resident, -1 for no limit ({@code rebalance.slot-capacity})
 * @param windowMillis load window length ({@code rebalance.window})
 * @param batchSize records per expert batch ({@code batching.expert.size})
 * @param maxDelayMillis longest a record waits in a batch ({@code batching.expert.max-delay})
 * @param transport how tasks reach and results leave the EXPERT ({@code batching.transport}): one
 *     element each, or one batch per receiving subtask
 * @param combineParallelism COMBINE subtasks ({@code job.parallelism}); the batch transport groups results
 *     by the COMBINE subtask of their event id
 * @param combineMaxParallelism COMBINE's max parallelism, its number of key groups ({@code
 *     pipeline.max-parallelism}, otherwise Flink's default for {@code combineParallelism}: {@link
 *     PartRouting#keyedMaxParallelism})
 */
public record ExpertSettings(
        int stageIndex,
        List<Integer> expertsPerStage,
        int deviceCount,
        long releaseGraceMillis,
        int slotCapacity,
        long windowMillis,
        int batchSize,
        long maxDelayMillis,
        BatchTransport transport,
        int combineParallelism,
        int combineMaxParallelism)
        implements Serializable {

    /** Checks every value. */
    public ExpertSettings {
        expertsPerStage = SettingsChecks.expertsPerStage(GateSettings.EXPERTS_PER_STAGE, expertsPerStage);
        SettingsChecks.stageIndex(GateSettings.STAGE, stageIndex, expertsPerStage);
        SettingsChecks.atLeast(ModelRuntimeOptions.CUDA_DEVICE_COUNT.key(), deviceCount, 0);
        SettingsChecks.atLeast(RebalanceOptions.RELEASE_GRACE.key(), releaseGraceMillis, 0);
        if (slotCapacity == 0 || slotCapacity < -1) {
            throw new IllegalArgumentException(RebalanceOptions.SLOT_CAPACITY.key()
                    + " must be -1 (no limit) or at least 1, but is " + slotCapacity + ".");
        }
        SettingsChecks.atLeast(RebalanceOptions.WINDOW.key(), windowMillis, 1);
        SettingsChecks.atLeast(BatchingOptions.EXPERT_SIZE.key(), batchSize, 1);
        SettingsChecks.atLeast(BatchingOptions.EXPERT_MAX_DELAY.key(), maxDelayMillis, 0);
        SettingsChecks.notNull(BatchingOptions.TRANSPORT.key(), transport);
        if (transport == BatchTransport.BATCH) {
            PartRouting.checkCombineParallelism(combineParallelism, combineMaxParallelism);
        }
    }

    /** A builder with no value set. */
    public static Builder builder() {
        return new Builder();
    }

    /** Names every value of an {@link ExpertSettings}; {@link #build()} checks them. */
    public static final class Builder {
        private int stageIndex;
        private List<Integer> expertsPerStage;
        private int deviceCount;
        private long releaseGraceMillis;
        private int slotCapacity = -1;
        private long windowMillis;
        private int batchSize;
        private long maxDelayMillis;
        private BatchTransport transport = BatchTransport.RECORD;
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

        public Builder deviceCount(int deviceCount) {
            this.deviceCount = deviceCount;
            return this;
        }

        public Builder releaseGraceMillis(long releaseGraceMillis) {
            this.releaseGraceMillis = releaseGraceMillis;
            return this;
        }

        /** Most sessions the slot holds resident; -1 (the default) for no limit. */
        public Builder slotCapacity(int slotCapacity) {
            this.slotCapacity = slotCapacity;
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

        public Builder maxDelayMillis(long maxDelayMillis) {
            this.maxDelayMillis = maxDelayMillis;
            return this;
        }

        /** How tasks reach and results leave the EXPERT; {@link BatchTransport#RECORD} unless set. */
        public Builder transport(BatchTransport transport) {
            this.transport = transport;
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
        public ExpertSettings build() {
            return new ExpertSettings(
                    stageIndex,
                    expertsPerStage,
                    deviceCount,
                    releaseGraceMillis,
                    slotCapacity,
                    windowMillis,
                    batchSize,
                    maxDelayMillis,
                    transport,
                    combineParallelism,
                    combineMaxParallelism);
        }
    }
}
