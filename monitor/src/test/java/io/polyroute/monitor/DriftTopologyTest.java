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

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.within;

import io.polyroute.avro.DeadLetter;
import io.polyroute.avro.DeadLetterReason;
import io.polyroute.avro.ExpertChoice;
import io.polyroute.avro.Prediction;
import io.polyroute.monitor.drift.Alert;
import io.polyroute.monitor.query.DriftQueries;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.IntSupplier;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.TestOutputTopic;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Routing profiles, drift scores, hysteresis, silence, dead-letter share and the bound on state,
 * through a {@link org.apache.kafka.streams.TopologyTestDriver} whose wall clock the test moves
 * one second at a time, piping each source's records of that second first.
 */
class DriftTopologyTest {

    static final long T0 = 1_700_000_040_000L;

    @TempDir
    Path stateDir;

    private MonitorTestDriver monitor;
    private TestOutputTopic<String, String> alertsTopic;
    private long now = T0;
    private final Random random = new Random(11);

    static Map<String, String> settings() {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("monitor.drift.enabled", "true");
        values.put("monitor.drift.reference-window", "60 s");
        values.put("monitor.drift.current-window", "30 s");
        values.put("monitor.drift.buckets", "6");
        values.put("monitor.drift.evaluate-interval", "5 s");
        values.put("monitor.drift.min-samples", "20");
        values.put("monitor.drift.threshold", "0.25");
        values.put("monitor.drift.clear-threshold", "0.1");
        values.put("monitor.alerts.silence-after", "60 s");
        values.put("monitor.alerts.dlq-share", "0.2");
        return values;
    }

    void open(Map<String, String> overrides) {
        Map<String, String> values = settings();
        values.putAll(overrides);
        monitor = new MonitorTestDriver(stateDir, values, Instant.ofEpochMilli(T0));
        alertsTopic = monitor.driver.createOutputTopic(
                monitor.options.alertsTopic(), new StringDeserializer(), new StringDeserializer());
    }

    @BeforeEach
    void start() {
        open(Map.of());
    }

    @AfterEach
    void stop() {
        monitor.close();
    }

    /** Each second for {@code seconds}: {@code perSecond} predictions per source, then the wall clock moves on. */
    void run(int seconds, int perSecond, Map<String, IntSupplier> experts) {
        for (int i = 0; i < seconds; i++) {
            for (int k = 0; k < perSecond; k++) {
                long t = now + k * (1000L / perSecond);
                experts.forEach((source, expert) -> monitor.pipe(prediction(source, t, expert.getAsInt(), 0.8f)));
            }
            now += 1000;
            monitor.driver.advanceWallClockTime(Duration.ofSeconds(1));
        }
    }

    static Prediction prediction(String source, long t, int expert, float weight) {
        ExpertChoice choice = ExpertChoice.newBuilder()
                .setStage(0)
                .setExpert(expert)
                .setGroup(0)
                .setWeight(weight)
                .setSlot(expert % 4)
                .build();
        return Prediction.newBuilder(MonitorRecords.prediction(source, t, 5.0, 0.1f))
                .setExperts(List.of(choice))
                .build();
    }

    /** Expert {@code main} with probability {@code share}, else {@code other}. */
    IntSupplier mix(int main, double share, int other) {
        return () -> random.nextDouble() < share ? main : other;
    }

    List<Alert> alerts() {
        List<Alert> out = new ArrayList<>();
        alertsTopic.readValuesToList().forEach(json -> out.add(Alert.fromJson(json)));
        return out;
    }

    DriftQueries queries() {
        return monitor.queries(now).drift();
    }

    @Test
    void shouldKeepTheReferenceAndCurrentDistributionAndMeanGateWeightPerSource() {
        run(90, 4, Map.of("press-01", mix(1, 0.75, 2), "lathe-01", () -> 6));

        DriftQueries.SourceRouting press = queries().routing("press-01").orElseThrow();
        DriftQueries.StageRouting stage = press.stages().get(0);
        assertThat(stage.referenceRecords()).isEqualTo(240); // the first 60 s, 4 per second
        assertThat(stage.currentRecords()).isEqualTo(120); // the last 30 s
        assertThat(stage.experts().get(1).referenceShare()).isCloseTo(0.75, within(0.08));
        assertThat(stage.experts().get(2).referenceShare()).isCloseTo(0.25, within(0.08));
        assertThat(stage.experts().get(1).currentMeanWeight()).isCloseTo(0.8, within(1e-6));
        assertThat(stage.experts().get(0).currentMeanWeight()).isNull();
        assertThat(stage.score()).isLessThan(0.1);
        assertThat(press.history()).isNotEmpty();
        assertThat(press.referenceEnd() - press.referenceStart()).isEqualTo(60_000);

        DriftQueries.SourceRouting lathe = queries().routing("lathe-01").orElseThrow();
        assertThat(lathe.stages().get(0).experts().get(6).currentShare()).isEqualTo(1.0);
        assertThat(queries().routing("unknown")).isEmpty();
        assertThat(alerts()).isEmpty();
    }

    @Test
    void shouldRaiseOneDriftAlertPerEpisodeAndClearItOnlyBelowTheClearThreshold() {
        Map<String, IntSupplier> sources = new LinkedHashMap<>();
        sources.put("press-01", mix(1, 0.9, 2));
        sources.put("press-02", mix(1, 0.9, 2));
        run(90, 4, sources);
        assertThat(alerts()).isEmpty();

        long driftAt = now;
        sources.put("press-01", () -> 5); // a new operating regime
        List<Alert> raised = new ArrayList<>();
        while (raised.isEmpty() && now - driftAt < 30_000) {
            run(1, 4, sources);
            raised.addAll(alerts());
        }
        assertThat(raised).hasSize(1);
        Alert alert = raised.get(0);
        assertThat(alert.kind()).isEqualTo(Alert.Kind.DRIFT);
        assertThat(alert.state()).isEqualTo(Alert.State.OPEN);
        assertThat(alert.sourceId()).isEqualTo("press-01");
        assertThat(alert.stage()).isZero();
        assertThat(alert.score()).isGreaterThanOrEqualTo(0.25);
        assertThat(alert.gained()).extracting(Alert.ExpertShift::expert).containsExactly(5);
        assertThat(alert.lost()).extracting(Alert.ExpertShift::expert).contains(1);
        assertThat(alert.windowEnd() - alert.windowStart()).isEqualTo(30_000);
        assertThat(alert.raisedAt() - driftAt).isLessThanOrEqualTo(15_000);

        run(60, 4, sources); // stays drifted: no second alert
        // Between the clear threshold and the threshold: still open (hysteresis). JS of 0.9/0.1 against
        // 0.45/0.55 on the same two experts is about 0.18.
        sources.put("press-01", mix(1, 0.45, 2));
        run(60, 4, sources);
        assertThat(alerts()).isEmpty();
        assertThat(queries().routing("press-01").orElseThrow().stages().get(0).score())
                .isBetween(0.1, 0.25);
        assertThat(queries().alerts(10).open()).extracting(Alert::id).containsExactly(alert.id());

        sources.put("press-01", mix(1, 0.9, 2)); // back to its reference
        run(60, 4, sources);
        List<Alert> cleared = alerts();
        assertThat(cleared).hasSize(1);
        assertThat(cleared.get(0).id()).isEqualTo(alert.id());
        assertThat(cleared.get(0).state()).isEqualTo(Alert.State.CLEARED);
        assertThat(cleared.get(0).clearedAt()).isNotNull();
        DriftQueries.AlertList list = queries().alerts(10);
        assertThat(list.open()).isEmpty();
        assertThat(list.recent()).extracting(Alert::id).containsExactly(alert.id());
        assertThat(list.counters()).containsEntry("raised.DRIFT", 1L).containsEntry("cleared.DRIFT", 1L);
    }

    @Test
    void shouldNotScoreASourceWithFewerRecordsThanTheMinimum() {
        Map<String, IntSupplier> sources = new LinkedHashMap<>();
        sources.put("quiet-01", () -> 3);
        // 1 record every 2 s: 15 in the 30 s window, below the 20 needed.
        for (int i = 0; i < 60; i++) {
            run(1, 1, sources);
            monitor.driver.advanceWallClockTime(Duration.ofSeconds(1));
            now += 1000;
        }
        sources.put("quiet-01", () -> 7);
        for (int i = 0; i < 60; i++) {
            run(1, 1, sources);
            monitor.driver.advanceWallClockTime(Duration.ofSeconds(1));
            now += 1000;
        }
        assertThat(alerts()).isEmpty();
        assertThat(queries().routing("quiet-01").orElseThrow().stages().get(0).score())
                .isNull();
    }

    @Test
    void shouldRaiseSilenceOnceWhenASourceStopsAndClearItWhenItResumes() {
        Map<String, IntSupplier> both = new LinkedHashMap<>();
        both.put("mill-01", () -> 2);
        both.put("mill-02", () -> 3);
        run(30, 2, both);
        long stoppedAt = now;
        run(90, 2, Map.of("mill-02", () -> 3));
        List<Alert> raised = alerts();
        assertThat(raised).hasSize(1);
        assertThat(raised.get(0).kind()).isEqualTo(Alert.Kind.SILENCE);
        assertThat(raised.get(0).sourceId()).isEqualTo("mill-01");
        assertThat(raised.get(0).raisedAt() - stoppedAt).isBetween(60_000L, 66_000L);

        run(10, 2, both);
        List<Alert> cleared = alerts();
        assertThat(cleared).hasSize(1);
        assertThat(cleared.get(0).state()).isEqualTo(Alert.State.CLEARED);
        assertThat(cleared.get(0).id()).isEqualTo(raised.get(0).id());
    }

    @Test
    void shouldNotCallSourcesSilentWhileTheMonitorReadsBehindItsInput() {
        // The monitor reads its input 90 s late (started late, restarted, or on a loaded host):
        // every record it reads is 90 s old, more than silence-after, yet both sources send on.
        monitor.driver.advanceWallClockTime(Duration.ofSeconds(90));
        Map<String, IntSupplier> both = new LinkedHashMap<>();
        both.put("mill-01", () -> 2);
        both.put("mill-02", () -> 3);
        run(120, 2, both);
        assertThat(alerts()).isEmpty();

        // Still behind, mill-01 stops: the records read show its silence, 60 s of them later.
        long stoppedAt = now;
        run(90, 2, Map.of("mill-02", () -> 3));
        List<Alert> raised = alerts();
        assertThat(raised).extracting(Alert::kind).containsExactly(Alert.Kind.SILENCE);
        assertThat(raised.get(0).sourceId()).isEqualTo("mill-01");
        assertThat(raised.get(0).raisedAt() - stoppedAt).isBetween(60_000L, 66_000L);
    }

    @Test
    void shouldCallEverySourceSilentWhenTheWholeStreamStops() {
        Map<String, IntSupplier> both = new LinkedHashMap<>();
        both.put("mill-01", () -> 2);
        both.put("mill-02", () -> 3);
        run(30, 2, both);
        run(70, 0, both); // no record at all: the clock runs on with the wall clock
        assertThat(alerts())
                .extracting(Alert::kind, Alert::sourceId)
                .containsExactlyInAnyOrder(tuple(Alert.Kind.SILENCE, "mill-01"), tuple(Alert.Kind.SILENCE, "mill-02"));
    }

    @Test
    void shouldAlertOnASourceWhoseDeadLetterShareRises() {
        run(40, 4, Map.of("saw-01", () -> 1, "saw-02", () -> 1));
        assertThat(alerts()).isEmpty();
        for (int i = 0; i < 30; i++) {
            // saw-01: 2 dead letters per second beside its 4 predictions (a third); saw-02 none.
            monitor.deadLetters.pipeInput(deadLetter("saw-01", now));
            monitor.deadLetters.pipeInput(deadLetter("saw-01", now + 500));
            run(1, 4, Map.of("saw-01", () -> 1, "saw-02", () -> 1));
        }
        List<Alert> raised = alerts();
        assertThat(raised).extracting(Alert::kind).containsExactly(Alert.Kind.DEAD_LETTERS);
        assertThat(raised.get(0).sourceId()).isEqualTo("saw-01");
        assertThat(raised.get(0).score()).isGreaterThanOrEqualTo(0.2);
        assertThat(queries().routing("saw-01").orElseThrow().currentDeadLetters())
                .isPositive();
    }

    @Test
    void shouldBoundTheProfilesAndForgetSilentSources() {
        stop();
        open(Map.of(
                "monitor.drift.max-sources", "50",
                "monitor.drift.forget-after", "2 min",
                "monitor.alerts.silence-after", "0 s"));
        Map<String, IntSupplier> many = new LinkedHashMap<>();
        for (int i = 0; i < 500; i++) {
            many.put(String.format("sensor-%03d", i), () -> 1);
        }
        run(5, 1, many);
        DriftQueries q = queries();
        assertThat(q.ranking(1000).sources()).isEqualTo(50);
        assertThat(q.counters().get("untracked")).isEqualTo(450L * 5);

        run(130, 1, Map.of("sensor-499", () -> 2)); // the first 50 fall silent and are forgotten
        assertThat(queries().ranking(1000).sources()).isEqualTo(1);
        assertThat(queries().routing("sensor-499")).isPresent();
        assertThat(queries().routing("sensor-000")).isEmpty();
    }

    static DeadLetter deadLetter(String source, long t) {
        return DeadLetter.newBuilder(MonitorRecords.deadLetter(DeadLetterReason.NON_FINITE, t))
                .setKey(ByteBuffer.wrap(source.getBytes(StandardCharsets.UTF_8)))
                .build();
    }
}
