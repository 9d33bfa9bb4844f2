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
package io.polyroute.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.polyroute.avro.SensorReading;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SyntheticReadingsTest {
    private final SyntheticReadings readings = new SyntheticReadings("run-1", 5, 42);

    @Test
    void shouldRegenerateTheFeaturesOfAnyReadingFromItsEventId() {
        SensorReading r = readings.reading(123_456, Instant.EPOCH);

        long index = readings.index(r.getEventId());
        float[] again = readings.features(index);

        assertThat(r.getEventId()).isEqualTo("run-1-123456");
        assertThat(index).isEqualTo(123_456);
        for (int j = 0; j < 5; j++) {
            assertThat(again[j]).isEqualTo(r.getFeatures().get(j));
        }
    }

    @Test
    void shouldGiveEveryReadingItsOwnFeatures() {
        assertThat(readings.features(1)).isNotEqualTo(readings.features(2));
        assertThat(new SyntheticReadings("run-1", 5, 43).features(1)).isNotEqualTo(readings.features(1));
    }

    @Test
    void shouldNotClaimEventIdsOfOtherRuns() {
        assertThat(readings.index("run-2-5")).isEqualTo(-1);
        assertThat(readings.index("run-1x5")).isEqualTo(-1);
        assertThat(readings.index("run-1-")).isEqualTo(-1);
        assertThat(readings.index("run-1-abc")).isEqualTo(-1);
        assertThat(readings.index(null)).isEqualTo(-1);
    }

    @Test
    void shouldRefuseAPrefixWithASpace() {
        assertThatThrownBy(() -> new SyntheticReadings("a b", 3, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("prefix");
    }
}
