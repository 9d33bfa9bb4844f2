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
package io.polyroute.job.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class CanaryHashTest {

    @Test
    void shouldGiveTheDocumentedBucketOfAnId() {
        // MurmurHash3 x64 128 (seed 0) of the UTF-8 bytes, first word unsigned, mod 10000: pinned so
        // that a change of the split (which would move records between versions) cannot go unnoticed.
        long h = org.apache.commons.codec.digest.MurmurHash3.hash128x64(
                "sim-42".getBytes(java.nio.charset.StandardCharsets.UTF_8))[0];
        assertThat(CanaryHash.bucket("sim-42")).isEqualTo((int) Long.remainderUnsigned(h, 10_000));
        assertThat(CanaryHash.bucket("sim-42")).isEqualTo(CanaryHash.bucket(new String("sim-42")));
    }

    @Test
    void shouldTakeAboutTheShareOfIds() {
        long inCanary = IntStream.range(0, 100_000)
                .filter(i -> CanaryHash.inCanary("event-" + i, 0.1))
                .count();
        assertThat(inCanary).isBetween(9_400L, 10_600L);
    }

    @Test
    void shouldOnlyAddIdsWhenTheShareGrows() {
        for (int i = 0; i < 10_000; i++) {
            String id = "e" + i;
            if (CanaryHash.inCanary(id, 0.05)) {
                assertThat(CanaryHash.inCanary(id, 0.2)).as(id).isTrue();
            }
        }
    }

    @Test
    void shouldServeNoneAtZeroAndAllAtOne() {
        assertThat(IntStream.range(0, 1000).filter(i -> CanaryHash.inCanary("x" + i, 0)))
                .isEmpty();
        assertThat(IntStream.range(0, 1000).filter(i -> !CanaryHash.inCanary("x" + i, 1)))
                .isEmpty();
    }

    @Test
    void shouldRefuseAShareOutsideZeroToOne() {
        assertThatThrownBy(() -> CanaryHash.threshold(1.5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("between 0 and 1");
    }
}
