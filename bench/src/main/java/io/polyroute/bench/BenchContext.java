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
package io.polyroute.bench;

import io.polyroute.runtime.bundle.ModelBundle;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;

/**
 * What every system of one benchmark run shares.
 *
 * @param bootstrapServers the in-process broker
 * @param client Kafka client properties of the broker
 * @param bundle the workload's bundle
 * @param workers consumer threads of the hand-written baselines; the Flink job runs with the
 *     same parallelism
 * @param jobOverrides job options applied to every Polyroute run ({@code --set key=value})
 * @param progress receives progress lines
 */
record BenchContext(
        String bootstrapServers,
        Properties client,
        ModelBundle bundle,
        int workers,
        Map<String, String> jobOverrides,
        Consumer<String> progress) {

    /** A copy whose Polyroute runs also apply {@code extra} (after the shared overrides). */
    BenchContext withJobOptions(Map<String, String> extra) {
        Map<String, String> all = new java.util.LinkedHashMap<>(jobOverrides);
        all.putAll(extra);
        return new BenchContext(bootstrapServers, client, bundle, workers, Map.copyOf(all), progress);
    }

    /** Fresh client properties. */
    Properties clientProperties() {
        Properties p = new Properties();
        p.putAll(client);
        return p;
    }
}
