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

import java.util.Objects;
import java.util.function.BinaryOperator;
import org.apache.kafka.common.serialization.Serde;

/**
 * A windowed aggregate of the monitor: one window store per {@link Resolution}, all with the same
 * key and value types, and the function that merges two values (two windows, or the partial
 * values two stream tasks keep for the same window).
 *
 * @param <K> the key type, e.g. a source id or a dead-letter reason
 * @param <V> the value type
 */
public final class WindowedAggregate<K, V> {

    private final String name;
    private final Serde<K> keySerde;
    private final Serde<V> valueSerde;
    private final BinaryOperator<V> merge;

    WindowedAggregate(String name, Serde<K> keySerde, Serde<V> valueSerde, BinaryOperator<V> merge) {
        this.name = Objects.requireNonNull(name);
        this.keySerde = Objects.requireNonNull(keySerde);
        this.valueSerde = Objects.requireNonNull(valueSerde);
        this.merge = Objects.requireNonNull(merge);
    }

    /** The aggregate's name; store names add the resolution, e.g. {@code throughput-1s}. */
    public String name() {
        return name;
    }

    /** Name of the window store that keeps this aggregate at {@code resolution}. */
    public String storeName(Resolution resolution) {
        return name + "-" + resolution.label();
    }

    public Serde<K> keySerde() {
        return keySerde;
    }

    public Serde<V> valueSerde() {
        return valueSerde;
    }

    /**
     * Merges two values; either may be null (no data). Mutable values may be changed and returned,
     * so pass values that belong to the caller, e.g. fresh from a store.
     */
    public V merge(V a, V b) {
        if (a == null) {
            return b;
        }
        return b == null ? a : merge.apply(a, b);
    }

    @Override
    public String toString() {
        return "WindowedAggregate[" + name + "]";
    }
}
