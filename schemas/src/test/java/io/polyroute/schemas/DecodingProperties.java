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

import io.polyroute.avro.DeadLetter;
import io.polyroute.avro.ExpertLoad;
import io.polyroute.avro.PlacementPlan;
import io.polyroute.avro.Prediction;
import io.polyroute.avro.SensorReading;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.apache.avro.specific.SpecificRecord;

/** Whatever the bytes, decoding yields a record or a {@link RecordDecodeException}, nothing else. */
class DecodingProperties {

    private static final com.sun.management.ThreadMXBean ALLOCATIONS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    @Property(tries = 3000)
    void arbitraryBytesDecodeOrFailWithRecordDecodeException(
            @ForAll @Size(max = 300) byte[] bytes,
            @ForAll("recordTypes") Class<? extends SpecificRecord> type,
            @ForAll AvroEncoding encoding) {
        decodeOrReject(bytes, type, encoding);
    }

    @Property(tries = 3000)
    void arbitraryBodiesBehindAValidSingleObjectHeaderDecodeOrFailWithRecordDecodeException(
            @ForAll @Size(max = 300) byte[] body, @ForAll("samples") SpecificRecord sample) {
        byte[] header = Arrays.copyOf(AvroCodec.encode(sample, AvroEncoding.SINGLE_OBJECT), 10);
        byte[] bytes = Arrays.copyOf(header, header.length + body.length);
        System.arraycopy(body, 0, bytes, header.length, body.length);

        decodeOrReject(bytes, sample.getClass(), AvroEncoding.SINGLE_OBJECT);
    }

    @Property(tries = 5000)
    void corruptedValidEncodingsDecodeOrFailWithRecordDecodeException(
            @ForAll("samples") SpecificRecord sample,
            @ForAll AvroEncoding encoding,
            @ForAll @Size(min = 1, max = 4) int[] positions,
            @ForAll @Size(min = 4, max = 4) byte[] values) {
        byte[] bytes = AvroCodec.encode(sample, encoding);
        for (int i = 0; i < positions.length; i++) {
            bytes[Math.floorMod(positions[i], bytes.length)] = values[i];
        }

        decodeOrReject(bytes, sample.getClass(), encoding);
    }

    /**
     * A corrupt length must be refused before Avro allocates for it: decoding may allocate a small
     * multiple of the input size plus fixed overhead, never the gigabytes a length prefix can claim.
     */
    @Property(tries = 2000)
    void decodingAllocatesNoMoreThanASmallMultipleOfTheInputSize(
            @ForAll("samples") SpecificRecord sample,
            @ForAll AvroEncoding encoding,
            @ForAll @Size(min = 1, max = 4) int[] positions,
            @ForAll @Size(min = 4, max = 4) byte[] values) {
        byte[] bytes = AvroCodec.encode(sample, encoding);
        decodeOrReject(bytes, sample.getClass(), encoding); // warm up caches outside the measurement
        for (int i = 0; i < positions.length; i++) {
            bytes[Math.floorMod(positions[i], bytes.length)] = values[i];
        }

        long before = ALLOCATIONS.getCurrentThreadAllocatedBytes();
        try {
            AvroCodec.decode(bytes, sample.getClass(), encoding);
        } catch (RecordDecodeException expected) {
            // Only the allocation matters here.
        }
        long allocated = ALLOCATIONS.getCurrentThreadAllocatedBytes() - before;

        assertThat(allocated)
                .as("bytes allocated decoding %d input bytes", bytes.length)
                .isLessThan(256L * 1024 + 64L * bytes.length);
    }

    @Provide
    Arbitrary<Class<? extends SpecificRecord>> recordTypes() {
        return Arbitraries.of(
                SensorReading.class, Prediction.class, DeadLetter.class, ExpertLoad.class, PlacementPlan.class);
    }

    @Provide
    Arbitrary<SpecificRecord> samples() {
        return Arbitraries.of(SampleRecords.all());
    }

    /**
     * Decodes {@code bytes}; when that succeeds, the record must also survive a round trip, so
     * nothing half-decoded can pass as a record.
     */
    private static <T extends SpecificRecord> void decodeOrReject(byte[] bytes, Class<T> type, AvroEncoding encoding) {
        Optional<T> decoded;
        try {
            decoded = Optional.of(AvroCodec.decode(bytes, type, encoding));
        } catch (RecordDecodeException e) {
            assertThat(e.getMessage())
                    .startsWith("Cannot decode " + type.getSimpleName() + " from ")
                    .endsWith(".");
            assertThat(e.length()).isEqualTo(bytes.length);
            decoded = Optional.empty();
        }
        decoded.ifPresent(record -> assertThat(AvroCodec.decode(AvroCodec.encode(record, encoding), type, encoding))
                .isEqualTo(record));
    }
}
