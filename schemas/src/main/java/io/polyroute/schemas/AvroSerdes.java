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

import io.polyroute.avro.DeadLetter;
import io.polyroute.avro.ExpertLoad;
import io.polyroute.avro.PlacementPlan;
import io.polyroute.avro.Prediction;
import io.polyroute.avro.SensorReading;
import java.util.List;
import org.apache.avro.Schema;

/**
 * Factories for the serde of every Polyroute record published on Kafka.
 *
 * <pre>{@code
 * Serde<Prediction> predictions = AvroSerdes.prediction(AvroEncoding.SINGLE_OBJECT);
 * }</pre>
 *
 * <p>Named apart from Kafka's {@code org.apache.kafka.common.serialization.Serdes} so both can be
 * imported in the same file.
 */
public final class AvroSerdes {

    private AvroSerdes() {}

    /** Returns a serde for {@link SensorReading}, the records of the {@code sensors} topic. */
    public static AvroSerde<SensorReading> sensorReading(AvroEncoding encoding) {
        return AvroSerde.of(SensorReading.class, encoding);
    }

    /**
     * Returns a serde for {@link Prediction}, the records of the {@code predictions} topic. In
     * single-object encoding it also reads predictions written before {@code output_names} existed
     * (version 0.2.0), recognised by their schema fingerprint.
     */
    public static AvroSerde<Prediction> prediction(AvroEncoding encoding) {
        AvroCodec<Prediction> codec = AvroCodec.of(Prediction.class, encoding);
        if (encoding == AvroEncoding.SINGLE_OBJECT) {
            codec = codec.withWriterSchema(predictionWithoutOutputNames());
        }
        return new AvroSerde<>(codec);
    }

    /** The {@link Prediction} schema as published in 0.2.0, before {@code output_names} was added. */
    static Schema predictionWithoutOutputNames() {
        Schema current = Prediction.getClassSchema();
        List<Schema.Field> fields = current.getFields().stream()
                .filter(f -> !f.name().equals("output_names"))
                .map(f -> new Schema.Field(f, f.schema()))
                .toList();
        return Schema.createRecord(current.getName(), current.getDoc(), current.getNamespace(), false, fields);
    }

    /** Returns a serde for {@link DeadLetter}, the records of the {@code polyroute.dlq} topic. */
    public static AvroSerde<DeadLetter> deadLetter(AvroEncoding encoding) {
        return AvroSerde.of(DeadLetter.class, encoding);
    }

    /**
     * Returns a serde for {@link ExpertLoad}, the records of the load topic ({@code topics.load}). In
     * single-object encoding it also reads reports written before {@code bundle_name} and {@code
     * bundle_version} existed, recognised by their schema fingerprint.
     */
    public static AvroSerde<ExpertLoad> expertLoad(AvroEncoding encoding) {
        AvroCodec<ExpertLoad> codec = AvroCodec.of(ExpertLoad.class, encoding);
        if (encoding == AvroEncoding.SINGLE_OBJECT) {
            codec = codec.withWriterSchema(expertLoadWithoutBundle());
        }
        return new AvroSerde<>(codec);
    }

    /** The {@link ExpertLoad} schema before {@code bundle_name} and {@code bundle_version} were added. */
    static Schema expertLoadWithoutBundle() {
        return without(ExpertLoad.getClassSchema(), "bundle_name", "bundle_version");
    }

    private static Schema without(Schema current, String... names) {
        List<String> drop = List.of(names);
        List<Schema.Field> fields = current.getFields().stream()
                .filter(f -> !drop.contains(f.name()))
                .map(f -> new Schema.Field(f, f.schema()))
                .toList();
        return Schema.createRecord(current.getName(), current.getDoc(), current.getNamespace(), false, fields);
    }

    /** Returns a serde for {@link PlacementPlan}, the records of the plans topic ({@code topics.plans}), written in plain binary whatever {@code topics.encoding} says. */
    public static AvroSerde<PlacementPlan> placementPlan(AvroEncoding encoding) {
        return AvroSerde.of(PlacementPlan.class, encoding);
    }
}
