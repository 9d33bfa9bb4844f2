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

import io.polyroute.runtime.onnx.Device;
import java.util.List;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.MemorySize;

/**
 * Declarations of the {@code runtime.*} options: ONNX Runtime settings for the gate and expert
 * sessions, including the CUDA execution provider's options. {@code io.polyroute.job.RuntimeSettings}
 * turns them into the core's {@link io.polyroute.runtime.onnx.RuntimeOptions}. On a machine with GPUs, expert slot {@code i} (an EXPERT or FUSED subtask) runs on
 * CUDA device {@code i mod runtime.cuda.device-count}; with a device count of 0 every slot uses
 * {@code runtime.cuda.device-id}.
 */
public final class ModelRuntimeOptions {

    public static final ConfigOption<Device> DEVICE = ConfigOptions.key("runtime.device")
            .enumType(Device.class)
            .defaultValue(Device.AUTO)
            .withDescription("Where models run: auto (CUDA when usable, otherwise CPU), cuda (fail at start "
                    + "without CUDA) or cpu.");

    public static final ConfigOption<Integer> INTRA_OP_THREADS = ConfigOptions.key("runtime.intra-op-threads")
            .intType()
            .defaultValue(1)
            .withDescription("Threads ONNX Runtime uses inside one operator; Flink's subtasks already use "
                    + "the other cores.");

    public static final ConfigOption<Integer> MAX_ROWS_PER_RUN = ConfigOptions.key("runtime.max-rows-per-run")
            .intType()
            .noDefaultValue()
            .withDescription("Most rows one ONNX Runtime run of a gate or expert takes; a larger batch runs "
                    + "as consecutive runs of this many rows, with the same results. Unset: 256 on CPU, "
                    + "where runs of thousands of rows through a wide hidden layer no longer fit the "
                    + "caches, and no limit on CUDA; 0 = no limit.");

    public static final ConfigOption<Integer> CUDA_DEVICE_ID = ConfigOptions.key("runtime.cuda.device-id")
            .intType()
            .defaultValue(0)
            .withDescription("CUDA device every slot uses when runtime.cuda.device-count is 0.");

    public static final ConfigOption<Integer> CUDA_DEVICE_COUNT = ConfigOptions.key("runtime.cuda.device-count")
            .intType()
            .defaultValue(0)
            .withDescription("GPUs per TaskManager. When above 0, expert slot i runs on CUDA device "
                    + "i mod device-count, spreading the slots over the GPUs; 0 puts every slot on "
                    + "runtime.cuda.device-id.");

    public static final ConfigOption<MemorySize> CUDA_MEMORY_LIMIT = ConfigOptions.key("runtime.cuda.memory-limit")
            .memoryType()
            .defaultValue(MemorySize.ZERO)
            .withDescription("Upper bound of the CUDA memory arena of each session, e.g. 2 gb; 0 means no "
                    + "limit (ONNX Runtime's gpu_mem_limit).");

    public static final ConfigOption<CudaArenaStrategy> CUDA_ARENA_STRATEGY = ConfigOptions.key(
                    "runtime.cuda.arena-strategy")
            .enumType(CudaArenaStrategy.class)
            .defaultValue(CudaArenaStrategy.NEXT_POWER_OF_TWO)
            .withDescription("How the CUDA memory arena grows: next-power-of-two (fewer allocations) or "
                    + "same-as-requested (tighter memory use).");

    private ModelRuntimeOptions() {}

    /** The options and checks of this component. */
    public static OptionGroup group() {
        return new OptionGroup(
                "runtime",
                List.of(
                        DEVICE,
                        INTRA_OP_THREADS,
                        MAX_ROWS_PER_RUN,
                        CUDA_DEVICE_ID,
                        CUDA_DEVICE_COUNT,
                        CUDA_MEMORY_LIMIT,
                        CUDA_ARENA_STRATEGY),
                List.of(
                        OptionCheck.atLeast(INTRA_OP_THREADS, 1),
                        OptionCheck.atLeast(MAX_ROWS_PER_RUN, 0),
                        OptionCheck.atLeast(CUDA_DEVICE_ID, 0),
                        OptionCheck.atLeast(CUDA_DEVICE_COUNT, 0)));
    }
}
