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

/** How ONNX Runtime's CUDA memory arena grows when it needs more memory. */
public enum CudaArenaStrategy {
    /** Double the arena each time (ONNX Runtime's default): fewer allocations, more slack. */
    NEXT_POWER_OF_TWO("kNextPowerOfTwo"),
    /** Grow by exactly what is requested: tighter memory use, more allocations. */
    SAME_AS_REQUESTED("kSameAsRequested");

    private final String ortName;

    CudaArenaStrategy(String ortName) {
        this.ortName = ortName;
    }

    /** The value of ONNX Runtime's {@code arena_extend_strategy} provider option. */
    public String ortName() {
        return ortName;
    }
}
