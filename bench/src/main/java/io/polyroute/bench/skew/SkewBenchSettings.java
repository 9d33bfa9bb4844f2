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
package io.polyroute.bench.skew;

import java.nio.file.Path;
import java.util.List;

/**
 * Options of {@code polyroute bench skew}.
 *
 * @param durationSeconds target length of the rebalanced run; sizes the input with the calibrated rate
 * @param slots expert slots (job.slots)
 * @param quick smaller experts, a shorter run and a smaller reference sample
 * @param experts experts of the single stage
 * @param inputDim record width D
 * @param hidden hidden width H of each expert MLP (D → H → outputDim)
 * @param hiddenLayers hidden layers of each expert MLP, all H wide
 * @param outputDim expert output width
 * @param zipf exponent of the expert popularity
 * @param records input records (both phases); 0 to size them from a calibration run
 * @param windowMillis rebalance.window
 * @param sample records per run checked against reference.onnx
 * @param seed seed of the bundle and the input
 * @param bundleDir where the bundle is built (or reused when it holds the same one); null for a temp folder
 * @param overrides extra job options, KEY=VALUE
 */
public record SkewBenchSettings(
        long durationSeconds,
        int slots,
        boolean quick,
        int experts,
        int inputDim,
        int hidden,
        int hiddenLayers,
        int outputDim,
        double zipf,
        long records,
        long windowMillis,
        int sample,
        long seed,
        Path bundleDir,
        List<String> overrides) {

    public SkewBenchSettings {
        require(durationSeconds >= 5, "--duration must be at least 5 seconds, but is " + durationSeconds + ".");
        require(slots >= 2, "--slots must be at least 2 (one slot has nothing to balance), but is " + slots + ".");
        require(experts >= slots, "--experts must be at least --slots (" + slots + "), but is " + experts + ".");
        require(
                inputDim >= 1 && hidden >= 1 && hiddenLayers >= 1 && outputDim >= 1,
                "--input-dim, --hidden, --hidden-layers and --output-dim must be >= 1.");
        require(zipf > 0, "--zipf must be > 0, but is " + zipf + ".");
        require(
                records >= 0,
                "--records must be >= 0 (0 sizes the input from a calibration run), but is " + records + ".");
        require(windowMillis >= 100, "--window must be at least 100 ms, but is " + windowMillis + " ms.");
        require(sample >= 0, "--sample must be >= 0, but is " + sample + ".");
        overrides = List.copyOf(overrides);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
