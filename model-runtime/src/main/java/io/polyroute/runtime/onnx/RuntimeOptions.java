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
package io.polyroute.runtime.onnx;

import java.io.Serializable;

/**
 * How ONNX Runtime sessions are created. Immutable; use {@link #builder()}.
 *
 * <pre>{@code
 * RuntimeOptions opts = RuntimeOptions.builder().device(Device.AUTO).intraOpThreads(1).build();
 * }</pre>
 */
public final class RuntimeOptions implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Device choice: auto, cuda or cpu. */
    private final Device device;
    /** CUDA device id; a slot uses {@code slot mod deviceCount} when {@link #deviceCount} > 0. */
    private final int deviceId;
    /** Threads of the process-wide intra-op pool shared by all sessions. */
    private final int intraOpThreads;
    /** CUDA memory limit per session arena in bytes; 0 = unlimited. */
    private final long cudaMemoryLimitBytes;
    /** CUDA arena extend strategy: {@code kNextPowerOfTwo} or {@code kSameAsRequested}. */
    private final String cudaArenaStrategy;
    /**
     * Rows of one ONNX Runtime run; larger batches run as several runs. 0 = no limit;
     * {@link #AUTO_ROWS_PER_RUN} = {@link #CPU_ROWS_PER_RUN} on CPU and no limit on CUDA.
     */
    private final int maxRowsPerRun;

    /** {@link Builder#maxRowsPerRun} value that picks the limit by device. */
    public static final int AUTO_ROWS_PER_RUN = -1;

    /**
     * The CPU limit of rows per run when none is configured. Measured with ONNX Runtime 1.29's CPU
     * provider on experts 32 → 4096 → 32, two threads running at once: 4.0–4.4 µs per row at 128–384
     * rows a run, 4.9 at 512, 6.1–7.5 at 1,024–4,096 (the hidden activations of one run no longer fit
     * the caches); small experts (32 → 256 → 32) run equally fast at 256 and at 4,096 rows a run.
     */
    public static final int CPU_ROWS_PER_RUN = 256;

    private RuntimeOptions(Builder b) {
        this.device = b.device;
        this.deviceId = b.deviceId;
        this.intraOpThreads = b.intraOpThreads;
        this.cudaMemoryLimitBytes = b.cudaMemoryLimitBytes;
        this.cudaArenaStrategy = b.cudaArenaStrategy;
        this.maxRowsPerRun = b.maxRowsPerRun;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** CPU only, one intra-op thread: what tests and validation use. */
    public static RuntimeOptions cpu() {
        return builder().device(Device.CPU).build();
    }

    public Device device() {
        return device;
    }

    public int deviceId() {
        return deviceId;
    }

    public int intraOpThreads() {
        return intraOpThreads;
    }

    public long cudaMemoryLimitBytes() {
        return cudaMemoryLimitBytes;
    }

    public String cudaArenaStrategy() {
        return cudaArenaStrategy;
    }

    /**
     * The most rows one ONNX Runtime run takes, as configured: 0 means no limit,
     * {@link #AUTO_ROWS_PER_RUN} the device's default ({@link #maxRowsPerRun(boolean)}).
     */
    public int maxRowsPerRun() {
        return maxRowsPerRun;
    }

    /**
     * The most rows one run of a session takes, {@code Integer.MAX_VALUE} for no limit: a larger
     * batch runs as consecutive runs of at most this many rows, with the same results (rows are
     * independent). Automatic: {@link #CPU_ROWS_PER_RUN} on CPU, no limit on CUDA, where larger
     * batches keep the device busy.
     */
    public int maxRowsPerRun(boolean onCuda) {
        if (maxRowsPerRun == AUTO_ROWS_PER_RUN) {
            return onCuda ? Integer.MAX_VALUE : CPU_ROWS_PER_RUN;
        }
        return maxRowsPerRun == 0 ? Integer.MAX_VALUE : maxRowsPerRun;
    }

    /** A copy bound to the CUDA device of an expert slot: {@code slot mod deviceCount}. */
    public RuntimeOptions forSlot(int slot, int deviceCount) {
        Builder b = toBuilder();
        if (deviceCount > 0) {
            b.deviceId(Math.floorMod(slot, deviceCount));
        }
        return b.build();
    }

    public Builder toBuilder() {
        return builder()
                .device(device)
                .deviceId(deviceId)
                .intraOpThreads(intraOpThreads)
                .cudaMemoryLimitBytes(cudaMemoryLimitBytes)
                .cudaArenaStrategy(cudaArenaStrategy)
                .maxRowsPerRun(maxRowsPerRun);
    }

    @Override
    public String toString() {
        return "RuntimeOptions{device=" + device + ", deviceId=" + deviceId + ", intraOpThreads="
                + intraOpThreads + ", cudaMemoryLimitBytes=" + cudaMemoryLimitBytes
                + ", cudaArenaStrategy=" + cudaArenaStrategy + ", maxRowsPerRun=" + maxRowsPerRun + '}';
    }

    /** Builder of {@link RuntimeOptions}; {@link #build()} checks every value. */
    public static final class Builder {
        private Device device = Device.AUTO;
        private int deviceId = 0;
        private int intraOpThreads = 1;
        private long cudaMemoryLimitBytes = 0;
        private String cudaArenaStrategy = "kNextPowerOfTwo";
        private int maxRowsPerRun = AUTO_ROWS_PER_RUN;

        public Builder device(Device device) {
            this.device = device;
            return this;
        }

        public Builder deviceId(int deviceId) {
            this.deviceId = deviceId;
            return this;
        }

        public Builder intraOpThreads(int threads) {
            this.intraOpThreads = threads;
            return this;
        }

        public Builder cudaMemoryLimitBytes(long bytes) {
            this.cudaMemoryLimitBytes = bytes;
            return this;
        }

        public Builder cudaArenaStrategy(String strategy) {
            this.cudaArenaStrategy = strategy;
            return this;
        }

        public Builder maxRowsPerRun(int rows) {
            this.maxRowsPerRun = rows;
            return this;
        }

        public RuntimeOptions build() {
            if (device == null) {
                throw new IllegalArgumentException("runtime.device must be set (auto, cuda or cpu).");
            }
            if (deviceId < 0) {
                throw new IllegalArgumentException("runtime.cuda.device-id must be >= 0, but is " + deviceId + ".");
            }
            if (intraOpThreads < 1) {
                throw new IllegalArgumentException(
                        "runtime.intra-op-threads must be >= 1, but is " + intraOpThreads + ".");
            }
            if (cudaMemoryLimitBytes < 0) {
                throw new IllegalArgumentException(
                        "runtime.cuda.memory-limit must be >= 0, but is " + cudaMemoryLimitBytes + ".");
            }
            if (maxRowsPerRun < AUTO_ROWS_PER_RUN) {
                throw new IllegalArgumentException(
                        "runtime.max-rows-per-run must be >= 0 (0 = no limit), but is " + maxRowsPerRun + ".");
            }
            if (!"kNextPowerOfTwo".equals(cudaArenaStrategy) && !"kSameAsRequested".equals(cudaArenaStrategy)) {
                throw new IllegalArgumentException(
                        "runtime.cuda.arena-strategy must be kNextPowerOfTwo or kSameAsRequested, but is '"
                                + cudaArenaStrategy + "'.");
            }
            return new RuntimeOptions(this);
        }
    }
}
