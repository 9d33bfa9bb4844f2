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
package io.polyroute.monitor;

import static io.polyroute.monitor.MonitorRecords.choice;
import static io.polyroute.monitor.MonitorRecords.deadLetter;
import static io.polyroute.monitor.MonitorRecords.entry;
import static io.polyroute.monitor.MonitorRecords.load;
import static io.polyroute.monitor.MonitorRecords.plan;
import static io.polyroute.monitor.MonitorRecords.prediction;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.polyroute.avro.DeadLetterReason;
import io.polyroute.avro.LoadSource;
import io.polyroute.monitor.query.Views;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The figures of {@link io.polyroute.monitor.query.MonitorQueries} over stores filled by a test driver. */
class MonitorQueriesTest {

    /** A whole minute. */
    static final long T0 = MonitorTopologyTest.T0;

    @TempDir
    Path stateDir;

    private MonitorTestDriver monitor;

    @BeforeEach
    void start() {
        monitor = new MonitorTestDriver(stateDir);
    }

    @AfterEach
    void stop() {
        monitor.close();
    }

    @Test
    void shouldReturnOnePointPerCompleteWindowWithZerosWhereNothingHappened() {
        monitor.pipe(
                prediction("m1", T0 + 7_100, 5, 0.1f),
                prediction("m1", T0 + 7_200, 5, 0.1f),
                prediction("m1", T0 + 9_999, 5, 0.1f));

        // Cutoff: 12 s - 2 s display delay = T0 + 10 s, so the last complete window starts at T0 + 9 s.
        Views.Throughput t = monitor.queries(T0 + 12_000).throughput(Resolution.SECOND, 1);

        assertThat(t.points()).hasSize(60);
        assertThat(t.to()).isEqualTo(T0 + 10_000);
        assertThat(t.points().get(59)).isEqualTo(new Views.ThroughputPoint(T0 + 9_000, 1, 1.0));
        assertThat(t.points().get(57)).isEqualTo(new Views.ThroughputPoint(T0 + 7_000, 2, 2.0));
        assertThat(t.points().get(58).count()).isZero();
    }

    @Test
    void shouldEndSeriesAtTheLastWindowThatClosedBeforeTheDisplayDelay() {
        monitor.pipe(prediction("m1", T0 + 9_500, 5, 0.1f));

        assertThat(monitor.queries(T0 + 11_000).throughput(Resolution.SECOND, 1).points())
                .extracting(Views.ThroughputPoint::count)
                .containsOnly(0L);
        assertThat(monitor.queries(T0 + 12_000).throughput(Resolution.SECOND, 1).points())
                .extracting(Views.ThroughputPoint::count)
                .contains(1L);
    }

    @Test
    void shouldReportLatencyPerWindowAndOverTheWholeRangeFromTheMergedSketches() {
        for (int ms = 1; ms <= 100; ms++) {
            monitor.pipe(prediction("m1", T0 + 1_000, ms, 0.1f), prediction("m1", T0 + 2_000, 100 + ms, 0.1f));
        }

        Views.LatencySeries latency = monitor.queries(T0 + 5_000).latency(Resolution.SECOND, 1);

        Views.LatencyPoint first = latency.points().stream()
                .filter(p -> p.t() == T0 + 1_000)
                .findFirst()
                .orElseThrow();
        assertThat(first.count()).isEqualTo(100);
        assertThat(first.p50()).isCloseTo(50, within(0.5));
        assertThat(latency.points().get(0).p50())
                .as("a window without predictions has no quantiles")
                .isNull();
        assertThat(latency.overall().count()).isEqualTo(200);
        assertThat(latency.overall().p50()).isCloseTo(100, within(1.0));
        assertThat(latency.overall().p99()).isCloseTo(198, within(2.0));
    }

    @Test
    void shouldMarkThePlanChangesOfTheRangeOnTheSlotSeriesOverEveryPlannedSlot() {
        monitor.plans.pipeInput(plan(1, T0 - 30_000, 4, 8, "initial placement"));
        monitor.plans.pipeInput(plan(2, T0 + 5_000, 4, 8, "imbalance 1.8 above 1.2"));
        monitor.pipe(
                prediction("m1", T0 + 3_000, 5, 0.1f, choice(0, 0), choice(1, 2)),
                prediction("m1", T0 + 3_500, 5, 0.1f, choice(0, 0), choice(3, 2)));

        Views.SlotSeries slots = monitor.queries(T0 + 10_000).slots(Resolution.SECOND, 1);

        assertThat(slots.slots()).containsExactly(0, 1, 2, 3);
        assertThat(slots.plans()).extracting(Views.PlanMarker::version).containsExactly(1L, 2L);
        Views.SlotPoint at3s = slots.points().stream()
                .filter(p -> p.t() == T0 + 3_000)
                .findFirst()
                .orElseThrow();
        assertThat(at3s.loads()).containsExactly(2L, 0L, 2L, 0L);
        assertThat(at3s.imbalance()).isCloseTo(2.0, within(1e-9));
    }

    @Test
    void shouldSumASpanAtOneSecondPrecisionFromMinuteAndSecondWindows() {
        // Cutoff T0 + 30 s; two minutes back is T0 - 90 s. Inside: the three middle records.
        for (long t : new long[] {T0 - 91_000, T0 - 90_000, T0 - 60_500, T0 - 10_000, T0 + 29_999, T0 + 30_000}) {
            monitor.pipe(prediction("m1", t, 5, 0.1f, choice(0, 0)));
        }

        Views.Experts experts = monitor.queries(T0 + 32_000).experts(2);

        assertThat(experts.from()).isEqualTo(T0 - 90_000);
        assertThat(experts.to()).isEqualTo(T0 + 30_000);
        assertThat(experts.experts()).singleElement().satisfies(e -> {
            assertThat(e.records()).isEqualTo(4);
            assertThat(e.slots()).containsExactly(Map.entry(0, 4L));
        });
    }

    @Test
    void shouldJoinRoutedLoadWithReportedDemandServiceTimeAndPlannedReplicas() {
        monitor.plans.pipeInput(plan(1, T0, 2, 2, "initial placement"));
        monitor.pipe(
                prediction("m1", T0 + 1_000, 5, 0.1f, choice(0, 0)),
                prediction("m1", T0 + 1_100, 5, 0.1f, choice(0, 0)),
                prediction("m1", T0 + 1_200, 5, 0.1f, choice(1, 1)));
        monitor.loads.pipeInput(load(LoadSource.GATE, 0, T0, T0 + 2_000, entry(0, -1, 7, 0, 0)));
        monitor.loads.pipeInput(load(LoadSource.EXPERT, 0, T0, T0 + 2_000, entry(0, 0, 4, 2_000_000, 1)));

        List<Views.ExpertLoad> experts = monitor.queries(T0 + 5_000).experts(1).experts();

        assertThat(experts).extracting(Views.ExpertLoad::label).containsExactly("s0\u00b7e0", "s0\u00b7e1");
        Views.ExpertLoad e0 = experts.get(0);
        assertThat(e0.records()).isEqualTo(2);
        assertThat(e0.share()).isCloseTo(2.0 / 3, within(1e-9));
        assertThat(e0.demand()).isEqualTo(7);
        assertThat(e0.serviceMicrosPerRecord()).isCloseTo(500.0, within(1e-9));
        assertThat(e0.replicas()).containsExactly(0);
        assertThat(experts.get(1).serviceMicrosPerRecord()).isNull();
    }

    @Test
    void shouldBuildTheHeatmapOverEveryExpertAndSlotOfTheLatestPlan() {
        monitor.plans.pipeInput(plan(1, T0, 3, 3, "initial placement"));
        monitor.pipe(
                prediction("m1", T0 + 1_000, 5, 0.1f, choice(0, 0), choice(1, 1)),
                prediction("m1", T0 + 1_500, 5, 0.1f, choice(0, 2), choice(1, 1)));

        Views.Heatmap heatmap = monitor.queries(T0 + 5_000).heatmap(1);

        assertThat(heatmap.experts()).containsExactly("s0\u00b7e0", "s0\u00b7e1", "s0\u00b7e2");
        assertThat(heatmap.slots()).containsExactly(0, 1, 2);
        assertThat(heatmap.cells()).containsExactly(List.of(1L, 0L, 1L), List.of(0L, 2L, 0L), List.of(0L, 0L, 0L));
        assertThat(heatmap.max()).isEqualTo(2);
    }

    @Test
    void shouldRankSourcesByAnomalyRateThenByPredictions() {
        monitor.pipe(
                prediction("calm", T0 + 1_000, 5, 0.1f),
                prediction("calm", T0 + 1_000, 5, 0.1f),
                prediction("hot", T0 + 1_000, 5, 0.9f),
                prediction("half-a", T0 + 1_000, 5, 0.9f),
                prediction("half-a", T0 + 1_000, 5, 0.1f),
                prediction("half-b", T0 + 1_000, 5, 0.9f),
                prediction("half-b", T0 + 1_000, 5, 0.1f),
                prediction("half-b", T0 + 1_000, 5, 0.9f),
                prediction("half-b", T0 + 1_000, 5, 0.1f));

        Views.Sources sources = monitor.queries(T0 + 5_000).sources(3, 10);

        assertThat(sources.total()).isEqualTo(4);
        assertThat(sources.sources()).extracting(Views.SourceRow::sourceId).containsExactly("hot", "half-b", "half-a");
        assertThat(sources.sources().get(1).anomalyRate()).isEqualTo(0.5);
        assertThat(sources.sources().get(1).outputMean()).isCloseTo(0.5, within(1e-6));
    }

    @Test
    void shouldCountDeadLettersPerReasonOverTimeAndInTotal() {
        monitor.deadLetters.pipeInput(deadLetter(DeadLetterReason.NON_FINITE, T0 - 120_000));
        monitor.deadLetters.pipeInput(deadLetter(DeadLetterReason.NON_FINITE, T0 + 1_000));
        monitor.deadLetters.pipeInput(deadLetter(DeadLetterReason.MISSING_ID, T0 + 2_000));

        Views.DeadLetters dlq = monitor.queries(T0 + 65_000).deadLetters(Resolution.MINUTE, 10);

        assertThat(dlq.totals()).containsExactly(Map.entry("MISSING_ID", 1L), Map.entry("NON_FINITE", 2L));
        assertThat(dlq.reasons()).containsExactly("MISSING_ID", "NON_FINITE");
        assertThat(dlq.points()).hasSize(10);
        assertThat(dlq.points().get(9).counts()).containsEntry("NON_FINITE", 1L).containsEntry("MISSING_ID", 1L);
    }

    @Test
    void shouldSummariseTheLastMinute() {
        monitor.plans.pipeInput(plan(1, T0, 2, 2, "initial placement"));
        for (int i = 0; i < 50; i++) {
            monitor.pipe(prediction(
                    "m" + (i % 5),
                    T0 + 50_000 + i * 100,
                    10 + i,
                    i % 5 == 0 ? 0.9f : 0.1f,
                    choice(0, 0),
                    choice(1, i % 10 == 0 ? 1 : 0)));
        }
        monitor.deadLetters.pipeInput(deadLetter(DeadLetterReason.OVERSIZED, T0 + 55_000));
        monitor.deadLetters.pipeInput(deadLetter(DeadLetterReason.OVERSIZED, T0 - 600_000));

        Views.Summary summary = monitor.queries(T0 + 62_000).summary();

        assertThat(summary.time()).isEqualTo(T0 + 60_000);
        assertThat(summary.state()).isEqualTo("RUNNING");
        assertThat(summary.predictionsLastMinute()).isEqualTo(50);
        assertThat(summary.throughputPerSecond()).isEqualTo(5.0);
        assertThat(summary.latencyLastMinute().count()).isEqualTo(50);
        assertThat(summary.latencyLastMinute().p50()).isCloseTo(34, within(1.0));
        // Slot 0 serves 50 + 45 invocations, slot 1 serves 5: max 95 over a mean of 50.
        assertThat(summary.imbalanceLastMinute()).isCloseTo(1.9, within(1e-9));
        assertThat(summary.slots()).isEqualTo(2);
        assertThat(summary.plan().version()).isEqualTo(1);
        assertThat(summary.deadLettersLastMinute()).isEqualTo(1);
        assertThat(summary.deadLettersLastHour()).isEqualTo(2);
        assertThat(summary.activeSources()).isEqualTo(5);
        assertThat(summary.anomalyRateLastMinute()).isCloseTo(0.2, within(1e-9));
    }

    @Test
    void shouldListPlansNewestFirstAndReportTheStoresReady() {
        monitor.plans.pipeInput(plan(1, T0, 2, 2, "initial placement"));
        monitor.plans.pipeInput(plan(2, T0 + 1_000, 2, 2, "rebalanced"));

        assertThat(monitor.queries(T0).plans(20).plans())
                .extracting(Views.Plan::version)
                .containsExactly(2L, 1L);
        assertThat(monitor.queries(T0).plans(1).plans()).hasSize(1);
        assertThat(monitor.queries(T0).health()).isEqualTo(new Views.Health("RUNNING", true));
    }
}
