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

import io.polyroute.avro.SensorReading;
import io.polyroute.schemas.RecordDecodeException.Reason;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class AvroSerdeTest {

    private static final String TOPIC = "sensors-test";

    static Stream<Arguments> everyFactoryWithASample() {
        Stream<Arguments> factories = Stream.of(
                Arguments.of(
                        "sensorReading",
                        (Function<AvroEncoding, Serde<?>>) AvroSerdes::sensorReading,
                        SampleRecords.sensorReading()),
                Arguments.of(
                        "prediction",
                        (Function<AvroEncoding, Serde<?>>) AvroSerdes::prediction,
                        SampleRecords.prediction()),
                Arguments.of(
                        "deadLetter",
                        (Function<AvroEncoding, Serde<?>>) AvroSerdes::deadLetter,
                        SampleRecords.deadLetter()),
                Arguments.of(
                        "expertLoad",
                        (Function<AvroEncoding, Serde<?>>) AvroSerdes::expertLoad,
                        SampleRecords.expertLoad()),
                Arguments.of(
                        "placementPlan",
                        (Function<AvroEncoding, Serde<?>>) AvroSerdes::placementPlan,
                        SampleRecords.placementPlan()));
        return factories.flatMap(args -> Stream.of(AvroEncoding.values())
                .map(encoding -> Arguments.of(args.get()[0], args.get()[1], args.get()[2], encoding)));
    }

    @ParameterizedTest(name = "{0} in {3}")
    @MethodSource("everyFactoryWithASample")
    @SuppressWarnings("unchecked")
    void shouldRoundTripEveryRecordThroughTheKafkaSerdeOfItsFactory(
            String factory, Function<AvroEncoding, Serde<?>> serdes, SpecificRecord sample, AvroEncoding encoding) {
        Serde<SpecificRecord> serde = (Serde<SpecificRecord>) serdes.apply(encoding);
        serde.configure(Map.of(), false);

        byte[] bytes = serde.serializer().serialize(TOPIC, sample);
        SpecificRecord decoded = serde.deserializer().deserialize(TOPIC, bytes);

        assertThat(decoded).isEqualTo(sample);
        assertThat(bytes).isEqualTo(AvroCodec.encode(sample, encoding));
        serde.close();
    }

    @ParameterizedTest
    @EnumSource(AvroEncoding.class)
    void shouldMapNullRecordsAndNullBytesToNullLikeKafkaTombstones(AvroEncoding encoding) {
        AvroSerde<SensorReading> serde = AvroSerdes.sensorReading(encoding);

        assertThat(serde.serialize(TOPIC, null)).isNull();
        assertThat(serde.deserialize(TOPIC, null)).isNull();
    }

    @ParameterizedTest
    @EnumSource(AvroEncoding.class)
    void shouldNameTheTopicWhenBytesCannotBeDecoded(AvroEncoding encoding) {
        AvroSerde<SensorReading> serde = AvroSerdes.sensorReading(encoding);
        byte[] truncated = Arrays.copyOf(serde.serialize(TOPIC, SampleRecords.sensorReading()), 12);

        assertThatThrownBy(() -> serde.deserialize(TOPIC, truncated))
                .isInstanceOfSatisfying(
                        RecordDecodeException.class, e -> assertThat(e.reason()).isEqualTo(Reason.TRUNCATED))
                .hasMessageStartingWith("Cannot decode SensorReading from 12 bytes of " + encoding.description()
                        + " from topic '" + TOPIC + "': ");
    }

    @ParameterizedTest
    @EnumSource(AvroEncoding.class)
    void shouldServeTheHeaderAndByteBufferOverloadsOfKafka(AvroEncoding encoding) {
        AvroSerde<SensorReading> serde = AvroSerdes.sensorReading(encoding);
        SensorReading reading = SampleRecords.sensorReading();

        byte[] bytes = serde.serialize(TOPIC, new RecordHeaders(), reading);
        SensorReading decoded = serde.deserialize(TOPIC, new RecordHeaders(), ByteBuffer.wrap(bytes));

        assertThat(decoded).isEqualTo(reading);
    }

    @ParameterizedTest
    @EnumSource(AvroEncoding.class)
    void shouldBeItsOwnSerializerAndDeserializerAndDescribeItself(AvroEncoding encoding) {
        AvroSerde<SensorReading> serde = AvroSerdes.sensorReading(encoding);

        assertThat(serde.serializer()).isSameAs(serde);
        assertThat(serde.deserializer()).isSameAs(serde);
        assertThat(serde.codec().encoding()).isEqualTo(encoding);
        assertThat(serde).hasToString("AvroSerde[SensorReading, " + encoding + "]");
    }
}
