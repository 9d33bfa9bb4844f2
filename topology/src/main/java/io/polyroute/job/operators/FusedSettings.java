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

import io.polyroute.job.config.BatchingOptions;
import io.polyroute.job.config.ModelRuntimeOptions;
import io.polyroute.job.config.RebalanceOptions;
import io.polyroute.job.config.SettingsChecks;
import java.io.Serializable;

/**
 * What a {@link FusedOperator} needs besides its models, checked when built: each value fails fast
 * with a message naming the key that sets it.
 *
 * @param deviceCount GPUs per TaskManager, 0 for every subtask on one device ({@code runtime.cuda.device-count})
 * @param batchSize records per micro-batch ({@code batching.gate.size})
 * @param maxDelayMillis longest a record waits in a batch ({@code batching.gate.max-delay})
 * @param maxBatchSize largest batch under backlog ({@code batching.gate.max-size}), at least {@code batchSize}
 * @param balancing the job's balancing ({@code balancing.*}); {@link Balancing#off()} for none
 * @param windowMillis how often the balancing bias steps ({@code rebalance.window})
 */
public record FusedSettings(
        int deviceCount, int batchSize, long maxDelayMillis, int maxBatchSize, Balancing balancing, long windowMillis)
        implements Serializable {

    /** Checks every value. */
    public FusedSettings {
        SettingsChecks.atLeast(ModelRuntimeOptions.CUDA_DEVICE_COUNT.key(), deviceCount, 0);
        SettingsChecks.atLeast(BatchingOptions.GATE_SIZE.key(), batchSize, 1);
        SettingsChecks.atLeast(BatchingOptions.GATE_MAX_DELAY.key(), maxDelayMillis, 0);
        SettingsChecks.atLeast(BatchingOptions.GATE_MAX_SIZE.key(), maxBatchSize, batchSize);
        SettingsChecks.notNull(GateSettings.BALANCING, balancing);
        SettingsChecks.atLeast(RebalanceOptions.WINDOW.key(), windowMillis, 1);
    }

    /** A builder with no value set. */
    public static Builder builder() {
        return new Builder();
    }

    /** Names every value of a {@link FusedSettings}; {@link #build()} checks them. */
    public static final class Builder {
        private int deviceCount;
        private int batchSize;
        private long maxDelayMillis;
        /** 0: the batch size, i.e. fixed batches. */
        private int maxBatchSize;

        private Balancing balancing = Balancing.off();
        private long windowMillis;

        private Builder() {}

        public Builder deviceCount(int deviceCount) {
            this.deviceCount = deviceCount;
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

        /** Largest batch under backlog; unset, batches keep {@link #batchSize(int)}. */
        public Builder maxBatchSize(int maxBatchSize) {
            this.maxBatchSize = maxBatchSize;
            return this;
        }

        public Builder balancing(Balancing balancing) {
            this.balancing = balancing;
            return this;
        }

        public Builder windowMillis(long windowMillis) {
            this.windowMillis = windowMillis;
            return this;
        }

        /**
         * The checked settings.
         *
         * @throws IllegalArgumentException naming the key of the first value that is missing or out of range
         */
        public FusedSettings build() {
            return new FusedSettings(
                    deviceCount,
                    batchSize,
                    maxDelayMillis,
                    maxBatchSize == 0 ? batchSize : maxBatchSize,
                    balancing,
                    windowMillis);
        }
    }
}
