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

import static org.assertj.core.api.Assertions.assertThat;

import io.polyroute.job.model.ExpertTask;
import io.polyroute.job.model.InFlight;
import io.polyroute.runtime.onnx.RuntimeOptions;
import io.polyroute.testing.SqrtExpertBundle;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.streaming.util.TwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * GATE batches follow the load as FUSED batches do: after two batches in a row that filled before
 * their deadline the target doubles, up to {@code batching.gate.max-size}; with the bound equal to
 * the size the batches stay fixed.
 */
@Timeout(120)
class GateBatchGrowthTest {
    @TempDir
    static Path dir;

    private static StageOpener opener;

    @BeforeAll
    static void writeBundle() throws Exception {
        SqrtExpertBundle.write(dir, List.of("press", "lathe"));
        opener = new StageOpener(dir.toString(), RuntimeOptions.builder().build());
    }

    @Test
    void shouldGrowTheBatchUnderBacklogUpToTheBound() throws Exception {
        // Size 2, bound 8: flushes after records 2, 4 (target -> 4), 8, 12 (target -> 8), 20, 28, 36.
        assertThat(flushPoints(2, 8, 36)).containsExactly(2, 4, 8, 12, 20, 28, 36);
    }

    @Test
    void shouldKeepFixedBatchesWhenTheBoundIsTheSize() throws Exception {
        assertThat(flushPoints(2, 2, 12)).containsExactly(2, 4, 6, 8, 10, 12);
    }

    /** The record counts after which a GATE of {@code size} up to {@code bound} emitted its headers. */
    private static List<Integer> flushPoints(int size, int bound, int records) throws Exception {
        GateOperator<ExpertTask> gate = GateOperator.records(
                opener,
                GateSettings.builder()
                        .stageIndex(0)
                        .expertsPerStage(List.of(SqrtExpertBundle.EXPERTS))
                        .slots(2)
                        .activationDelayMillis(0)
                        .windowMillis(3_600_000)
                        .batchSize(size)
                        .maxBatchSize(bound)
                        .maxDelayMillis(3_600_000)
                        .balancing(Balancing.off())
                        .build(),
                null);
        List<Integer> points = new ArrayList<>();
        try (var h = new TwoInputStreamOperatorTestHarness<>(gate)) {
            h.open();
            int emitted = 0;
            for (int i = 1; i <= records; i++) {
                h.processElement1(record("r" + i, i % 2), 0L);
                int now = h.getSideOutput(GateOperator.HEADERS) == null
                        ? 0
                        : h.getSideOutput(GateOperator.HEADERS).size();
                if (now > emitted) {
                    assertThat(now)
                            .as("every buffered record leaves with the batch")
                            .isEqualTo(i);
                    points.add(i);
                    emitted = now;
                }
            }
        }
        return points;
    }

    private static InFlight record(String id, int task) {
        InFlight r = new InFlight();
        r.eventId = id;
        r.sourceId = "m";
        r.task = task == 0 ? "press" : "lathe";
        r.taskIndex = task;
        r.features = new float[SqrtExpertBundle.INPUT_DIM];
        return r;
    }
}
