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

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.apache.flink.api.java.tuple.Tuple2;
import org.junit.jupiter.api.Test;

class EventKeyTest {

    @Test
    void shouldGiveEqualIdsEqualKeysAndHashCodes() {
        String id = "press-7:" + UUID.randomUUID();
        Tuple2<Long, Long> a = EventKey.of(id);
        Tuple2<Long, Long> b = EventKey.of(new String(id.toCharArray()));

        assertThat(a).isEqualTo(b);
        assertThat(a.hashCode()).isEqualTo(b.hashCode());
    }

    @Test
    void shouldKeepDistinctIdsApart() {
        Set<Tuple2<Long, Long>> keys = new HashSet<>();
        for (int i = 0; i < 200_000; i++) {
            keys.add(EventKey.of("e-" + i));
            keys.add(EventKey.of("é-" + i));
        }
        assertThat(keys).hasSize(400_000);
    }

    @Test
    void shouldBeStableAcrossRuns() {
        // Keys decide the key group, hence the subtask; they must not change between versions.
        assertThat(EventKey.of("event-1")).isEqualTo(EventKey.of("event-1"));
        assertThat(EventKey.of("")).isEqualTo(Tuple2.of(0L, 0L));
    }
}
