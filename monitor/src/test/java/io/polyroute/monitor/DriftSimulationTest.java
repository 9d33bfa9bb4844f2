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

import io.polyroute.kit.factory.FactoryReading;
import io.polyroute.kit.factory.FactorySimulator;
import io.polyroute.kit.factory.RegimeMix;
import io.polyroute.monitor.drift.Alert;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.TestOutputTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The factory simulator's drift through the monitor topology, in simulated time: 8 machines at
 * 200 readings per second with the demo's rotating regime mix and the demo's drift settings;
 * each reading routed to the expert of the regime it was generated from, except for 8% sent to
 * another expert (the gate's confusion). A long quiet run raises no alert; after three machines
 * move to another regime, each is alerted within a bounded delay and no other machine is.
 */
class DriftSimulationTest {

    static final long START = FactorySimulator.DEFAULT_START_MILLIS;
    static final int RATE = 200;
    static final int QUIET_SECONDS = 240;
    static final int DRIFT_SECONDS = 60;
    static final long MAX_DELAY_MS = 20_000;

    @TempDir
    Path stateDir;

    @Test
    @Timeout(600)
    void shouldAlertEveryMovedMachineWithinTheBoundAndNoOtherOverALongQuietRun() {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("monitor.drift.enabled", "true");
        settings.put("monitor.drift.reference-window", "30 s");
        settings.put("monitor.drift.current-window", "15 s");
        settings.put("monitor.drift.buckets", "5");
        settings.put("monitor.drift.evaluate-interval", "2 s");
        settings.put("monitor.drift.min-samples", "50");
        settings.put("monitor.alerts.silence-after", "30 s");
        settings.put("monitor.retention", "1 min");
        FactorySimulator sim = FactorySimulator.builder()
                .seed(7)
                .mix(RegimeMix.rotating(START, 120_000, 0.8))
                .machinesPerType(1)
                .build();
        long driftAt = START + QUIET_SECONDS * 1000L;
        List<String> moved = sim.moveMachines(3, driftAt);
        SplittableRandom confusion = new SplittableRandom(3);

        List<Alert> quiet = new ArrayList<>();
        List<Alert> afterDrift = new ArrayList<>();
        try (MonitorTestDriver monitor = new MonitorTestDriver(stateDir, settings, Instant.ofEpochMilli(START))) {
            TestOutputTopic<String, String> alerts = monitor.driver.createOutputTopic(
                    monitor.options.alertsTopic(), new StringDeserializer(), new StringDeserializer());
            long now = START;
            for (int second = 0; second < QUIET_SECONDS + DRIFT_SECONDS; second++) {
                for (int i = 0; i < RATE; i++) {
                    long t = now + i * 1000L / RATE;
                    FactoryReading r = sim.next(t);
                    int expert = r.truth().regime();
                    if (confusion.nextDouble() < 0.08) {
                        expert = (expert + 1 + confusion.nextInt(7)) % 8;
                    }
                    monitor.pipe(DriftTopologyTest.prediction(r.sourceId(), t, expert, 1f));
                }
                now += 1000;
                monitor.driver.advanceWallClockTime(Duration.ofSeconds(1));
                List<Alert> into = second < QUIET_SECONDS ? quiet : afterDrift;
                alerts.readValuesToList().forEach(json -> into.add(Alert.fromJson(json)));
            }
        }

        assertThat(quiet)
                .as("false alarms over %d quiet seconds", QUIET_SECONDS)
                .isEmpty();
        Map<String, Long> delays = new TreeMap<>();
        afterDrift.stream()
                .filter(a -> a.state() == Alert.State.OPEN)
                .forEach(a -> delays.put(a.sourceId(), a.raisedAt() - driftAt));
        System.out.printf(
                "DriftSimulationTest: %d machines, %d readings/s, %d s quiet: %d false alarms; moved %s; "
                        + "detection delay per moved machine (ms) %s%n",
                sim.sourceIds().size(), RATE, QUIET_SECONDS, quiet.size(), moved, delays);
        assertThat(afterDrift).extracting(Alert::kind).containsOnly(Alert.Kind.DRIFT);
        assertThat(delays.keySet()).containsExactlyInAnyOrderElementsOf(moved);
        assertThat(delays.values()).allSatisfy(d -> assertThat(d).isBetween(0L, MAX_DELAY_MS));
    }
}
