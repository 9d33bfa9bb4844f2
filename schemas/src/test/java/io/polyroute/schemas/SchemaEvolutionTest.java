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
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.polyroute.avro.DeadLetter;
import io.polyroute.avro.DeadLetterReason;
import io.polyroute.avro.ExpertChoice;
import io.polyroute.avro.ExpertLoad;
import io.polyroute.avro.Prediction;
import io.polyroute.avro.SensorReading;
import io.polyroute.schemas.RecordDecodeException.Reason;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.io.ResolvingDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.junit.jupiter.api.Test;

/** The current schemas must keep reading what earlier producers wrote. */
class SchemaEvolutionTest {

    /** SensorReading as first sketched: no task, no attributes. */
    private static final Schema SENSOR_READING_V0 = new Schema.Parser().parse("""
            {"type": "record", "name": "SensorReading", "namespace": "io.polyroute.avro", "fields": [
              {"name": "event_id", "type": "string"},
              {"name": "source_id", "type": "string"},
              {"name": "event_time", "type": {"type": "long", "logicalType": "timestamp-millis"}},
              {"name": "features", "type": {"type": "array", "items": "float"}}
            ]}""");

    /** Prediction without flags. */
    private static final Schema PREDICTION_V0 = new Schema.Parser().parse("""
            {"type": "record", "name": "Prediction", "namespace": "io.polyroute.avro", "fields": [
              {"name": "event_id", "type": "string"},
              {"name": "source_id", "type": "string"},
              {"name": "event_time", "type": {"type": "long", "logicalType": "timestamp-millis"}},
              {"name": "processed_time", "type": {"type": "long", "logicalType": "timestamp-millis"}},
              {"name": "model", "type": {"type": "record", "name": "ModelRef", "fields": [
                {"name": "name", "type": "string"}, {"name": "version", "type": "string"}]}},
              {"name": "output", "type": {"type": "array", "items": "float"}},
              {"name": "experts", "type": {"type": "array", "items": {"type": "record", "name": "ExpertChoice",
                "fields": [
                  {"name": "stage", "type": "int"}, {"name": "expert", "type": "int"},
                  {"name": "group", "type": "int"}, {"name": "weight", "type": "float"},
                  {"name": "slot", "type": "int"}]}}},
              {"name": "latency_ms", "type": "double"}
            ]}""");

    @Test
    void shouldReadSensorReadingsWrittenWithoutTaskAndAttributes() throws IOException {
        assertThat(SchemaCompatibility.checkReaderWriterCompatibility(SensorReading.getClassSchema(), SENSOR_READING_V0)
                        .getType())
                .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
        byte[] old = writeBinary(SENSOR_READING_V0, oldReading());

        SensorReading reading = readResolving(old, SENSOR_READING_V0, SensorReading.class);

        assertThat(reading.getEventId()).isEqualTo("evt-1");
        assertThat(reading.getSourceId()).isEqualTo("press-01");
        assertThat(reading.getEventTime()).isEqualTo(SampleRecords.T0);
        assertThat(reading.getFeatures()).containsExactly(1.5f, -2f);
        assertThat(reading.getTask()).isNull();
        assertThat(reading.getAttributes()).isNull();
    }

    @Test
    void shouldSupplyTheDefaultsOfTaskAndAttributesThroughTheResolvingDecoder() throws IOException {
        byte[] old = writeBinary(SENSOR_READING_V0, oldReading());
        ResolvingDecoder in = DecoderFactory.get()
                .resolvingDecoder(
                        SENSOR_READING_V0,
                        SensorReading.getClassSchema(),
                        DecoderFactory.get().binaryDecoder(old, null));
        Map<String, Object> values = new LinkedHashMap<>();

        for (Schema.Field field : in.readFieldOrder()) {
            switch (field.name()) {
                case "event_id", "source_id" -> values.put(field.name(), in.readString());
                case "event_time" -> values.put(field.name(), in.readLong());
                case "features" -> {
                    List<Float> features = new ArrayList<>();
                    for (long n = in.readArrayStart(); n > 0; n = in.arrayNext()) {
                        for (long i = 0; i < n; i++) {
                            features.add(in.readFloat());
                        }
                    }
                    values.put(field.name(), features);
                }
                case "task", "attributes" -> {
                    assertThat(in.readIndex())
                            .as("union branch of the default of %s", field.name())
                            .isZero();
                    in.readNull();
                    values.put(field.name(), null);
                }
                default -> throw new AssertionError("Unexpected field " + field.name());
            }
        }
        in.drain();

        assertThat(values)
                .containsOnlyKeys("event_id", "source_id", "task", "event_time", "features", "attributes")
                .containsEntry("event_id", "evt-1")
                .containsEntry("event_time", SampleRecords.T0.toEpochMilli())
                .containsEntry("features", List.of(1.5f, -2f))
                .containsEntry("task", null)
                .containsEntry("attributes", null);
    }

    @Test
    void shouldReadPredictionsWrittenWithoutFlagsAsHavingNoFlags() throws IOException {
        assertThat(SchemaCompatibility.checkReaderWriterCompatibility(Prediction.getClassSchema(), PREDICTION_V0)
                        .getType())
                .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
        Prediction current = SampleRecords.prediction();
        byte[] old = writeBinary(PREDICTION_V0, asOldPrediction(current));

        Prediction prediction = readResolving(old, PREDICTION_V0, Prediction.class);

        assertThat(prediction)
                .isEqualTo(Prediction.newBuilder(current).setFlags(List.of()).build());
    }

    @Test
    void shouldReadPredictionsWrittenWithoutOutputNamesAsHavingNone() throws IOException {
        Schema withoutNames = withoutField(Prediction.getClassSchema(), "output_names");
        assertThat(SchemaCompatibility.checkReaderWriterCompatibility(Prediction.getClassSchema(), withoutNames)
                        .getType())
                .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
        Prediction current = SampleRecords.prediction();
        GenericRecord old = new GenericData.Record(withoutNames);
        for (Schema.Field f : withoutNames.getFields()) {
            old.put(f.name(), GenericData.get().deepCopy(f.schema(), toGeneric(current, f.name())));
        }

        Prediction read = AvroCodec.of(Prediction.class, AvroEncoding.BINARY)
                .withWriterSchema(withoutNames)
                .decode(writeBinary(withoutNames, old));

        assertThat(read.getOutputNames()).isEmpty();
        assertThat(read)
                .isEqualTo(
                        Prediction.newBuilder(current).setOutputNames(List.of()).build());
    }

    @Test
    void shouldReadSingleObjectPredictionsOfTheReleaseWithoutOutputNamesThroughThePredictionSerde() throws IOException {
        Schema withoutNames = withoutField(Prediction.getClassSchema(), "output_names");
        assertThat(SingleObjectHeader.format(SingleObjectHeader.fingerprint(withoutNames)))
                .as("the 0.2.0 fingerprint")
                .isEqualTo("B129FC59350EDF23");
        Prediction current = SampleRecords.prediction();
        GenericRecord old = new GenericData.Record(withoutNames);
        for (Schema.Field f : withoutNames.getFields()) {
            old.put(f.name(), GenericData.get().deepCopy(f.schema(), toGeneric(current, f.name())));
        }
        byte[] oldBytes = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), withoutNames)
                .encode(old)
                .array();
        AvroSerde<Prediction> serde = AvroSerdes.prediction(AvroEncoding.SINGLE_OBJECT);

        assertThat(serde.deserialize("predictions", oldBytes).getOutputNames()).isEmpty();
        assertThat(serde.deserialize("predictions", serde.serialize("predictions", current)))
                .isEqualTo(current);
    }

    @Test
    void shouldLetReadersWithoutOutputNamesReadCurrentPredictions() throws IOException {
        Schema withoutNames = withoutField(Prediction.getClassSchema(), "output_names");
        assertThat(SchemaCompatibility.checkReaderWriterCompatibility(withoutNames, Prediction.getClassSchema())
                        .getType())
                .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
        Prediction named = Prediction.newBuilder(SampleRecords.prediction())
                .setOutputNames(List.of("anomaly_score", "wear"))
                .build();
        byte[] current = AvroCodec.encode(named, AvroEncoding.BINARY);

        GenericRecord old = new GenericDatumReader<GenericRecord>(Prediction.getClassSchema(), withoutNames)
                .read(null, DecoderFactory.get().binaryDecoder(current, null));

        assertThat(old.get("event_id")).hasToString("evt-000042");
        assertThat(old.hasField("output_names")).isFalse();
    }

    @Test
    void shouldLetReadersOfTheOldSensorReadingReadCurrentBytes() throws IOException {
        assertThat(SchemaCompatibility.checkReaderWriterCompatibility(SENSOR_READING_V0, SensorReading.getClassSchema())
                        .getType())
                .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
        byte[] current = AvroCodec.encode(SampleRecords.sensorReading(), AvroEncoding.BINARY);

        GenericRecord old = new GenericDatumReader<GenericRecord>(SensorReading.getClassSchema(), SENSOR_READING_V0)
                .read(null, DecoderFactory.get().binaryDecoder(current, null));

        assertThat(old.get("event_id")).hasToString("evt-000042");
        assertThat(old.hasField("task")).isFalse();
    }

    @Test
    void shouldDecodeOldBinaryBytesThroughACodecToldTheWriterSchema() throws IOException {
        AvroCodec<SensorReading> codec =
                AvroCodec.of(SensorReading.class, AvroEncoding.BINARY).withWriterSchema(SENSOR_READING_V0);

        SensorReading reading = codec.decode(writeBinary(SENSOR_READING_V0, oldReading()));

        assertThat(reading.getEventId()).isEqualTo("evt-1");
        assertThat(reading.getTask()).isNull();
    }

    @Test
    void shouldRecogniseOldAndCurrentSingleObjectBytesByFingerprint() throws IOException {
        byte[] old = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), SENSOR_READING_V0)
                .encode(oldReading())
                .array();
        byte[] current = AvroCodec.encode(SampleRecords.sensorReading(), AvroEncoding.SINGLE_OBJECT);
        AvroCodec<SensorReading> strict = AvroCodec.of(SensorReading.class, AvroEncoding.SINGLE_OBJECT);
        AvroCodec<SensorReading> evolving = strict.withWriterSchema(SENSOR_READING_V0);

        assertThat(evolving.decode(old).getEventId()).isEqualTo("evt-1");
        assertThat(evolving.decode(current)).isEqualTo(SampleRecords.sensorReading());
        assertThat(catchThrowableOfType(RecordDecodeException.class, () -> strict.decode(old))
                        .reason())
                .isEqualTo(Reason.UNKNOWN_FINGERPRINT);
    }

    @Test
    void shouldRefuseAWriterSchemaTheCurrentSchemaCannotRead() {
        Schema withoutSourceId = new Schema.Parser().parse("""
                {"type": "record", "name": "SensorReading", "namespace": "io.polyroute.avro", "fields": [
                  {"name": "event_id", "type": "string"},
                  {"name": "event_time", "type": {"type": "long", "logicalType": "timestamp-millis"}},
                  {"name": "features", "type": {"type": "array", "items": "float"}}
                ]}""");

        assertThatThrownBy(() ->
                        AvroCodec.of(SensorReading.class, AvroEncoding.BINARY).withWriterSchema(withoutSourceId))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("The SensorReading schema cannot read data written with writer schema"
                        + " io.polyroute.avro.SensorReading:")
                .hasMessageContaining("source_id");
    }

    @Test
    void shouldReadDeadLettersWrittenBeforeIncompleteExisted() throws IOException {
        Schema current = DeadLetter.getClassSchema();
        Schema old = withReasons(current, "MODEL_ERROR", "DUPLICATE");
        GenericRecord letter = deadLetter(old, "DUPLICATE");

        DeadLetter read = AvroCodec.of(DeadLetter.class, AvroEncoding.BINARY)
                .withWriterSchema(old)
                .decode(binary(old, letter));

        assertThat(read.getReason()).isEqualTo(DeadLetterReason.DUPLICATE);
        assertThat(read.getEventId()).isEqualTo("evt-1");
    }

    @Test
    void shouldReadAReasonAddedLaterAsTheDefault() throws IOException {
        Schema current = DeadLetter.getClassSchema();
        Schema later = withReasons(current, "MODEL_ERROR", "DUPLICATE", "INCOMPLETE", "SOMETHING_NEW");

        DeadLetter read = AvroCodec.of(DeadLetter.class, AvroEncoding.BINARY)
                .withWriterSchema(later)
                .decode(binary(later, deadLetter(later, "SOMETHING_NEW")));

        assertThat(read.getReason()).isEqualTo(DeadLetterReason.MODEL_ERROR);
    }

    @Test
    void shouldReadLoadReportsWrittenWithoutTheBundleAsTheJobsOwnBundle() throws IOException {
        Schema old = AvroSerdes.expertLoadWithoutBundle();
        assertThat(SchemaCompatibility.checkReaderWriterCompatibility(ExpertLoad.getClassSchema(), old)
                        .getType())
                .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
        ExpertLoad current = SampleRecords.expertLoad();

        ExpertLoad read = AvroCodec.of(ExpertLoad.class, AvroEncoding.BINARY)
                .withWriterSchema(old)
                .decode(asOld(current, old));

        assertThat(read.getBundleName()).isEmpty();
        assertThat(read.getBundleVersion()).isEmpty();
        assertThat(read).isEqualTo(current);
    }

    @Test
    void shouldReadSingleObjectLoadReportsOfTheSchemaWithoutTheBundleThroughTheLoadSerde() throws IOException {
        Schema old = AvroSerdes.expertLoadWithoutBundle();
        assertThat(SingleObjectHeader.format(SingleObjectHeader.fingerprint(old)))
                .as("the fingerprint ExpertLoad had before bundle_name and bundle_version")
                .isEqualTo("02C0141D59E14D54");
        ExpertLoad current = SampleRecords.expertLoad();
        GenericRecord oldRecord = new GenericDatumReader<GenericRecord>(ExpertLoad.getClassSchema(), old)
                .read(null, DecoderFactory.get().binaryDecoder(AvroCodec.encode(current, AvroEncoding.BINARY), null));
        byte[] oldBytes = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), old)
                .encode(oldRecord)
                .array();
        ExpertLoad versioned = ExpertLoad.newBuilder(current)
                .setBundleName("factory-moe")
                .setBundleVersion("4")
                .build();
        AvroSerde<ExpertLoad> serde = AvroSerdes.expertLoad(AvroEncoding.SINGLE_OBJECT);

        assertThat(serde.deserialize("load", oldBytes)).isEqualTo(current);
        assertThat(serde.deserialize("load", serde.serialize("load", versioned)))
                .isEqualTo(versioned);
        assertThat(catchThrowableOfType(
                                RecordDecodeException.class,
                                () -> AvroCodec.of(ExpertLoad.class, AvroEncoding.SINGLE_OBJECT)
                                        .decode(oldBytes))
                        .reason())
                .isEqualTo(Reason.UNKNOWN_FINGERPRINT);
    }

    @Test
    void shouldLetReadersWithoutTheBundleReadCurrentLoadReports() throws IOException {
        Schema old = AvroSerdes.expertLoadWithoutBundle();
        ExpertLoad versioned = ExpertLoad.newBuilder(SampleRecords.expertLoad())
                .setBundleName("factory-moe")
                .setBundleVersion("4")
                .build();

        GenericRecord read = new GenericDatumReader<GenericRecord>(ExpertLoad.getClassSchema(), old)
                .read(null, DecoderFactory.get().binaryDecoder(AvroCodec.encode(versioned, AvroEncoding.BINARY), null));

        assertThat(read.get("plan_version")).isEqualTo(7L);
        assertThat(read.hasField("bundle_version")).isFalse();
    }

    /** {@code current} as a writer of the schema {@code old} (which lacks some of its fields) wrote it. */
    private static byte[] asOld(ExpertLoad current, Schema old) throws IOException {
        GenericRecord record = new GenericDatumReader<GenericRecord>(ExpertLoad.getClassSchema(), old)
                .read(null, DecoderFactory.get().binaryDecoder(AvroCodec.encode(current, AvroEncoding.BINARY), null));
        return writeBinary(old, record);
    }

    /** The DeadLetter schema with the reason symbols from the first up to {@code last}, then {@code extra}. */
    private static Schema withReasons(Schema current, String... tail) {
        String json = current.toString();
        String symbols = "\"symbols\":[\"UNDECODABLE\",\"NULL_VALUE\",\"WRONG_DIMENSION\",\"NON_FINITE\","
                + "\"MISSING_ID\",\"OVERSIZED\",\"UNKNOWN_TASK\",";
        int start = json.indexOf(symbols);
        int end = json.indexOf(']', start);
        assertThat(start).as("reason symbols in %s", json).isPositive();
        String listed = java.util.Arrays.stream(tail).map(t -> "\"" + t + "\"").collect(Collectors.joining(","));
        return new Schema.Parser().parse(json.substring(0, start) + symbols + listed + json.substring(end));
    }

    private static GenericRecord deadLetter(Schema schema, String reason) {
        GenericRecord r = new GenericData.Record(schema);
        r.put("key", null);
        r.put("value", null);
        r.put("topic", "sensors");
        r.put("partition", 1);
        r.put("offset", 7L);
        r.put("reason", new GenericData.EnumSymbol(schema.getField("reason").schema(), reason));
        r.put("message", "Refused.");
        r.put("event_id", "evt-1");
        r.put("time", 1_700_000_000_000L);
        return r;
    }

    private static byte[] binary(Schema schema, GenericRecord record) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BinaryEncoder enc = EncoderFactory.get().binaryEncoder(bytes, null);
        new GenericDatumWriter<GenericRecord>(schema).write(record, enc);
        enc.flush();
        return bytes.toByteArray();
    }

    private static GenericRecord oldReading() {
        GenericRecord record = new GenericData.Record(SENSOR_READING_V0);
        record.put("event_id", "evt-1");
        record.put("source_id", "press-01");
        record.put("event_time", SampleRecords.T0.toEpochMilli());
        record.put("features", List.of(1.5f, -2f));
        return record;
    }

    /** {@code schema} without the field {@code name}: the schema as it was before the field was added. */
    private static Schema withoutField(Schema schema, String name) {
        List<Schema.Field> fields = schema.getFields().stream()
                .filter(f -> !f.name().equals(name))
                .map(f -> new Schema.Field(f, f.schema()))
                .collect(Collectors.toList());
        return Schema.createRecord(schema.getName(), schema.getDoc(), schema.getNamespace(), false, fields);
    }

    /** One field of a specific record in its generic form (timestamps as epoch milliseconds). */
    private static Object toGeneric(Prediction p, String field) throws IOException {
        byte[] bytes = AvroCodec.encode(p, AvroEncoding.BINARY);
        GenericRecord generic = new GenericDatumReader<GenericRecord>(Prediction.getClassSchema())
                .read(null, DecoderFactory.get().binaryDecoder(bytes, null));
        return generic.get(field);
    }

    private static GenericRecord asOldPrediction(Prediction current) {
        Schema choiceSchema = PREDICTION_V0.getField("experts").schema().getElementType();
        GenericRecord model =
                new GenericData.Record(PREDICTION_V0.getField("model").schema());
        model.put("name", current.getModel().getName());
        model.put("version", current.getModel().getVersion());
        GenericRecord record = new GenericData.Record(PREDICTION_V0);
        record.put("event_id", current.getEventId());
        record.put("source_id", current.getSourceId());
        record.put("event_time", current.getEventTime().toEpochMilli());
        record.put("processed_time", current.getProcessedTime().toEpochMilli());
        record.put("model", model);
        record.put("output", current.getOutput());
        record.put(
                "experts",
                current.getExperts().stream()
                        .map(choice -> {
                            GenericRecord old = new GenericData.Record(choiceSchema);
                            for (Schema.Field field :
                                    ExpertChoice.getClassSchema().getFields()) {
                                old.put(field.name(), choice.get(field.pos()));
                            }
                            return old;
                        })
                        .collect(Collectors.toList()));
        record.put("latency_ms", current.getLatencyMs());
        return record;
    }

    private static byte[] writeBinary(Schema schema, GenericRecord record) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(schema).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    /** Reads with Avro's resolving decoder, built by the reader from the writer and reader schemas. */
    private static <T> T readResolving(byte[] bytes, Schema writer, Class<T> type) throws IOException {
        SpecificData model = SpecificData.getForClass(type);
        return new SpecificDatumReader<T>(writer, model.getSchema(type), model)
                .read(null, DecoderFactory.get().binaryDecoder(bytes, null));
    }
}
