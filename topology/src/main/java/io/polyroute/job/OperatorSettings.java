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
package io.polyroute.job;

import io.polyroute.job.config.BatchTransport;
import io.polyroute.job.config.BatchingOptions;
import io.polyroute.job.config.JobConfig;
import io.polyroute.job.config.JobOptions;
import io.polyroute.job.config.RebalanceOptions;
import io.polyroute.job.control.RebalanceSettings;
import io.polyroute.job.operators.Balancing;
import io.polyroute.job.operators.ExpertSettings;
import io.polyroute.job.operators.FusedSettings;
import io.polyroute.job.operators.GateSettings;
import io.polyroute.runtime.bundle.ModelBundle;
import io.polyroute.runtime.bundle.RoutingMode;
import java.util.ArrayList;
import java.util.List;

/**
 * The one place where {@link PolyrouteJob} turns a {@link JobConfig} and a bundle into the checked
 * settings of its operators.
 */
final class OperatorSettings {
    private OperatorSettings() {}

    static FusedSettings fused(JobConfig config) {
        return FusedSettings.builder()
                .deviceCount(RuntimeSettings.deviceCount(config))
                .batchSize(config.get(BatchingOptions.GATE_SIZE))
                .maxDelayMillis(config.get(BatchingOptions.GATE_MAX_DELAY).toMillis())
                // A max-size below the batch size means fixed batches, not an error.
                .maxBatchSize(
                        Math.max(config.get(BatchingOptions.GATE_SIZE), config.get(BatchingOptions.GATE_MAX_SIZE)))
                .balancing(Balancing.of(config))
                .windowMillis(config.get(RebalanceOptions.WINDOW).toMillis())
                .build();
    }

    /**
     * The GATE settings of {@code stage} with the record transport, whatever {@code
     * batching.transport} says: for a layout that sends tasks and headers one by one.
     */
    static GateSettings gate(JobConfig config, ModelBundle bundle, int stage) {
        return gateBuilder(config, bundle, stage).build();
    }

    /**
     * The GATE settings of {@code stage} with the transport of {@code batching.transport}, grouping
     * for EXPERT's {@code job.slots} subtasks and COMBINE's {@code job.parallelism} subtasks under
     * {@code combineMaxParallelism} key groups ({@link
     * io.polyroute.job.operators.PartRouting#combineMaxParallelism}).
     */
    static GateSettings gate(JobConfig config, ModelBundle bundle, int stage, int combineMaxParallelism) {
        return gateBuilder(config, bundle, stage)
                .transport(config.get(BatchingOptions.TRANSPORT))
                .expertParallelism(config.get(JobOptions.SLOTS))
                .combine(config.get(JobOptions.PARALLELISM), combineMaxParallelism)
                .build();
    }

    private static GateSettings.Builder gateBuilder(JobConfig config, ModelBundle bundle, int stage) {
        return GateSettings.builder()
                .stageIndex(stage)
                .expertsPerStage(expertsPerStage(bundle))
                .slots(config.get(JobOptions.SLOTS))
                .activationDelayMillis(
                        config.get(RebalanceOptions.ACTIVATION_DELAY).toMillis())
                .windowMillis(config.get(RebalanceOptions.WINDOW).toMillis())
                .batchSize(config.get(BatchingOptions.GATE_SIZE))
                .maxDelayMillis(config.get(BatchingOptions.GATE_MAX_DELAY).toMillis())
                .maxBatchSize(
                        Math.max(config.get(BatchingOptions.GATE_SIZE), config.get(BatchingOptions.GATE_MAX_SIZE)))
                // A stage that inherits its routing has no gate to balance.
                .balancing(
                        bundle.stage(stage).routingMode() == RoutingMode.GATE ? Balancing.of(config) : Balancing.off())
                .transport(BatchTransport.RECORD);
    }

    /**
     * The EXPERT settings of {@code stage} with the record transport, whatever {@code
     * batching.transport} says: for a layout that sends tasks and results one by one.
     */
    static ExpertSettings expert(JobConfig config, ModelBundle bundle, int stage) {
        return expertBuilder(config, bundle, stage).build();
    }

    /**
     * The EXPERT settings of {@code stage} with the transport of {@code batching.transport},
     * grouping results for COMBINE's {@code job.parallelism} subtasks under {@code
     * combineMaxParallelism} key groups.
     */
    static ExpertSettings expert(JobConfig config, ModelBundle bundle, int stage, int combineMaxParallelism) {
        return expertBuilder(config, bundle, stage)
                .transport(config.get(BatchingOptions.TRANSPORT))
                .combine(config.get(JobOptions.PARALLELISM), combineMaxParallelism)
                .build();
    }

    private static ExpertSettings.Builder expertBuilder(JobConfig config, ModelBundle bundle, int stage) {
        return ExpertSettings.builder()
                .stageIndex(stage)
                .expertsPerStage(expertsPerStage(bundle))
                .deviceCount(RuntimeSettings.deviceCount(config))
                .releaseGraceMillis(config.get(RebalanceOptions.RELEASE_GRACE).toMillis())
                .slotCapacity(config.get(RebalanceOptions.SLOT_CAPACITY))
                .windowMillis(config.get(RebalanceOptions.WINDOW).toMillis())
                .batchSize(config.get(BatchingOptions.EXPERT_SIZE))
                .maxDelayMillis(config.get(BatchingOptions.EXPERT_MAX_DELAY).toMillis())
                .transport(BatchTransport.RECORD);
    }

    static RebalanceSettings rebalance(JobConfig config, ModelBundle bundle) {
        return RebalanceSettings.builder()
                .expertsPerStage(expertsPerStage(bundle))
                .slots(config.get(JobOptions.SLOTS))
                .gateSubtasks(config.get(JobOptions.PARALLELISM))
                .windowMillis(config.get(RebalanceOptions.WINDOW).toMillis())
                .smoothing(config.get(RebalanceOptions.SMOOTHING))
                .hysteresis(config.get(RebalanceOptions.HYSTERESIS))
                .stickiness(config.get(RebalanceOptions.STICKINESS))
                .cooldownWindows(config.get(RebalanceOptions.COOLDOWN_WINDOWS))
                .replicaBudget(config.get(RebalanceOptions.REPLICA_BUDGET))
                .slotCapacity(config.get(RebalanceOptions.SLOT_CAPACITY))
                .minRowsPerReplicaBatch(config.get(RebalanceOptions.MIN_ROWS_PER_REPLICA_BATCH))
                .expertBatching(
                        config.get(BatchingOptions.EXPERT_SIZE),
                        config.get(BatchingOptions.EXPERT_MAX_DELAY).toMillis())
                .build();
    }

    private static List<Integer> expertsPerStage(ModelBundle bundle) {
        List<Integer> experts = new ArrayList<>();
        bundle.stages().forEach(st -> experts.add(st.expertCount()));
        return experts;
    }
}
