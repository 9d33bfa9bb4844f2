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

import io.polyroute.avro.DeadLetter;
import io.polyroute.avro.ExpertLoad;
import io.polyroute.avro.PlacementPlan;
import io.polyroute.avro.Prediction;
import io.polyroute.avro.ShadowPair;
import io.polyroute.job.config.MonitorOptions;
import io.polyroute.monitor.query.MonitorQueries;
import io.polyroute.monitor.query.StoreAccess;
import io.polyroute.schemas.AvroEncoding;
import io.polyroute.schemas.AvroSerdes;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;
import org.apache.kafka.streams.state.WindowStore;

/**
 * Drives {@link MonitorTopology} in a {@link TopologyTestDriver}: pipes records into the four
 * topics and reads the stores, directly or through {@link MonitorQueries}.
 */
final class MonitorTestDriver implements AutoCloseable {

    final MonitorSettings options;
    final TopologyTestDriver driver;
    final TestInputTopic<byte[], Prediction> predictions;
    final TestInputTopic<byte[], ExpertLoad> loads;
    final TestInputTopic<byte[], PlacementPlan> plans;
    final TestInputTopic<byte[], DeadLetter> deadLetters;
    final TestInputTopic<byte[], byte[]> rawPredictions;
    final TestInputTopic<byte[], byte[]> rawPlans;
    /** The shadow pairs; null unless the options read a shadow topic. */
    final TestInputTopic<byte[], ShadowPair> shadowPairs;

    /** A driver for the default options plus {@code overrides}, keeping state under {@code stateDir}. */
    MonitorTestDriver(Path stateDir, Map<String, String> overrides) {
        this(stateDir, overrides, Instant.EPOCH);
    }

    /** Like {@link #MonitorTestDriver(Path, Map)}, with the driver's wall clock starting at {@code wallClock}. */
    MonitorTestDriver(Path stateDir, Map<String, String> overrides, Instant wallClock) {
        Map<String, String> values = new HashMap<>(overrides);
        values.put(MonitorOptions.STATE_DIR.key(), stateDir.toString());
        options = MonitorSettings.of(values);
        driver = new TopologyTestDriver(MonitorTopology.build(options), options.streamsProperties(), wallClock);
        ByteArraySerializer keys = new ByteArraySerializer();
        var enc = io.polyroute.job.config.TopicsOptions.encoding(
                        options.config(), io.polyroute.job.config.TopicsOptions.ENCODING_OUTPUT)
                .avro("topics.encoding", "the monitor test driver");
        predictions = driver.createInputTopic(
                options.predictionsTopic(), keys, AvroSerdes.prediction(enc).serializer());
        loads = driver.createInputTopic(
                options.loadTopic(), keys, AvroSerdes.expertLoad(enc).serializer());
        // The job writes plans in plain binary whatever topics.encoding says (PlanCodec).
        plans = driver.createInputTopic(
                options.plansTopic(),
                keys,
                AvroSerdes.placementPlan(AvroEncoding.BINARY).serializer());
        rawPlans = driver.createInputTopic(options.plansTopic(), keys, keys);
        deadLetters = driver.createInputTopic(
                options.deadLetterTopic(), keys, AvroSerdes.deadLetter(enc).serializer());
        rawPredictions = driver.createInputTopic(options.predictionsTopic(), keys, keys);
        shadowPairs = options.shadowEnabled()
                ? driver.createInputTopic(
                        options.shadowTopic(),
                        keys,
                        MonitorTopology.shadowPairs(enc).serializer())
                : null;
    }

    MonitorTestDriver(Path stateDir) {
        this(stateDir, Map.of());
    }

    void pipe(Prediction... records) {
        for (Prediction p : records) {
            predictions.pipeInput(p);
        }
    }

    /** The value of {@code key} in the window of {@code resolution} that contains {@code timeMs}. */
    <V> V window(WindowedAggregate<String, V> aggregate, Resolution resolution, String key, long timeMs) {
        WindowStore<String, V> store = driver.getWindowStore(aggregate.storeName(resolution));
        return store.fetch(key, resolution.windowStart(timeMs));
    }

    /** Every plan in the history, by version. */
    Map<Long, PlacementPlan> planHistory() {
        Map<Long, PlacementPlan> out = new TreeMap<>();
        try (KeyValueIterator<Long, PlacementPlan> it = driver.<Long, PlacementPlan>getKeyValueStore(
                        MonitorStores.PLANS)
                .all()) {
            it.forEachRemaining((KeyValue<Long, PlacementPlan> kv) -> out.put(kv.key, kv.value));
        }
        return out;
    }

    /** The queries over this driver's stores, with the wall clock at {@code nowMs}. */
    MonitorQueries queries(long nowMs) {
        return queriesAt(nowMs);
    }

    private MonitorQueries queriesAt(long nowMs) {
        return new MonitorQueries(
                stores(), Clock.fixed(Instant.ofEpochMilli(nowMs), ZoneOffset.UTC), options, () -> "RUNNING");
    }

    /** The driver's stores as the queries read them. */
    StoreAccess stores() {
        return new StoreAccess() {
            @Override
            public <K, V> ReadOnlyWindowStore<K, V> windowStore(String name) {
                return driver.getWindowStore(name);
            }

            @Override
            public <K, V> ReadOnlyKeyValueStore<K, V> keyValueStore(String name) {
                return driver.getKeyValueStore(name);
            }
        };
    }

    @Override
    public void close() {
        driver.close();
    }
}
