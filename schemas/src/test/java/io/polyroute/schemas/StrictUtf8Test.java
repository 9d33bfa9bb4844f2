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
package io.polyroute.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.polyroute.avro.SensorReading;
import io.polyroute.schemas.RecordDecodeException.Reason;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Strings must be valid UTF-8: a lenient decoder would map every invalid byte to U+FFFD, so two
 * different event ids could arrive as the same string and the second become a false duplicate.
 */
class StrictUtf8Test {

    private static final int HEADER = 10;

    /** A reading whose event id, source id or task holds byte 0xFF (never valid in UTF-8) where {@code #} stands. */
    private static byte[] withInvalidByte(AvroEncoding encoding, String eventId, String sourceId, String task) {
        SensorReading r = SensorReading.newBuilder()
                .setEventId(eventId)
                .setSourceId(sourceId)
                .setTask(task)
                .setEventTime(Instant.ofEpochMilli(1_000))
                .setFeatures(List.of(1f, 2f))
                .setAttributes(Map.of("k", "v"))
                .build();
        byte[] bytes = AvroCodec.encode(r, encoding);
        int start = encoding == AvroEncoding.SINGLE_OBJECT ? HEADER : 0;
        int replaced = 0;
        for (int i = start; i < bytes.length; i++) {
            if (bytes[i] == '#') {
                bytes[i] = (byte) 0xFF;
                replaced++;
            }
        }
        assertThat(replaced).isEqualTo(1);
        return bytes;
    }

    @ParameterizedTest
    @EnumSource(AvroEncoding.class)
    void shouldRefuseAnEventIdThatIsNotUtf8(AvroEncoding encoding) {
        byte[] bytes = withInvalidByte(encoding, "evt-#1", "press-1", "a");

        assertThat(SensorReadingReader.of(encoding).read(bytes)).isNull();
        RecordDecodeException e = catchThrowableOfType(
                RecordDecodeException.class,
                () -> AvroCodec.of(SensorReading.class, encoding).decode(bytes));
        assertThat(e.reason()).isEqualTo(Reason.MALFORMED);
        assertThat(e).hasMessageContaining("not valid UTF-8");
    }

    @ParameterizedTest
    @EnumSource(AvroEncoding.class)
    void shouldRefuseASourceIdOrTaskThatIsNotUtf8(AvroEncoding encoding) {
        for (byte[] bytes : List.of(
                withInvalidByte(encoding, "evt-1", "press-#", "a"),
                withInvalidByte(encoding, "evt-1", "p", "line-#"))) {
            assertThat(SensorReadingReader.of(encoding).read(bytes)).isNull();
            RecordDecodeException e = catchThrowableOfType(
                    RecordDecodeException.class,
                    () -> AvroCodec.of(SensorReading.class, encoding).decode(bytes));
            assertThat(e.reason()).isEqualTo(Reason.MALFORMED);
        }
    }

    @ParameterizedTest
    @EnumSource(AvroEncoding.class)
    void shouldStillReadMultiByteCharacters(AvroEncoding encoding) {
        SensorReading r = SensorReading.newBuilder()
                .setEventId("évt-Zürich-東京-😀")
                .setSourceId("presse")
                .setEventTime(Instant.ofEpochMilli(1_000))
                .setFeatures(List.of(1f))
                .build();
        byte[] bytes = AvroCodec.encode(r, encoding);

        assertThat(SensorReadingReader.of(encoding).read(bytes).eventId()).isEqualTo("évt-Zürich-東京-😀");
        assertThat(AvroCodec.of(SensorReading.class, encoding).decode(bytes).getEventId())
                .isEqualTo("évt-Zürich-東京-😀");
    }
}
