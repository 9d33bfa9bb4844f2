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
package io.polyroute.job.io;

import static org.assertj.core.api.Assertions.assertThat;

import io.polyroute.job.config.OutputOptions.OutputKey;
import io.polyroute.job.model.InFlight;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The record key of a prediction follows {@code output.key}. */
class PredictionKeyTest {

    private static InFlight record(String eventId, String sourceId) {
        InFlight rec = new InFlight();
        rec.eventId = eventId;
        rec.sourceId = sourceId;
        return rec;
    }

    @Test
    void shouldKeyByEventIdOrBySourceId() {
        InFlight rec = record("e-17", "press-3");

        assertThat(new String(PredictionSerializer.keyOf(rec, OutputKey.EVENT_ID), StandardCharsets.UTF_8))
                .isEqualTo("e-17");
        assertThat(new String(PredictionSerializer.keyOf(rec, OutputKey.SOURCE_ID), StandardCharsets.UTF_8))
                .isEqualTo("press-3");
    }

    @Test
    void shouldKeyPredictionsOfOneMachineAlikeWhateverTheirEvent() {
        assertThat(PredictionSerializer.keyOf(record("e-1", "press-3"), OutputKey.SOURCE_ID))
                .isEqualTo(PredictionSerializer.keyOf(record("e-2", "press-3"), OutputKey.SOURCE_ID));
        assertThat(PredictionSerializer.keyOf(record("e-1", null), OutputKey.SOURCE_ID))
                .isEmpty();
    }
}
