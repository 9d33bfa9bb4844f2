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
package io.polyroute.job.config;

import java.time.Duration;
import java.util.List;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/**
 * Micro-batching of the gate and expert operators. A batch is flushed when it is full, when its
 * oldest record has waited the maximum delay, and before every checkpoint barrier.
 */
public final class BatchingOptions {

    // 512: a fused batch of 512 records gives each of 16 experts about 64 rows (k = 2); on the
    // benchmark workloads the core ran 2.4x (H=4096) and 2.3x (H=256) faster per record than at 64.
    // Below saturation batches are cut by max-delay anyway, so latency does not grow with it.
    public static final ConfigOption<Integer> GATE_SIZE = ConfigOptions.key("batching.gate.size")
            .intType()
            .defaultValue(512)
            .withDescription("Records per gate batch (in fused mode: per fused batch).");

    public static final ConfigOption<Duration> GATE_MAX_DELAY = ConfigOptions.key("batching.gate.max-delay")
            .durationType()
            .defaultValue(Duration.ofMillis(5))
            .withDescription("Longest time a record waits in an incomplete gate batch.");

    // 4096: under backlog a light model's per-call cost (ONNX Runtime's run overhead, one run per
    // selected expert) is spread over 8x as many records; a full buffer of 4096 readings is a few
    // MiB. Batches still leave at max-delay, so this bounds memory, not latency.
    public static final ConfigOption<Integer> GATE_MAX_SIZE = ConfigOptions.key("batching.gate.max-size")
            .intType()
            .defaultValue(4096)
            .withDescription("Largest FUSED or GATE batch under backlog. A batch is cut at its target size or at "
                    + "max-delay; the target starts at batching.gate.size, doubles after two batches in a row that "
                    + "filled before their deadline, up to this bound, and falls back towards batching.gate.size when a "
                    + "batch leaves at its deadline before it filled. At most batching.gate.size: fixed batches.");

    public static final ConfigOption<Integer> EXPERT_SIZE = ConfigOptions.key("batching.expert.size")
            .intType()
            .defaultValue(256)
            .withDescription("Records per expert batch, per expert.");

    public static final ConfigOption<Duration> EXPERT_MAX_DELAY = ConfigOptions.key("batching.expert.max-delay")
            .durationType()
            .defaultValue(Duration.ofMillis(5))
            .withDescription("Longest time a record waits in an incomplete expert batch.");

    public static final ConfigOption<BatchTransport> TRANSPORT = ConfigOptions.key("batching.transport")
            .enumType(BatchTransport.class)
            .defaultValue(BatchTransport.BATCH)
            .withDescription("How records cross the shuffle by event_id to the global dedupe. batch: decode-validate "
                    + "sends one batch per receiving dedupe subtask (flushed at batching.shuffle.size records, at "
                    + "batching.shuffle.max-delay and before every checkpoint barrier), so Flink's per-element cost "
                    + "is paid per batch. record: one element per record.");

    public static final ConfigOption<Integer> SHUFFLE_SIZE = ConfigOptions.key("batching.shuffle.size")
            .intType()
            .defaultValue(256)
            .withDescription("Records per receiving subtask at which a batch crosses the dedupe shuffle.");

    public static final ConfigOption<Duration> SHUFFLE_MAX_DELAY = ConfigOptions.key("batching.shuffle.max-delay")
            .durationType()
            .defaultValue(Duration.ofMillis(5))
            .withDescription("Longest time a record waits in an incomplete batch before the dedupe shuffle.");

    private BatchingOptions() {}

    /** The options and checks of this component. */
    public static OptionGroup group() {
        return new OptionGroup(
                "batching",
                List.of(
                        GATE_SIZE,
                        GATE_MAX_DELAY,
                        GATE_MAX_SIZE,
                        EXPERT_SIZE,
                        EXPERT_MAX_DELAY,
                        TRANSPORT,
                        SHUFFLE_SIZE,
                        SHUFFLE_MAX_DELAY),
                List.of(
                        OptionCheck.atLeast(GATE_SIZE, 1),
                        OptionCheck.atLeast(GATE_MAX_SIZE, 1),
                        OptionCheck.notNegative(GATE_MAX_DELAY),
                        OptionCheck.atLeast(EXPERT_SIZE, 1),
                        OptionCheck.notNegative(EXPERT_MAX_DELAY),
                        OptionCheck.atLeast(SHUFFLE_SIZE, 1),
                        OptionCheck.notNegative(SHUFFLE_MAX_DELAY)));
    }
}
