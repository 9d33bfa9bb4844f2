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
