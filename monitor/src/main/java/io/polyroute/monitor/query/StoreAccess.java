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
package io.polyroute.monitor.query;

import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;

/**
 * Read access to the monitor's state stores by name: the interactive queries of a running
 * {@link KafkaStreams} instance, or the stores of a test driver.
 */
public interface StoreAccess {

    /**
     * The window store {@code name}; over a running application, a view of every local task's store.
     *
     * @throws InvalidStateStoreException if the store cannot be queried right now, e.g. while the
     *     application starts or rebalances
     */
    <K, V> ReadOnlyWindowStore<K, V> windowStore(String name);

    /**
     * The key-value store {@code name}; over a running application, a view of every local task's store.
     *
     * @throws InvalidStateStoreException if the store cannot be queried right now
     */
    <K, V> ReadOnlyKeyValueStore<K, V> keyValueStore(String name);

    /** The stores of a running Kafka Streams application, through interactive queries. */
    static StoreAccess of(KafkaStreams streams) {
        return new StoreAccess() {
            @Override
            public <K, V> ReadOnlyWindowStore<K, V> windowStore(String name) {
                return streams.store(StoreQueryParameters.fromNameAndType(name, QueryableStoreTypes.windowStore()));
            }

            @Override
            public <K, V> ReadOnlyKeyValueStore<K, V> keyValueStore(String name) {
                return streams.store(StoreQueryParameters.fromNameAndType(name, QueryableStoreTypes.keyValueStore()));
            }
        };
    }
}
