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

import io.polyroute.avro.SensorReading;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/**
 * The job's fast reader against {@link AvroCodec}: on every record the codec writes, the reader
 * returns the same fields; on any bytes, when the reader returns fields the codec decodes the same
 * record, and when the codec refuses the bytes the reader returns null (so the caller's fallback
 * reports the codec's reason).
 */
class SensorReadingReaderProperties {

    @Property(tries = 2000)
    void readsEveryRecordTheCodecWritesToTheSameFields(
            @ForAll("readings") SensorReading r, @ForAll AvroEncoding encoding) {
        SensorReadingReader.Fields f = SensorReadingReader.of(encoding).read(AvroCodec.encode(r, encoding));

        assertThat(f).isNotNull();
        assertSame(f, r);
    }

    @Property(tries = 5000)
    void corruptedBytesGiveTheCodecsRecordOrNull(
            @ForAll("readings") SensorReading r,
            @ForAll AvroEncoding encoding,
            @ForAll @Size(min = 1, max = 4) int[] positions,
            @ForAll @Size(min = 4, max = 4) byte[] values,
            @ForAll("cuts") int cut) {
        byte[] bytes = AvroCodec.encode(r, encoding);
        for (int i = 0; i < positions.length; i++) {
            bytes[Math.floorMod(positions[i], bytes.length)] = values[i];
        }
        // Truncate, keep, or append a byte.
        bytes = Arrays.copyOf(bytes, Math.max(0, bytes.length + cut));
        agree(bytes, encoding);
    }

    @Property(tries = 3000)
    void arbitraryBytesGiveTheCodecsRecordOrNull(@ForAll @Size(max = 200) byte[] bytes, @ForAll AvroEncoding encoding) {
        agree(bytes, encoding);
    }

    private static void agree(byte[] bytes, AvroEncoding encoding) {
        SensorReadingReader.Fields f = SensorReadingReader.of(encoding).read(bytes);
        SensorReading decoded;
        try {
            decoded = AvroCodec.decode(bytes, SensorReading.class, encoding);
        } catch (RecordDecodeException e) {
            assertThat(f)
                    .as("the codec refuses these bytes (%s), so the reader must leave them to it", e.getMessage())
                    .isNull();
            return;
        }
        if (f != null) {
            assertSame(f, decoded);
        }
    }

    private static void assertSame(SensorReadingReader.Fields f, SensorReading r) {
        assertThat(f.eventId()).isEqualTo(r.getEventId());
        assertThat(f.sourceId()).isEqualTo(r.getSourceId());
        assertThat(f.task()).isEqualTo(r.getTask());
        assertThat(f.eventTimeMillis()).isEqualTo(r.getEventTime().toEpochMilli());
        float[] want = new float[r.getFeatures().size()];
        for (int i = 0; i < want.length; i++) {
            want[i] = r.getFeatures().get(i);
        }
        assertThat(f.features().length).isEqualTo(want.length);
        for (int i = 0; i < want.length; i++) {
            assertThat(Float.floatToRawIntBits(f.features()[i]))
                    .as("feature %d", i)
                    .isEqualTo(Float.floatToRawIntBits(want[i]));
        }
    }

    @Provide
    Arbitrary<Integer> cuts() {
        return Arbitraries.of(-3, -1, 0, 0, 0, 1);
    }

    @Provide
    Arbitrary<SensorReading> readings() {
        Arbitrary<String> text =
                Arbitraries.strings().withCharRange('\u0000', '\u2fff').ofMaxLength(20);
        Arbitrary<List<Float>> features = Arbitraries.floats().list().ofMaxSize(40);
        Arbitrary<Map<String, String>> attributes = Arbitraries.maps(text, text).ofMaxSize(3);
        return Combinators.combine(
                        text, text, text.injectNull(0.4), Arbitraries.longs(), features, attributes.injectNull(0.5))
                .as((id, source, task, time, f, attrs) -> SensorReading.newBuilder()
                        .setEventId(id)
                        .setSourceId(source)
                        .setTask(task)
                        .setEventTime(Instant.ofEpochMilli(time))
                        .setFeatures(new ArrayList<>(f))
                        .setAttributes(attrs == null ? null : new LinkedHashMap<>(attrs))
                        .build());
    }
}
