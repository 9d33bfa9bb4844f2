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

import io.polyroute.job.config.JobConfig;
import io.polyroute.job.config.ModelRuntimeOptions;
import io.polyroute.runtime.onnx.RuntimeOptions;

/**
 * Maps the job's {@code runtime.*} options to the core's ONNX Runtime options. The per-slot CUDA
 * device is chosen later, when an operator opens its models: slot {@code i} uses device
 * {@code i mod runtime.cuda.device-count} (see {@link #deviceCount}).
 */
public final class RuntimeSettings {
    private RuntimeSettings() {}

    /** The session options every operator starts from, bound to {@code runtime.cuda.device-id}. */
    public static RuntimeOptions from(JobConfig config) {
        return RuntimeOptions.builder()
                .device(config.get(ModelRuntimeOptions.DEVICE))
                .intraOpThreads(config.get(ModelRuntimeOptions.INTRA_OP_THREADS))
                .deviceId(config.get(ModelRuntimeOptions.CUDA_DEVICE_ID))
                .cudaMemoryLimitBytes(
                        config.get(ModelRuntimeOptions.CUDA_MEMORY_LIMIT).getBytes())
                .cudaArenaStrategy(
                        config.get(ModelRuntimeOptions.CUDA_ARENA_STRATEGY).ortName())
                .maxRowsPerRun(config.getOptional(ModelRuntimeOptions.MAX_ROWS_PER_RUN)
                        .orElse(RuntimeOptions.AUTO_ROWS_PER_RUN))
                .build();
    }

    /** GPUs per TaskManager that the slots are spread over; 0 keeps every slot on the configured device. */
    public static int deviceCount(JobConfig config) {
        return config.get(ModelRuntimeOptions.CUDA_DEVICE_COUNT);
    }

    /** The session options of expert slot {@code slot}: {@link #from} moved to device {@code slot mod count}. */
    public static RuntimeOptions forSlot(JobConfig config, int slot) {
        return from(config).forSlot(slot, deviceCount(config));
    }
}
