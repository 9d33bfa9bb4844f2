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
import io.polyroute.avro.ExpertLoad;
import io.polyroute.avro.LoadSource;
import io.polyroute.job.config.MonitorOptions;
import io.polyroute.job.config.TopicsOptions;
import io.polyroute.job.control.PlanCodec;
import io.polyroute.job.control.PlanOrigin;
import io.polyroute.monitor.aggregate.ExpertKey;
import io.polyroute.monitor.aggregate.LatencySketch;
import io.polyroute.monitor.aggregate.LoadMatrix;
import io.polyroute.monitor.aggregate.SourceStats;
import io.polyroute.runtime.placement.Placement;
import io.polyroute.runtime.placement.PlanVersion;
import io.polyroute.schemas.AvroEncoding;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Each aggregation of {@link MonitorTopology}, driven through a {@code TopologyTestDriver}. */
class MonitorTopologyTest {

    /** A whole minute, so 1 s and 1 min windows both start here. */
    static final long T0 = 1_700_000_040_000L;

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
    void shouldCountPredictionsInTheSecondAndMinuteWindowsOfTheirProcessedTime() {
        monitor.pipe(
                prediction("m1", T0 + 100, 5, 0.1f),
                prediction("m1", T0 + 900, 5, 0.1f),
                prediction("m2", T0 + 1_500, 5, 0.1f));

        assertThat(monitor.window(MonitorStores.THROUGHPUT, Resolution.SECOND, MonitorStores.ALL, T0))
                .isEqualTo(2L);
        assertThat(monitor.window(MonitorStores.THROUGHPUT, Resolution.SECOND, MonitorStores.ALL, T0 + 1_000))
                .isEqualTo(1L);
        assertThat(monitor.window(MonitorStores.THROUGHPUT, Resolution.MINUTE, MonitorStores.ALL, T0))
                .isEqualTo(3L);
    }

    @Test
    void shouldWindowPredictionsByProcessedTimeRatherThanTheirKafkaTimestamp() {
        monitor.predictions.pipeInput(null, prediction("m1", T0 + 10_000, 5, 0.1f), T0 + 3_600_000L);

        assertThat(monitor.window(MonitorStores.THROUGHPUT, Resolution.SECOND, MonitorStores.ALL, T0 + 10_000))
                .isEqualTo(1L);
    }

    @Test
    void shouldKeepLatencyQuantilesOfAWindowWithinOnePercent() {
        for (int ms = 1; ms <= 1_000; ms++) {
            monitor.pipe(prediction("m1", T0 + ms % 1_000, ms, 0.1f));
        }

        LatencySketch sketch = monitor.window(MonitorStores.LATENCY, Resolution.SECOND, MonitorStores.ALL, T0);
        assertThat(sketch.count()).isEqualTo(1_000);
        assertThat(sketch.quantileMillis(0.50)).isCloseTo(500, within(5.0));
        assertThat(sketch.quantileMillis(0.95)).isCloseTo(950, within(9.5));
        assertThat(sketch.quantileMillis(0.99)).isCloseTo(990, within(9.9));
    }

    @Test
    void shouldMergeLatencySketchesOfTwoWindowsIntoTheQuantilesOfAllTheirPredictions() {
        for (int ms = 1; ms <= 500; ms++) {
            monitor.pipe(prediction("m1", T0 + 200, ms, 0.1f));
            monitor.pipe(prediction("m1", T0 + 1_200, 500 + ms, 0.1f));
        }

        LatencySketch first = monitor.window(MonitorStores.LATENCY, Resolution.SECOND, MonitorStores.ALL, T0);
        LatencySketch second = monitor.window(MonitorStores.LATENCY, Resolution.SECOND, MonitorStores.ALL, T0 + 1_000);
        assertThat(first.quantileMillis(0.5)).isCloseTo(250, within(2.5));
        assertThat(second.quantileMillis(0.5)).isCloseTo(750, within(7.5));

        LatencySketch merged = MonitorStores.LATENCY.merge(first, second);
        LatencySketch minute = monitor.window(MonitorStores.LATENCY, Resolution.MINUTE, MonitorStores.ALL, T0);
        assertThat(merged.count()).isEqualTo(1_000);
        assertThat(merged.quantileMillis(0.5)).isCloseTo(500, within(5.0));
        assertThat(merged.quantileMillis(0.99)).isCloseTo(990, within(9.9));
        assertThat(minute.quantileMillis(0.99)).isEqualTo(merged.quantileMillis(0.99));
    }

    @Test
    void shouldCountExpertInvocationsPerExpertAndSlotFromThePredictions() {
        monitor.pipe(
                prediction("m1", T0 + 10, 5, 0.1f, choice(0, 0), choice(1, 1)),
                prediction("m1", T0 + 20, 5, 0.1f, choice(0, 0), choice(2, 1)),
                prediction("m1", T0 + 30, 5, 0.1f, choice(1, 0, 1)));

        LoadMatrix load = monitor.window(MonitorStores.ROUTED_LOAD, Resolution.SECOND, MonitorStores.ALL, T0);

        assertThat(load.recordsBySlot()).containsExactly(Map.entry(0, 2L), Map.entry(1, 3L));
        assertThat(load.recordsByExpert())
                .containsExactly(
                        Map.entry(new ExpertKey(0, 0), 2L), Map.entry(new ExpertKey(0, 1), 1L),
                        Map.entry(new ExpertKey(0, 2), 1L), Map.entry(new ExpertKey(1, 0), 1L));
        assertThat(load.cells().get(new LoadMatrix.Cell(0, 0, 0)).records()).isEqualTo(2);
    }

    @Test
    void shouldReportImbalanceAsTheLargestSlotLoadOverTheMeanCountingIdleSlots() {
        monitor.pipe(
                prediction("m1", T0 + 10, 5, 0.1f, choice(0, 0)),
                prediction("m1", T0 + 20, 5, 0.1f, choice(0, 0)),
                prediction("m1", T0 + 30, 5, 0.1f, choice(1, 0)),
                prediction("m1", T0 + 40, 5, 0.1f, choice(2, 1)));

        LoadMatrix load = monitor.window(MonitorStores.ROUTED_LOAD, Resolution.SECOND, MonitorStores.ALL, T0);

        assertThat(load.imbalance(2)).isCloseTo(1.5, within(1e-9));
        assertThat(load.imbalance(4)).isCloseTo(3.0, within(1e-9));
        assertThat(load.imbalance(1))
                .as("a slot count below the highest loaded slot is raised")
                .isCloseTo(1.5, within(1e-9));
        assertThat(LoadMatrix.empty().imbalance(2)).isNaN();
    }

    @Test
    void shouldAddGateDemandAndExpertServiceFromTheLoadReportsAtTheEndOfTheirWindow() {
        monitor.loads.pipeInput(
                load(LoadSource.GATE, 0, T0, T0 + 5_000, entry(0, -1, 10, 0, 0), entry(1, -1, 4, 0, 0)));
        monitor.loads.pipeInput(load(LoadSource.EXPERT, 1, T0, T0 + 5_000, entry(0, 1, 8, 800_000, 3)));
        monitor.loads.pipeInput(load(LoadSource.EXPERT, 1, T0, T0 + 5_000, entry(0, -1, 2, 200_000, 1)));
        // A rollout's other version reports apart; its experts are another model's and stay out.
        ExpertLoad otherVersion = load(LoadSource.GATE, 0, T0, T0 + 5_000, entry(2, -1, 99, 0, 0));
        otherVersion.setBundleName("moe");
        otherVersion.setBundleVersion("2");
        monitor.loads.pipeInput(otherVersion);

        LoadMatrix gate = monitor.window(MonitorStores.REPORTED_LOAD, Resolution.SECOND, "GATE", T0 + 4_999);
        LoadMatrix served = monitor.window(MonitorStores.REPORTED_LOAD, Resolution.SECOND, "EXPERT", T0 + 4_999);

        assertThat(gate.cells())
                .containsOnlyKeys(
                        new LoadMatrix.Cell(0, 0, LoadMatrix.UNPLACED), new LoadMatrix.Cell(0, 1, LoadMatrix.UNPLACED));
        assertThat(gate.recordsByExpert().get(new ExpertKey(0, 0))).isEqualTo(10);
        LoadMatrix.Load slot1 = served.cells().get(new LoadMatrix.Cell(0, 0, 1));
        assertThat(slot1.records())
                .as("an entry without a slot counts on the reporting subtask")
                .isEqualTo(10);
        assertThat(slot1.serviceNanos()).isEqualTo(1_000_000);
        assertThat(slot1.peakQueueDepth()).isEqualTo(3);
        assertThat(monitor.window(MonitorStores.REPORTED_LOAD, Resolution.SECOND, "GATE", T0))
                .isNull();
    }

    @Test
    void shouldKeepOnlyTheLatestPlansByVersion() {
        monitor.close();
        monitor = new MonitorTestDriver(stateDir, Map.of(MonitorOptions.PLAN_HISTORY.key(), "3"));

        for (long version = 1; version <= 5; version++) {
            monitor.plans.pipeInput(plan(version, T0 + version * 1_000, 2, 4, "plan " + version));
        }
        monitor.plans.pipeInput(plan(4, T0 + 9_000, 2, 4, "plan 4, published again"));

        assertThat(monitor.planHistory()).containsOnlyKeys(3L, 4L, 5L);
        assertThat(monitor.planHistory().get(4L).getReason()).isEqualTo("plan 4, published again");
    }

    @ParameterizedTest
    @EnumSource(AvroEncoding.class)
    void shouldKeepThePlansTheJobWritesInEveryEncoding(AvroEncoding encoding) {
        monitor.close();
        monitor = new MonitorTestDriver(
                stateDir,
                Map.of(
                        TopicsOptions.ENCODING.key(),
                        encoding.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-')));
        PlanVersion plan = PlanVersion.builder()
                .version(7)
                .timestampMillis(T0)
                .reason("rebalanced")
                .stage(Placement.roundRobin(4, 2))
                .build();

        monitor.rawPlans.pipeInput(new byte[] {1, 2, 3}); // garbage on the topic is skipped
        monitor.rawPlans.pipeInput(PlanCodec.encode(plan, new PlanOrigin("polyroute", "b", "1")));

        assertThat(monitor.planHistory()).containsOnlyKeys(7L);
        assertThat(monitor.planHistory().get(7L).getJobName()).isEqualTo("polyroute");
    }

    @Test
    void shouldCountDeadLettersPerReasonInTheWindowOfTheirRejection() {
        monitor.deadLetters.pipeInput(deadLetter(DeadLetterReason.WRONG_DIMENSION, T0 + 100));
        monitor.deadLetters.pipeInput(deadLetter(DeadLetterReason.WRONG_DIMENSION, T0 + 200));
        monitor.deadLetters.pipeInput(deadLetter(DeadLetterReason.UNDECODABLE, T0 + 61_000));

        assertThat(monitor.window(MonitorStores.DEAD_LETTERS, Resolution.SECOND, "WRONG_DIMENSION", T0))
                .isEqualTo(2L);
        assertThat(monitor.window(MonitorStores.DEAD_LETTERS, Resolution.MINUTE, "WRONG_DIMENSION", T0))
                .isEqualTo(2L);
        assertThat(monitor.window(MonitorStores.DEAD_LETTERS, Resolution.MINUTE, "UNDECODABLE", T0))
                .isNull();
        assertThat(monitor.window(MonitorStores.DEAD_LETTERS, Resolution.MINUTE, "UNDECODABLE", T0 + 60_000))
                .isEqualTo(1L);
    }

    @Test
    void shouldComputeTheOutputMeanAndAnomalyRateOfEachSource() {
        monitor.pipe(
                prediction("press-1", T0 + 10, 5, 0.2f),
                prediction("press-1", T0 + 20, 5, 0.8f),
                prediction("press-1", T0 + 30, 5, 0.9f),
                prediction("press-2", T0 + 40, 5, 0.1f),
                prediction("press-2", T0 + 50, 5, 0.5f));

        SourceStats press1 = monitor.window(MonitorStores.SOURCES, Resolution.MINUTE, "press-1", T0);
        SourceStats press2 = monitor.window(MonitorStores.SOURCES, Resolution.SECOND, "press-2", T0);

        assertThat(press1.count()).isEqualTo(3);
        assertThat(press1.outputMean()).isCloseTo((0.2 + 0.8 + 0.9) / 3, within(1e-6));
        assertThat(press1.anomalyRate()).isCloseTo(2.0 / 3, within(1e-9));
        assertThat(press2.anomalies())
                .as("0.5 is not above the default threshold 0.5")
                .isZero();
    }

    @Test
    void shouldApplyTheConfiguredAnomalyThresholdToTheConfiguredOutputComponent() {
        monitor.close();
        monitor = new MonitorTestDriver(
                stateDir,
                Map.of(MonitorOptions.ANOMALY_THRESHOLD.key(), "0.2", MonitorOptions.ANOMALY_OUTPUT_INDEX.key(), "1"));

        monitor.pipe(prediction("press-1", T0 + 10, 5, 0.0f), prediction("press-1", T0 + 20, 5, 0.0f));

        SourceStats stats = monitor.window(MonitorStores.SOURCES, Resolution.SECOND, "press-1", T0);
        assertThat(stats.outputMean())
                .as("output[1] is 0.25 in every test prediction")
                .isCloseTo(0.25, within(1e-6));
        assertThat(stats.anomalyRate()).isEqualTo(1.0);
    }

    @Test
    void shouldLeaveOutOfTheSourceFiguresPredictionsWithoutTheWatchedOutput() {
        monitor.close();
        monitor = new MonitorTestDriver(stateDir, Map.of(MonitorOptions.ANOMALY_OUTPUT_INDEX.key(), "5"));

        monitor.pipe(prediction("press-1", T0 + 10, 5, 0.9f));

        assertThat(monitor.window(MonitorStores.SOURCES, Resolution.SECOND, "press-1", T0))
                .isNull();
        assertThat(monitor.window(MonitorStores.THROUGHPUT, Resolution.SECOND, MonitorStores.ALL, T0))
                .isEqualTo(1L);
    }

    @Test
    void shouldSkipUndecodableRecordsAndKeepAggregating() {
        monitor.rawPredictions.pipeInput("not avro at all".getBytes(StandardCharsets.UTF_8));
        monitor.pipe(prediction("m1", T0 + 10, 5, 0.1f));

        assertThat(monitor.window(MonitorStores.THROUGHPUT, Resolution.SECOND, MonitorStores.ALL, T0))
                .isEqualTo(1L);
    }

    @Test
    void shouldIgnoreRecordsWhoseWindowsHaveLeftTheRetention() {
        monitor.pipe(prediction("m1", T0 + 2 * 3_600_000L, 5, 0.1f));
        monitor.pipe(prediction("m1", T0 + 10, 5, 0.1f));
        monitor.pipe(prediction("m1", T0 + 3_600_000L + 10, 5, 0.1f));

        assertThat(monitor.window(MonitorStores.THROUGHPUT, Resolution.MINUTE, MonitorStores.ALL, T0))
                .isNull();
        assertThat(monitor.window(MonitorStores.THROUGHPUT, Resolution.SECOND, MonitorStores.ALL, T0 + 3_600_000L))
                .isEqualTo(1L);
    }
}
