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
package io.polyroute.demo;

import java.nio.file.Path;
import java.util.List;

/**
 * What {@code polyroute demo} runs.
 *
 * @param durationSeconds stop after this long; 0 runs until Ctrl-C
 * @param verify re-score every prediction with reference.onnx at the end
 * @param ratePerSecond records the simulator sends per second
 * @param badShare share of deliberately bad records
 * @param mode job mode (expert-parallel or fused)
 * @param slots expert slots
 * @param parallelism parallelism of the other operators
 * @param modelsDir where the demo bundle lives (built on first use)
 * @param seed simulator seed
 * @param overrides extra job options, {@code key=value}
 * @param monitorPort HTTP port of the dashboard; 0 picks a free one, -1 disables it
 * @param engine {@value #DATASTREAM} (the Polyroute job) or {@value #SQL} (the SQL pipeline, ML_PREDICT)
 */
public record DemoSettings(
        long durationSeconds,
        boolean verify,
        double ratePerSecond,
        double badShare,
        String mode,
        int slots,
        int parallelism,
        Path modelsDir,
        long seed,
        List<String> overrides,
        int monitorPort,
        String engine) {
    /** The Polyroute DataStream job. */
    public static final String DATASTREAM = "datastream";
    /** The SQL pipeline: ML_PREDICT with the polyroute model provider. */
    public static final String SQL = "sql";

    public DemoSettings {
        if (durationSeconds < 0) {
            throw new IllegalArgumentException("--duration must be >= 0 seconds, but is " + durationSeconds + ".");
        }
        if (!(ratePerSecond > 0)) {
            throw new IllegalArgumentException("--rate must be > 0 records/s, but is " + ratePerSecond + ".");
        }
        if (badShare < 0 || badShare > 1) {
            throw new IllegalArgumentException("--bad-share must be between 0 and 1, but is " + badShare + ".");
        }
        if (slots < 1) {
            throw new IllegalArgumentException("--slots must be >= 1, but is " + slots + ".");
        }
        if (parallelism < 1) {
            throw new IllegalArgumentException("--parallelism must be >= 1, but is " + parallelism + ".");
        }
        overrides = List.copyOf(overrides);
        if (!engine.equals(DATASTREAM) && !engine.equals(SQL)) {
            throw new IllegalArgumentException("--engine must be datastream or sql, but is '" + engine + "'.");
        }
    }

    /** Settings for the DataStream job. */
    public DemoSettings(
            long durationSeconds,
            boolean verify,
            double ratePerSecond,
            double badShare,
            String mode,
            int slots,
            int parallelism,
            Path modelsDir,
            long seed,
            List<String> overrides,
            int monitorPort) {
        this(
                durationSeconds,
                verify,
                ratePerSecond,
                badShare,
                mode,
                slots,
                parallelism,
                modelsDir,
                seed,
                overrides,
                monitorPort,
                DATASTREAM);
    }
}
