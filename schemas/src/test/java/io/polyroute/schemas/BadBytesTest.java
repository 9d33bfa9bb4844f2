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

import io.polyroute.avro.DeadLetter;
import io.polyroute.avro.Prediction;
import io.polyroute.avro.SensorReading;
import io.polyroute.schemas.RecordDecodeException.Reason;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class BadBytesTest {

    private static final AvroCodec<SensorReading> BINARY = AvroCodec.of(SensorReading.class, AvroEncoding.BINARY);

    @ParameterizedTest
    @EnumSource(AvroEncoding.class)
    void shouldRejectNullBytesNamingTheRecordType(AvroEncoding encoding) {
        RecordDecodeException e = decodeFailure(null, encoding);

        assertThat(e.reason()).isEqualTo(Reason.NULL_BYTES);
        assertThat(e.length()).isEqualTo(-1);
        assertThat(e.recordType()).isEqualTo("SensorReading");
        assertThat(e)
                .hasMessage("Cannot decode SensorReading as " + encoding.description()
                        + ": the input is null rather than an array of bytes.");
    }

    @ParameterizedTest
    @EnumSource(AvroEncoding.class)
    void shouldReportEmptyInputAsTruncated(AvroEncoding encoding) {
        RecordDecodeException e = decodeFailure(new byte[0], encoding);

        assertThat(e.reason()).isEqualTo(Reason.TRUNCATED);
        assertThat(e)
                .hasMessageStartingWith("Cannot decode SensorReading from 0 bytes of " + encoding.description())
                .hasMessageContaining("empty");
    }

    static Stream<Arguments> everyRecordInEveryEncoding() {
        return AvroCodecRoundTripTest.everyRecordInEveryEncoding();
    }

    @ParameterizedTest(name = "{1}: {0}")
    @MethodSource("everyRecordInEveryEncoding")
    void shouldReportEveryStrictPrefixOfAValidEncodingAsTruncated(SpecificRecord record, AvroEncoding encoding) {
        AvroCodec<SpecificRecord> codec = AvroCodecRoundTripTest.codecFor(record, encoding);
        byte[] valid = codec.encode(record);

        IntStream.range(0, valid.length).forEach(length -> {
            byte[] prefix = Arrays.copyOf(valid, length);
            RecordDecodeException e = catchThrowableOfType(RecordDecodeException.class, () -> codec.decode(prefix));
            assertThat(e).as("prefix of %d of %d bytes", length, valid.length).isNotNull();
            assertThat(e.reason())
                    .as("prefix of %d of %d bytes: %s", length, valid.length, e.getMessage())
                    .isEqualTo(Reason.TRUNCATED);
            assertThat(e.length()).isEqualTo(length);
        });
    }

    @ParameterizedTest(name = "{1}: {0}")
    @MethodSource("everyRecordInEveryEncoding")
    void shouldRejectTrailingBytesAfterACompleteRecord(SpecificRecord record, AvroEncoding encoding) {
        AvroCodec<SpecificRecord> codec = AvroCodecRoundTripTest.codecFor(record, encoding);
        byte[] valid = codec.encode(record);
        byte[] padded = Arrays.copyOf(valid, valid.length + 3);

        RecordDecodeException e = catchThrowableOfType(RecordDecodeException.class, () -> codec.decode(padded));

        assertThat(e.reason()).isEqualTo(Reason.TRAILING_BYTES);
        assertThat(e)
                .hasMessageContaining("from " + padded.length + " bytes")
                .hasMessageContaining("ends at byte " + valid.length + ", followed by 3 bytes of trailing data");
    }

    @Test
    void shouldReportAWrongSingleObjectMarkerAsBadHeader() {
        byte[] plainBinary = BINARY.encode(SampleRecords.sensorReading());

        RecordDecodeException e = decodeFailure(plainBinary, AvroEncoding.SINGLE_OBJECT);

        assertThat(e.reason()).isEqualTo(Reason.BAD_HEADER);
        assertThat(e)
                .hasMessageContaining(String.format("starts with %02X %02X", plainBinary[0], plainBinary[1]))
                .hasMessageContaining("instead of the single-object marker C3 01");
    }

    @Test
    void shouldReportAOneByteInputWithAWrongMarkerAsBadHeader() {
        assertThat(decodeFailure(new byte[] {0x01}, AvroEncoding.SINGLE_OBJECT).reason())
                .isEqualTo(Reason.BAD_HEADER);
    }

    @Test
    void shouldReportAnotherSchemasFingerprintAsUnknown() {
        byte[] prediction = AvroCodec.encode(SampleRecords.prediction(), AvroEncoding.SINGLE_OBJECT);

        RecordDecodeException e = decodeFailure(prediction, AvroEncoding.SINGLE_OBJECT);

        assertThat(e.reason()).isEqualTo(Reason.UNKNOWN_FINGERPRINT);
        assertThat(e)
                .hasMessageContaining(
                        SingleObjectHeader.format(SingleObjectHeader.fingerprint(Prediction.getClassSchema())))
                .hasMessageContaining("neither the SensorReading schema");
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.SECONDS)
    void shouldRejectAHugeArrayLengthBeforeAllocatingIt() {
        byte[] bytes = readingPrefix(encoder -> {
            encoder.writeArrayStart();
            encoder.setItemCount(Integer.MAX_VALUE - 8);
            encoder.startItem();
            encoder.writeFloat(1f);
        });

        RecordDecodeException e = decodeFailure(bytes, AvroEncoding.BINARY);

        assertThat(e.reason()).isEqualTo(Reason.TRUNCATED);
        assertThat(e)
                .hasMessageContaining("declares an array of 2147483639 items")
                .hasMessageContaining("but only 4 bytes remain");
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.SECONDS)
    void shouldRejectAHugeMapLengthBeforeAllocatingIt() {
        byte[] bytes = readingPrefix(encoder -> {
            encoder.writeArrayStart();
            encoder.setItemCount(0);
            encoder.writeArrayEnd();
            encoder.writeIndex(1);
            encoder.writeMapStart();
            encoder.setItemCount(1L << 30);
            encoder.startItem();
            encoder.writeString("k");
        });

        RecordDecodeException e = decodeFailure(bytes, AvroEncoding.BINARY);

        assertThat(e.reason()).isEqualTo(Reason.TRUNCATED);
        assertThat(e).hasMessageContaining("declares a map of 1073741824 items");
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.SECONDS)
    void shouldReportAnItemCountBeyondTheJavaArrayLimitAsMalformed() {
        byte[] bytes = readingPrefix(encoder -> {
            encoder.writeArrayStart();
            encoder.setItemCount(1L << 40);
            encoder.startItem();
            encoder.writeFloat(1f);
        });

        RecordDecodeException e = decodeFailure(bytes, AvroEncoding.BINARY);

        assertThat(e.reason()).isEqualTo(Reason.MALFORMED);
        assertThat(e)
                .hasMessageContaining("it declares a length beyond Avro's limits")
                .hasMessageContaining("Cannot read collections larger than");
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.SECONDS)
    void shouldRejectAHugeStringLengthBeforeAllocatingIt() {
        byte[] bytes = bytes(encoder -> {
            encoder.writeLong(Integer.MAX_VALUE);
            encoder.writeFixed(new byte[] {'a', 'b'});
        });

        RecordDecodeException e = decodeFailure(bytes, AvroEncoding.BINARY);

        assertThat(e.reason()).isEqualTo(Reason.TRUNCATED);
        assertThat(e)
                .hasMessage("Cannot decode SensorReading from 7 bytes of Avro binary: it declares a string of"
                        + " 2147483647 bytes at byte 0, but only 2 bytes remain.");
    }

    @Test
    void shouldReportANegativeStringLengthAsMalformed() {
        byte[] bytes = bytes(encoder -> encoder.writeLong(-5));

        RecordDecodeException e = decodeFailure(bytes, AvroEncoding.BINARY);

        assertThat(e.reason()).isEqualTo(Reason.MALFORMED);
        assertThat(e).hasMessageContaining("declares a string of negative length -5 at byte 0");
    }

    @Test
    void shouldReportAnOutOfRangeUnionBranchAsMalformed() {
        byte[] bytes = bytes(encoder -> {
            encoder.writeString("e");
            encoder.writeString("s");
            encoder.writeIndex(7);
        });

        RecordDecodeException e = decodeFailure(bytes, AvroEncoding.BINARY);

        assertThat(e.reason()).isEqualTo(Reason.MALFORMED);
        assertThat(e).hasMessageContaining("it selects a union branch or enum symbol that does not exist near byte 5");
    }

    @Test
    void shouldReportAnOutOfRangeEnumSymbolAsMalformed() {
        byte[] valid = AvroCodec.encode(SampleRecords.deadLetterWithKey(), AvroEncoding.BINARY);
        AvroCodec<DeadLetter> codec = AvroCodec.of(DeadLetter.class, AvroEncoding.BINARY);
        // key (union 1, "press-07"), value (union 1, empty), topic "sensors", partition 3, offset, then the reason.
        int reasonIndex = 1 + 1 + 8 + 1 + 1 + 1 + 7 + 1 + 5;
        assertThat(valid[reasonIndex]).isEqualTo((byte) (2 * 8)); // DUPLICATE, zig-zag encoded
        byte[] corrupt = valid.clone();
        corrupt[reasonIndex] = 2 * 42;

        RecordDecodeException e = catchThrowableOfType(RecordDecodeException.class, () -> codec.decode(corrupt));

        assertThat(e.reason()).isEqualTo(Reason.MALFORMED);
        assertThat(e)
                .hasMessageStartingWith("Cannot decode DeadLetter from " + corrupt.length + " bytes")
                .hasMessageContaining("it selects a union branch or enum symbol that does not exist");
    }

    @Test
    void shouldReportAnOverlongVariableLengthNumberAsMalformed() {
        byte[] bytes = new byte[12];
        Arrays.fill(bytes, (byte) 0xFF);

        RecordDecodeException e = decodeFailure(bytes, AvroEncoding.BINARY);

        assertThat(e.reason()).isEqualTo(Reason.MALFORMED);
        assertThat(e)
                .hasMessageStartingWith("Cannot decode SensorReading from 12 bytes of Avro binary: it holds an"
                        + " invalid variable-length number");
    }

    @Test
    void shouldBoundLengthsInsideTheSingleObjectBodyToo() {
        byte[] header = Arrays.copyOf(AvroCodec.encode(SampleRecords.sensorReading(), AvroEncoding.SINGLE_OBJECT), 10);
        byte[] body = bytes(encoder -> encoder.writeLong(1L << 33));
        byte[] bytes = concat(header, body);

        RecordDecodeException e = decodeFailure(bytes, AvroEncoding.SINGLE_OBJECT);

        assertThat(e.reason()).isEqualTo(Reason.TRUNCATED);
        assertThat(e).hasMessageContaining("declares a string of 8589934592 bytes at byte 10");
    }

    private static RecordDecodeException decodeFailure(byte[] bytes, AvroEncoding encoding) {
        AvroCodec<SensorReading> codec = AvroCodec.of(SensorReading.class, encoding);
        RecordDecodeException e = catchThrowableOfType(RecordDecodeException.class, () -> codec.decode(bytes));
        assertThat(e).as("decoding should fail with RecordDecodeException").isNotNull();
        return e;
    }

    /** A SensorReading up to its features: event_id "e", source_id "s", no task, event_time 1, then {@code rest}. */
    private static byte[] readingPrefix(EncoderAction rest) {
        return bytes(encoder -> {
            encoder.writeString("e");
            encoder.writeString("s");
            encoder.writeIndex(0);
            encoder.writeLong(1L);
            rest.write(encoder);
        });
    }

    private static byte[] bytes(EncoderAction action) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        try {
            action.write(encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] result = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, result, first.length, second.length);
        return result;
    }

    @FunctionalInterface
    private interface EncoderAction {
        void write(BinaryEncoder encoder) throws IOException;
    }
}
