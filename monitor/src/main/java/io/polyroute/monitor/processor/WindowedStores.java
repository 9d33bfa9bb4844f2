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
package io.polyroute.monitor.processor;

import io.polyroute.monitor.Resolution;
import io.polyroute.monitor.WindowedAggregate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.WindowStore;

/**
 * The window stores of one aggregate at every resolution, as the processor that owns them sees
 * them: {@link #update} changes the value of the windows that contain a timestamp.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
final class WindowedStores<K, V> {

    private final ProcessorContext<?, ?> context;
    private final long retentionMs;
    private final List<Resolution> resolutions = new ArrayList<>();
    private final List<WindowStore<K, V>> stores = new ArrayList<>();

    private WindowedStores(ProcessorContext<?, ?> context, Duration retention) {
        this.context = context;
        this.retentionMs = retention.toMillis();
    }

    /** Looks up the stores of {@code aggregate}, which must be connected to the processor. */
    static <K, V> WindowedStores<K, V> open(
            ProcessorContext<?, ?> context, WindowedAggregate<K, V> aggregate, Duration retention) {
        WindowedStores<K, V> out = new WindowedStores<>(context, retention);
        for (Resolution resolution : Resolution.values()) {
            out.resolutions.add(resolution);
            out.stores.add(context.getStateStore(aggregate.storeName(resolution)));
        }
        return out;
    }

    /**
     * Replaces the value of {@code key} in the window of each resolution that contains
     * {@code timestampMs} with {@code change} applied to it, starting from a fresh {@code empty}
     * value when the window has none yet; {@code change} may modify a mutable value and return it.
     * Windows that have already left the retention period are skipped, as the store would drop
     * them anyway.
     */
    void update(K key, long timestampMs, Supplier<V> empty, UnaryOperator<V> change) {
        long horizon = context.currentStreamTimeMs() - retentionMs;
        for (int i = 0; i < stores.size(); i++) {
            Resolution resolution = resolutions.get(i);
            long start = resolution.windowStart(timestampMs);
            if (start + resolution.sizeMs() <= horizon) {
                continue;
            }
            WindowStore<K, V> store = stores.get(i);
            V value = store.fetch(key, start);
            if (value == null) {
                value = empty.get();
            }
            store.put(key, change.apply(value), start);
        }
    }
}
