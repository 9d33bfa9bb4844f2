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

import io.polyroute.job.config.JobOptions;
import io.polyroute.job.model.PartBatch;
import org.apache.flink.api.common.functions.Partitioner;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Routing of {@link PartBatch}es across a shuffle: a batch goes to the subtask it was grouped for,
 * and the COMBINE subtask of an event id is the one a {@code keyBy} on its COMBINE key
 * ({@link ShadowCopies#key}) would pick, so a batched COMBINE owns exactly the keys, state and timers
 * a record-by-record one of the same parallelism and max parallelism owns.
 */
public final class PartRouting {
    private PartRouting() {}

    /** The COMBINE subtask of {@code eventId} among {@code subtasks} under {@code maxParallelism} key groups. */
    public static int combineSubtask(String eventId, int maxParallelism, int subtasks) {
        return KeyGroupRangeAssignment.assignKeyToParallelOperator(ShadowCopies.key(eventId), maxParallelism, subtasks);
    }

    /**
     * The max parallelism (number of key groups) a keyed operator of {@code parallelism} subtasks
     * gets when it sets none: {@code configuredMaxParallelism} ({@code pipeline.max-parallelism})
     * when positive, otherwise Flink's default for the parallelism (at least 128).
     */
    public static int keyedMaxParallelism(int configuredMaxParallelism, int parallelism) {
        return configuredMaxParallelism > 0
                ? configuredMaxParallelism
                : KeyGroupRangeAssignment.computeDefaultMaxParallelism(parallelism);
    }

    /**
     * COMBINE's max parallelism in {@code env}: what a keyBy of the environment's parallelism gets
     * by default ({@link #keyedMaxParallelism}), so batches grouped under it reach the subtasks a
     * record-by-record COMBINE's keyBy would.
     */
    public static int combineMaxParallelism(StreamExecutionEnvironment env) {
        return keyedMaxParallelism(env.getConfig().getMaxParallelism(), env.getParallelism());
    }

    /**
     * Checks the COMBINE parallelism and max parallelism that batches are grouped under.
     *
     * @throws IllegalArgumentException naming the key that sets the value out of range
     */
    static void checkCombineParallelism(int parallelism, int maxParallelism) {
        if (parallelism < 1) {
            throw new IllegalArgumentException("Invalid value " + parallelism + " for '" + JobOptions.PARALLELISM.key()
                    + "' (COMBINE subtasks, needed by batching.transport = batch): it must be at least 1.");
        }
        if (maxParallelism < parallelism || maxParallelism > KeyGroupRangeAssignment.UPPER_BOUND_MAX_PARALLELISM) {
            throw new IllegalArgumentException("Invalid value " + maxParallelism + " for '"
                    + PipelineOptions.MAX_PARALLELISM.key() + "' (COMBINE key groups, needed by batching.transport "
                    + "= batch): it must lie between the COMBINE parallelism " + parallelism + " and "
                    + KeyGroupRangeAssignment.UPPER_BOUND_MAX_PARALLELISM + ".");
        }
    }

    /** Delivers a batch to the subtask it was grouped for; refuses a receiver of another parallelism. */
    public static final class ToTarget<B extends PartBatch<?>> implements Partitioner<B> {
        private static final long serialVersionUID = 1L;

        private final String edge;

        /** {@code edge} names the shuffle in the error, e.g. "GATE -> EXPERT of stage 0". */
        public ToTarget(String edge) {
            this.edge = edge;
        }

        @Override
        public int partition(B batch, int numPartitions) {
            if (batch.subtasks != numPartitions) {
                throw new IllegalStateException("A batch on " + edge + " grouped for " + batch.subtasks
                        + " subtasks reached an operator with " + numPartitions + ".");
            }
            return batch.target;
        }
    }

    /** The batch itself, as the key {@link ToTarget} reads. */
    public static final class Whole<B extends PartBatch<?>> implements KeySelector<B, B> {
        private static final long serialVersionUID = 1L;

        @Override
        public B getKey(B batch) {
            return batch;
        }
    }
}
