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

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.polyroute.avro.ExpertLoad;
import io.polyroute.job.control.LoadReport;
import io.polyroute.job.io.LoadReportSerializer;
import io.polyroute.kit.simulate.SkewedInput;
import io.polyroute.runtime.placement.ExpertReplicas;
import io.polyroute.runtime.placement.Placement;
import io.polyroute.runtime.placement.PlanVersion;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The benchmark's figures from hand-made load windows and plans: two slots, four experts. */
class SkewFiguresTest {
    private static final long W = 1_000;
    private static final long T0 = 1_000_000;

    /** A window: the GATE routed {@code demand}; slot s spent {@code slotNanos[s]} on its experts. */
    private static void window(List<ExpertLoad> out, int index, long[] demand, long[] slotNanos) {
        long start = T0 + index * W;
        LoadReport gate = LoadReport.empty(LoadReport.GATE, 0, 0, 4, start, start + W, 0);
        gate.records = demand.clone();
        out.add(LoadReportSerializer.toAvro(gate));
        for (int s = 0; s < 2; s++) {
            LoadReport ex = LoadReport.empty(LoadReport.EXPERT, s, 0, 4, start, start + W, 0);
            ex.records[s] = 100;
            ex.serviceNanos[s] = slotNanos[s];
            out.add(LoadReportSerializer.toAvro(ex));
        }
    }

    private static PlanVersion plan(long version, long createdAt, ExpertReplicas... replicas) {
        return PlanVersion.builder()
                .version(version)
                .timestampMillis(createdAt)
                .reason("test")
                .stage(Placement.of(2, Arrays.asList(replicas)))
                .build();
    }

    @Test
    void shouldFindTheDriftWindowByRoutedCountAndTheFirstPlanThatBalancesTheNewLoad() {
        List<ExpertLoad> loads = new ArrayList<>();
        // Phase 1: 5 windows of 200 visits (experts 0 and 2 hot); the drift starts in window 5.
        for (int i = 0; i < 5; i++) {
            window(loads, i, new long[] {100, 0, 100, 0}, new long[] {2_000, 1_000});
        }
        for (int i = 5; i < 12; i++) {
            window(
                    loads,
                    i,
                    new long[] {0, 100, 0, 100},
                    i < 8 ? new long[] {1_000, 2_000} : new long[] {1_000, 1_000});
        }
        // Plan 1 (phase 1) spreads experts 0 and 2; plan 2, created in window 6 from window 5's load, spreads 1 and 3.
        List<PlanVersion> plans = List.of(
                plan(
                        1,
                        T0 + 2 * W + 10,
                        ExpertReplicas.single(0),
                        ExpertReplicas.single(1),
                        ExpertReplicas.single(1),
                        ExpertReplicas.single(1)),
                plan(
                        2,
                        T0 + 6 * W + 10,
                        ExpertReplicas.single(0),
                        ExpertReplicas.single(0),
                        ExpertReplicas.single(1),
                        ExpertReplicas.single(1)));
        SkewFigures f = SkewFigures.of(loads, plans, 2, W, 500, 0, 1, 5 * 200);
        assertThat(f.driftWindowStart()).isEqualTo(T0 + 5 * W);
        assertThat(f.reactionWindows())
                .as("planned from the drift window's own load")
                .isEqualTo(1);
        assertThat(f.planChanges()).isEqualTo(2);
        assertThat(f.sessionsMoved()).isZero();
        // Converged phase 2: windows from 7 (plan 2 + activation, and drift + 2) on: 7 at 1:2, 8..11 at 1:1.
        assertThat(f.phase2Windows()).isEqualTo(5);
        assertThat(f.phase2Imbalance()).isCloseTo(6_000.0 / 5_500.0, within(1e-9));
        assertThat(f.hottestShare()[0]).isCloseTo(0.5, within(1e-9));
    }

    @Test
    void shouldReportNoReactionWithoutAPlanAfterTheDrift() {
        List<ExpertLoad> loads = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            window(loads, i, new long[] {100, 0, 100, 0}, new long[] {3_000, 1_000});
        }
        SkewFigures f = SkewFigures.of(loads, List.of(), 2, W, 500, 0, 1, 3 * 200);
        assertThat(f.reactionWindows()).isEqualTo(-1);
        assertThat(f.planChanges()).isZero();
        assertThat(f.phase2Imbalance()).isCloseTo(1.5, within(1e-9));
    }

    @Test
    void shouldRankTheExpertsOfOneStaticSlotFirstAndNormaliseZipf() {
        assertThat(SkewedInput.rotation(8, 2, 0)).containsExactly(0, 2, 4, 6, 1, 3, 5, 7);
        assertThat(SkewedInput.rotation(8, 4, 1)).containsExactly(1, 5, 2, 6, 3, 7, 0, 4);
        double[] p = SkewedInput.zipf(4, 1.0, new int[] {2, 0, 3, 1});
        assertThat(Arrays.stream(p).sum()).isCloseTo(1.0, within(1e-12));
        assertThat(p[2]).isCloseTo(1 / (1 + 0.5 + 1 / 3.0 + 0.25), within(1e-12));
        assertThat(p[0]).isCloseTo(p[2] / 2, within(1e-12));
    }
}
