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

import io.polyroute.monitor.Resolution;
import io.polyroute.monitor.WindowedAggregate;
import java.time.Instant;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;

/**
 * Reads windowed aggregates across every stream task's partial values: per window, or summed
 * over a time span at one-second precision (whole minutes from the 1 min windows, the ragged
 * ends from the 1 s windows).
 */
final class WindowReader {

    private final StoreAccess stores;

    WindowReader(StoreAccess stores) {
        this.stores = stores;
    }

    /**
     * The value of {@code key} in each window of {@code range} that has one, by window start,
     * merged across tasks.
     */
    <V> SortedMap<Long, V> series(WindowedAggregate<String, V> aggregate, TimeRange range, String key) {
        SortedMap<Long, V> out = new TreeMap<>();
        ReadOnlyWindowStore<String, V> store = stores.windowStore(aggregate.storeName(range.resolution()));
        // A key range rather than fetch(key, ...): the composite store answers a single-key fetch
        // from the first task that has the key, but a range from every task.
        try (KeyValueIterator<Windowed<String>, V> it = store.fetch(
                key, key, Instant.ofEpochMilli(range.firstStart()), Instant.ofEpochMilli(range.lastStart()))) {
            it.forEachRemaining(kv -> out.merge(kv.key.window().start(), kv.value, aggregate::merge));
        }
        return out;
    }

    /** The value of every key in each window of {@code range}, by window start and key, merged across tasks. */
    <V> SortedMap<Long, Map<String, V>> seriesByKey(WindowedAggregate<String, V> aggregate, TimeRange range) {
        SortedMap<Long, Map<String, V>> out = new TreeMap<>();
        ReadOnlyWindowStore<String, V> store = stores.windowStore(aggregate.storeName(range.resolution()));
        try (KeyValueIterator<Windowed<String>, V> it =
                store.fetchAll(Instant.ofEpochMilli(range.firstStart()), Instant.ofEpochMilli(range.lastStart()))) {
            it.forEachRemaining(kv -> out.computeIfAbsent(kv.key.window().start(), t -> new TreeMap<>())
                    .merge(kv.key.key(), kv.value, aggregate::merge));
        }
        return out;
    }

    /**
     * The values of the keys accepted by {@code keys}, each merged over the windows from
     * {@code sinceMs} to {@code untilMs} (both whole seconds; {@code untilMs} exclusive).
     */
    <V> Map<String, V> totals(
            WindowedAggregate<String, V> aggregate, long sinceMs, long untilMs, Predicate<String> keys) {
        Map<String, V> out = new TreeMap<>();
        if (untilMs <= sinceMs) {
            return out;
        }
        long minuteMs = Resolution.MINUTE.sizeMs();
        long firstMinute = Math.floorDiv(sinceMs + minuteMs - 1, minuteMs) * minuteMs;
        long endMinutes = Math.floorDiv(untilMs, minuteMs) * minuteMs;
        if (firstMinute >= endMinutes) {
            addAll(out, aggregate, Resolution.SECOND, sinceMs, untilMs, keys);
        } else {
            addAll(out, aggregate, Resolution.SECOND, sinceMs, firstMinute, keys);
            addAll(out, aggregate, Resolution.MINUTE, firstMinute, endMinutes, keys);
            addAll(out, aggregate, Resolution.SECOND, endMinutes, untilMs, keys);
        }
        return out;
    }

    /** Merges the windows of {@code resolution} that start in [fromMs, untilMs) into {@code out}. */
    private <V> void addAll(
            Map<String, V> out,
            WindowedAggregate<String, V> aggregate,
            Resolution resolution,
            long fromMs,
            long untilMs,
            Predicate<String> keys) {
        if (untilMs <= fromMs) {
            return;
        }
        ReadOnlyWindowStore<String, V> store = stores.windowStore(aggregate.storeName(resolution));
        try (KeyValueIterator<Windowed<String>, V> it =
                store.fetchAll(Instant.ofEpochMilli(fromMs), Instant.ofEpochMilli(untilMs - 1))) {
            while (it.hasNext()) {
                KeyValue<Windowed<String>, V> kv = it.next();
                if (keys.test(kv.key.key())) {
                    out.merge(kv.key.key(), kv.value, aggregate::merge);
                }
            }
        }
    }
}
