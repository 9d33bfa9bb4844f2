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

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.polyroute.kit.factory.FactoryReading;
import io.polyroute.kit.factory.FactorySimulator;
import io.polyroute.kit.factory.RegimeMix;
import io.polyroute.monitor.drift.Alert;
import io.polyroute.testing.KafkaBrokerExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Routing drift end to end on a real in-process broker, in real time, with drift detection at its
 * default (on): the factory simulator's machines (16, 800 readings per second, each reading routed
 * to the expert of its regime except for 8% the gate confuses) go to a predictions topic of two
 * partitions keyed by event id, so every machine's records are spread over both partitions. After
 * a quiet period three machines move to another regime. Every moved machine must be alerted within
 * {@link #MAX_DELAY_MS}, and no other alert (drift of another machine, silence, dead letters) may be
 * raised at any time: a stall of the monitor's exactly-once writes would show as silence alerts.
 * The alerts are read from the alerts topic with {@code read_committed} and from {@code /api/alerts}.
 */
@Timeout(240)
class DriftITCase {

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    static final int RATE = 800;
    static final int QUIET_SECONDS = 45;
    static final long MAX_DELAY_MS = 20_000;
    static final int MOVED = 3;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path stateDir;

    @Test
    void shouldAlertEveryMovedMachineWithinTheBoundAndNoOtherMachine() throws Exception {
        Map<String, String> settings = Map.of(
                "monitor.drift.reference-window",
                "20 s",
                "monitor.drift.current-window",
                "10 s",
                "monitor.drift.buckets",
                "5",
                "monitor.drift.evaluate-interval",
                "1 s",
                "monitor.drift.min-samples",
                "50",
                "monitor.alerts.silence-after",
                "15 s",
                "monitor.retention",
                "2 min");
        long start = System.currentTimeMillis();
        FactorySimulator sim = FactorySimulator.builder()
                .seed(11)
                .startMillis(start)
                .mix(RegimeMix.rotating(start, 120_000, 0.5))
                .machinesPerType(2)
                .build();
        long driftAt = start + QUIET_SECONDS * 1000L;
        List<String> moved = sim.moveMachines(MOVED, driftAt);
        SplittableRandom confusion = new SplittableRandom(5);
        AtomicReference<Throwable> feederFailure = new AtomicReference<>();
        ScheduledExecutorService feeder = Executors.newSingleThreadScheduledExecutor();

        try (MonitorKafka topics = new MonitorKafka(KAFKA);
                Monitor monitor = new Monitor(topics.options(stateDir, settings)).start();
                KafkaConsumer<String, String> alerts = alertsConsumer(topics.alerts)) {
            assertThat(monitor.options().driftEnabled())
                    .as("drift detection is on by default")
                    .isTrue();
            long[] sent = {0};
            feeder.scheduleAtFixedRate(
                    () -> {
                        try {
                            long due = (System.currentTimeMillis() - start) * RATE / 1000;
                            for (; sent[0] < due; sent[0]++) {
                                long t = start + sent[0] * 1000 / RATE;
                                FactoryReading r = sim.next(t);
                                int expert = r.truth().regime();
                                if (confusion.nextDouble() < 0.08) {
                                    expert = (expert + 1 + confusion.nextInt(7)) % 8;
                                }
                                topics.send(
                                        DriftTopologyTest.prediction(r.sourceId(), t, expert, 1f), (int) (sent[0] % 2));
                            }
                        } catch (Throwable e) {
                            feederFailure.compareAndSet(null, e);
                            throw e;
                        }
                    },
                    0,
                    20,
                    TimeUnit.MILLISECONDS);

            List<Alert> seen = new ArrayList<>();
            Set<String> alerted = new HashSet<>();
            long deadline = driftAt + MAX_DELAY_MS + 5_000;
            // Run past the drift until every moved machine is alerted, then 10 s more for strays.
            long end = deadline;
            while (System.currentTimeMillis() < end) {
                for (ConsumerRecord<String, String> r : alerts.poll(Duration.ofMillis(500))) {
                    Alert a = Alert.fromJson(r.value());
                    seen.add(a);
                    if (a.state() == Alert.State.OPEN) {
                        alerted.add(a.sourceId());
                    }
                }
                assertThat(feederFailure.get()).as("feeder failure").isNull();
                assertThat(monitor.state())
                        .as("monitor streams state")
                        .isIn(KafkaStreams.State.RUNNING, KafkaStreams.State.REBALANCING);
                if (alerted.containsAll(moved) && end == deadline) {
                    end = Math.min(deadline, System.currentTimeMillis() + 10_000);
                }
            }
            feeder.shutdownNow();

            List<Alert> falseAlarms = seen.stream()
                    .filter(a ->
                            a.kind() != Alert.Kind.DRIFT || !moved.contains(a.sourceId()) || a.raisedAt() < driftAt)
                    .toList();
            Map<String, Long> delays = new TreeMap<>();
            seen.stream()
                    .filter(a -> a.state() == Alert.State.OPEN && a.kind() == Alert.Kind.DRIFT)
                    .filter(a -> moved.contains(a.sourceId()))
                    .forEach(a -> delays.putIfAbsent(a.sourceId(), a.raisedAt() - driftAt));
            System.out.printf(
                    "DriftITCase: %d machines, %d readings/s over 2 partitions, %d s quiet, real broker: "
                            + "%d false alarms %s; moved %s; detection delay per moved machine (ms) %s%n",
                    sim.sourceIds().size(),
                    RATE,
                    QUIET_SECONDS,
                    falseAlarms.size(),
                    falseAlarms.stream().map(Alert::id).toList(),
                    moved,
                    delays);

            assertThat(falseAlarms)
                    .as("alerts other than the moved machines' drift")
                    .isEmpty();
            assertThat(delays.keySet()).as("alerted machines").containsExactlyInAnyOrderElementsOf(moved);
            assertThat(delays.values()).allSatisfy(d -> assertThat(d).isBetween(0L, MAX_DELAY_MS));
            assertThat(seen)
                    .as("one record per episode (no alert raised twice)")
                    .extracting(Alert::id)
                    .doesNotHaveDuplicates();

            JsonNode api = JSON.readTree(topics.get(monitor.url(), "api/alerts")
                    .orElseThrow(() -> new AssertionError("GET /api/alerts failed")));
            List<String> open = new ArrayList<>();
            api.path("open")
                    .forEach(a -> open.add(
                            a.path("kind").asText() + "/" + a.path("sourceId").asText()));
            assertThat(open)
                    .as("open alerts on /api/alerts")
                    .containsExactlyInAnyOrderElementsOf(
                            moved.stream().map(m -> "DRIFT/" + m).toList());
            assertThat(api.path("recent")).as("cleared alerts on /api/alerts").isEmpty();
        } finally {
            feeder.shutdownNow();
        }
    }

    private static KafkaConsumer<String, String> alertsConsumer(String topic) {
        Properties props = KAFKA.clientProperties();
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "drift-it-" + topic);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer());
        consumer.subscribe(List.of(topic));
        return consumer;
    }
}
