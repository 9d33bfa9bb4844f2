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
package io.polyroute.job.operators;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SeenIdTableTest {

    /** The table's semantics, as a linked hash map of boxed entries. */
    private static final class Model {
        final LinkedHashMap<List<Long>, Long> firstSeen = new LinkedHashMap<>();

        void expire(long cutoff) {
            Iterator<Long> it = firstSeen.values().iterator();
            while (it.hasNext() && it.next() <= cutoff) {
                it.remove();
            }
        }

        boolean addIfAbsent(long h, long l, long t, long cutoff) {
            List<Long> key = List.of(h, l);
            Long seen = firstSeen.get(key);
            if (seen != null) {
                if (seen > cutoff) {
                    return false;
                }
                firstSeen.remove(key);
            }
            firstSeen.put(key, t);
            return true;
        }

        long[] toArray() {
            long[] out = new long[firstSeen.size() * 3];
            int i = 0;
            for (Map.Entry<List<Long>, Long> e : firstSeen.entrySet()) {
                out[i++] = e.getKey().get(0);
                out[i++] = e.getKey().get(1);
                out[i++] = e.getValue();
            }
            return out;
        }
    }

    @Test
    void behavesAsTheLinkedMapOnRandomOperations() {
        for (long seed = 1; seed <= 20; seed++) {
            Random rnd = new Random(seed);
            SeenIdTable table = new SeenIdTable();
            Model model = new Model();
            // Few distinct ids, so repeats, expiry and re-adds after expiry are frequent; colliding
            // index homes come from ids that share (high ^ low).
            int distinct = 50 + rnd.nextInt(3000);
            long now = 1_000;
            long horizon = 20 + rnd.nextInt(200);
            for (int op = 0; op < 20_000; op++) {
                now += rnd.nextInt(10) == 0 ? -rnd.nextInt(30) : rnd.nextInt(3); // clock steps back now and then
                long id = rnd.nextInt(distinct);
                long h = rnd.nextBoolean() ? id : id ^ 0x5555L;
                long l = rnd.nextBoolean() ? id * 31 : (id * 31) ^ 0x5555L;
                if (rnd.nextInt(4) == 0) {
                    table.expire(now - horizon);
                    model.expire(now - horizon);
                }
                assertThat(table.addIfAbsent(h, l, now, now - horizon))
                        .as("seed %d op %d", seed, op)
                        .isEqualTo(model.addIfAbsent(h, l, now, now - horizon));
                assertThat(table.size()).isEqualTo(model.firstSeen.size());
            }
            assertThat(table.toArray()).as("seed %d", seed).containsExactly(model.toArray());
        }
    }

    @Test
    void growsToAMillionIdsAndExpiresThemFromTheHead() {
        SeenIdTable table = new SeenIdTable();
        for (long i = 0; i < 1_000_000; i++) {
            assertThat(table.addIfAbsent(i * 0x9E3779B97F4A7C15L, i, i, Long.MIN_VALUE))
                    .isTrue();
        }
        assertThat(table.size()).isEqualTo(1_000_000);
        assertThat(table.addIfAbsent(7 * 0x9E3779B97F4A7C15L, 7, 2_000_000, 0)).isFalse();
        table.expire(499_999);
        assertThat(table.size()).isEqualTo(500_000);
        // An expired id is new again; a live one is still refused.
        assertThat(table.addIfAbsent(7 * 0x9E3779B97F4A7C15L, 7, 2_000_000, 0)).isTrue();
        assertThat(table.addIfAbsent(600_000 * 0x9E3779B97F4A7C15L, 600_000, 2_000_000, 0))
                .isFalse();
        long[] all = table.toArray();
        assertThat(all).hasSize(3 * 500_001);
        assertThat(all[0]).isEqualTo(500_000 * 0x9E3779B97F4A7C15L);
        assertThat(all[all.length - 2]).isEqualTo(7);
    }

    @Test
    void restoredEntriesKeepTheirOrderAndTimes() {
        SeenIdTable table = new SeenIdTable();
        List<Long> entries = new ArrayList<>();
        for (long i = 0; i < 100; i++) {
            entries.addAll(List.of(i, -i, 10 + i));
        }
        long[] in = entries.stream().mapToLong(Long::longValue).toArray();
        table.addAll(in);
        assertThat(table.toArray()).containsExactly(in);
        table.expire(59);
        assertThat(table.size()).isEqualTo(50);
        assertThat(table.addIfAbsent(80, -80, 500, 0)).isFalse();
        assertThat(table.addIfAbsent(20, -20, 500, 0)).isTrue();
    }
}
