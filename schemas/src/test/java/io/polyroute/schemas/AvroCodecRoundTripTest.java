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
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.polyroute.avro.Prediction;
import io.polyroute.avro.SensorReading;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class AvroCodecRoundTripTest {

    static Stream<Arguments> everyRecordInEveryEncoding() {
        return SampleRecords.all().stream()
                .flatMap(
                        record -> Arrays.stream(AvroEncoding.values()).map(encoding -> Arguments.of(record, encoding)));
    }

    @ParameterizedTest(name = "{1}: {0}")
    @MethodSource("everyRecordInEveryEncoding")
    void shouldDecodeWhatItEncodedForEveryRecordAndEncoding(SpecificRecord record, AvroEncoding encoding) {
        AvroCodec<SpecificRecord> codec = codecFor(record, encoding);

        SpecificRecord decoded = codec.decode(codec.encode(record));

        assertThat(decoded).isEqualTo(record).isNotSameAs(record);
    }

    @ParameterizedTest(name = "{1}: {0}")
    @MethodSource("everyRecordInEveryEncoding")
    void shouldRoundTripThroughTheStaticHelpersWithoutAKafkaSerde(SpecificRecord record, AvroEncoding encoding) {
        byte[] bytes = AvroCodec.encode(record, encoding);

        assertThat(AvroCodec.decode(bytes, record.getClass(), encoding)).isEqualTo(record);
    }

    @Test
    void shouldWriteTheSameSingleObjectBytesAsTheGeneratedEncoder() throws Exception {
        SensorReading reading = SampleRecords.sensorReading();

        byte[] ours = AvroCodec.encode(reading, AvroEncoding.SINGLE_OBJECT);
        ByteBuffer generated = SensorReading.getEncoder().encode(reading);

        assertThat(ByteBuffer.wrap(ours)).isEqualTo(generated);
        assertThat(SensorReading.getDecoder().decode(ours)).isEqualTo(reading);
    }

    @Test
    void shouldPrefixTheBinaryBodyWithMarkerAndLittleEndianFingerprintInSingleObjectEncoding() {
        Prediction prediction = SampleRecords.prediction();
        long fingerprint = SchemaNormalization.parsingFingerprint64(Prediction.getClassSchema());

        byte[] single = AvroCodec.encode(prediction, AvroEncoding.SINGLE_OBJECT);
        byte[] binary = AvroCodec.encode(prediction, AvroEncoding.BINARY);

        assertThat(single).startsWith((byte) 0xC3, (byte) 0x01, (byte) fingerprint, (byte) (fingerprint >>> 8));
        assertThat(Arrays.copyOfRange(single, 10, single.length)).isEqualTo(binary);
    }

    @Test
    void shouldDefaultPredictionFlagsToEmptyAndOptionalReadingFieldsToNull() {
        SensorReading reading = AvroCodec.decode(
                AvroCodec.encode(SampleRecords.minimalSensorReading(), AvroEncoding.BINARY),
                SensorReading.class,
                AvroEncoding.BINARY);
        Prediction prediction =
                Prediction.newBuilder(SampleRecords.prediction()).clearFlags().build();

        assertThat(reading.getTask()).isNull();
        assertThat(reading.getAttributes()).isNull();
        assertThat(prediction.getFlags()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(AvroEncoding.class)
    void shouldKeepNonFiniteFeaturesSoValidationCanRejectThemLater(AvroEncoding encoding) {
        SensorReading reading = SensorReading.newBuilder(SampleRecords.sensorReading())
                .setFeatures(List.of(Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MIN_VALUE))
                .build();

        SensorReading decoded = AvroCodec.decode(AvroCodec.encode(reading, encoding), SensorReading.class, encoding);

        assertThat(decoded.getFeatures())
                .containsExactly(Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MIN_VALUE);
    }

    @ParameterizedTest
    @EnumSource(AvroEncoding.class)
    void shouldRefuseToEncodeARecordWhoseRequiredFieldIsNullNamingTheField(AvroEncoding encoding) {
        SensorReading reading = SampleRecords.sensorReading();
        reading.setEventId(null);

        assertThatThrownBy(() -> AvroCodec.encode(reading, encoding))
                .isInstanceOf(RecordEncodeException.class)
                .hasMessageStartingWith("Cannot encode SensorReading as " + encoding.description())
                .hasMessageContaining("event_id");
    }

    @Test
    void shouldRejectClassesThatAreNotGeneratedRecords() {
        assertThatThrownBy(() -> AvroCodec.of(NotGenerated.class, AvroEncoding.BINARY))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(NotGenerated.class.getName());
    }

    @Test
    void shouldExposeTypeEncodingAndSchema() {
        AvroCodec<Prediction> codec = AvroCodec.of(Prediction.class, AvroEncoding.SINGLE_OBJECT);

        assertThat(codec.type()).isEqualTo(Prediction.class);
        assertThat(codec.encoding()).isEqualTo(AvroEncoding.SINGLE_OBJECT);
        assertThat(codec.schema()).isEqualTo(Prediction.getClassSchema());
    }

    @ParameterizedTest
    @EnumSource(AvroEncoding.class)
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldEncodeAndDecodeConcurrentlyWithOneSharedCodec(AvroEncoding encoding) throws Exception {
        AvroCodec<SensorReading> codec = AvroCodec.of(SensorReading.class, encoding);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int thread = 0; thread < 8; thread++) {
                int seed = thread;
                results.add(pool.submit(() -> {
                    for (int i = 0; i < 2_000; i++) {
                        SensorReading reading = SensorReading.newBuilder(SampleRecords.sensorReading())
                                .setEventId("evt-" + seed + "-" + i)
                                .setFeatures(List.of((float) i, (float) seed))
                                .build();
                        if (!codec.decode(codec.encode(reading)).equals(reading)) {
                            return false;
                        }
                    }
                    return true;
                }));
            }
            for (Future<Boolean> result : results) {
                assertThat(result.get()).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @SuppressWarnings("unchecked")
    static AvroCodec<SpecificRecord> codecFor(SpecificRecord record, AvroEncoding encoding) {
        return AvroCodec.of((Class<SpecificRecord>) record.getClass(), encoding);
    }

    /** A hand-written record class without a generated schema. */
    abstract static class NotGenerated implements SpecificRecord {}
}
