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
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.polyroute.avro.DeadLetter;
import io.polyroute.avro.DeadLetterReason;
import io.polyroute.avro.ExpertChoice;
import io.polyroute.avro.ModelRef;
import io.polyroute.avro.Prediction;
import io.polyroute.job.config.ConfigException;
import io.polyroute.job.config.JobConfig;
import io.polyroute.job.config.TopicEncoding;
import io.polyroute.job.config.TopicsOptions;
import io.polyroute.schemas.AvroCodec;
import io.polyroute.schemas.AvroEncoding;
import io.polyroute.schemas.ConfluentCodec;
import io.polyroute.schemas.RecordDecodeException;
import io.polyroute.schemas.RecordDecodeException.Reason;
import io.polyroute.schemas.SchemaRegistryException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.Test;

/**
 * How the monitor and {@code polyroute dlq} read the job's topics, {@code confluent} included: the
 * wire-format bytes are framed here by hand (magic byte, 4-byte id, Avro binary) and the registry is
 * a map from id to schema that counts its lookups. The HTTP client itself is not involved.
 */
class TopicDeserializerTest {

    /** A registry double: the schemas it knows by id, and every id it was asked for. */
    private static final class Registry implements ConfluentCodec.SchemaLookup {
        final Map<Integer, Schema> schemas = new HashMap<>();
        final List<Integer> asked = new ArrayList<>();

        @Override
        public Schema schemaById(int id) {
            asked.add(id);
            Schema s = schemas.get(id);
            if (s == null) {
                throw new SchemaRegistryException(404, "Schema " + id + " not found (error 40403).", null);
            }
            return s;
        }
    }

    @Test
    void shouldReadDeadLettersInTheWireFormatLookingUpEachWriterIdOnce() throws IOException {
        Registry registry = new Registry();
        registry.schemas.put(21, DeadLetter.getClassSchema());
        TopicDeserializer<DeadLetter> reader =
                TopicDeserializer.of(DeadLetter.class, TopicEncoding.CONFLUENT, registry);
        DeadLetter first = deadLetter("evt-1");
        DeadLetter second = deadLetter("evt-2");

        assertThat(reader.deserialize("polyroute.dlq", frame(21, binary(first))))
                .isEqualTo(first);
        assertThat(reader.decode(frame(21, binary(second)))).isEqualTo(second);
        assertThat(registry.asked).containsExactly(21);
        assertThat(reader.deserialize("polyroute.dlq", null)).isNull();
    }

    @Test
    void shouldResolvePredictionsWrittenWithTheSchemaBeforeOutputNames() throws IOException {
        Schema before = withoutField(Prediction.getClassSchema(), "output_names");
        Registry registry = new Registry();
        registry.schemas.put(5, before);
        Prediction p = prediction(List.of());
        byte[] body = AvroCodec.of(Prediction.class, AvroEncoding.BINARY).encode(p);
        // The 0.2.0 bytes are the current bytes without the trailing empty output_names array (one 0 byte).
        GenericRecord old = new GenericDatumReader<GenericRecord>(Prediction.getClassSchema(), before)
                .read(null, DecoderFactory.get().binaryDecoder(body, null));
        byte[] oldBody = write(before, old);
        assertThat(oldBody).hasSize(body.length - 1);

        Prediction read = TopicDeserializer.of(Prediction.class, TopicEncoding.CONFLUENT, registry)
                .decode(frame(5, oldBody));

        assertThat(read).isEqualTo(p);
        assertThat(read.getOutputNames()).isEmpty();
    }

    @Test
    void shouldReadNamedOutputsFromTheCurrentSchema() {
        Registry registry = new Registry();
        registry.schemas.put(6, Prediction.getClassSchema());
        Prediction p = prediction(List.of("health_score"));

        Prediction read = TopicDeserializer.of(Prediction.class, TopicEncoding.CONFLUENT, registry)
                .decode(frame(
                        6, AvroCodec.of(Prediction.class, AvroEncoding.BINARY).encode(p)));

        assertThat(read.getOutputNames()).containsExactly("health_score");
    }

    @Test
    void shouldRefuseAnIdTheRegistryDoesNotKnowAndAskAgainNextTime() throws IOException {
        Registry registry = new Registry();
        TopicDeserializer<DeadLetter> reader =
                TopicDeserializer.of(DeadLetter.class, TopicEncoding.CONFLUENT, registry);
        byte[] bytes = frame(77, binary(deadLetter("evt-1")));

        RecordDecodeException e = catchThrowableOfType(RecordDecodeException.class, () -> reader.decode(bytes));
        assertThat(e.reason()).isEqualTo(Reason.UNKNOWN_SCHEMA_ID);
        assertThat(e).hasMessageContaining("schema id 77").hasMessageContaining("not found");

        registry.schemas.put(77, DeadLetter.getClassSchema());
        assertThat(reader.decode(bytes).getEventId()).isEqualTo("evt-1");
        assertThat(registry.asked).containsExactly(77, 77);
    }

    @Test
    void shouldRefuseBytesWithoutTheWireFormatsHeader() throws IOException {
        Registry registry = new Registry();
        TopicDeserializer<DeadLetter> reader =
                TopicDeserializer.of(DeadLetter.class, TopicEncoding.CONFLUENT, registry);
        byte[] selfContained =
                AvroCodec.of(DeadLetter.class, AvroEncoding.SINGLE_OBJECT).encode(deadLetter("e"));

        assertThat(catchThrowableOfType(RecordDecodeException.class, () -> reader.decode(selfContained))
                        .reason())
                .isEqualTo(Reason.BAD_HEADER);
        assertThat(catchThrowableOfType(RecordDecodeException.class, () -> reader.decode(new byte[] {0, 0, 1}))
                        .reason())
                .isEqualTo(Reason.TRUNCATED);
        assertThat(registry.asked).isEmpty();
    }

    @Test
    void shouldRefuseABodyThatDoesNotMatchTheWriterSchema() {
        Registry registry = new Registry();
        registry.schemas.put(3, DeadLetter.getClassSchema());
        TopicDeserializer<DeadLetter> reader =
                TopicDeserializer.of(DeadLetter.class, TopicEncoding.CONFLUENT, registry);

        assertThatThrownBy(() -> reader.decode(frame(3, new byte[] {2, 7, 7})))
                .isInstanceOf(RecordDecodeException.class);
    }

    @Test
    void shouldReadTheSelfContainedEncodingsWithoutARegistry() {
        DeadLetter letter = deadLetter("evt-9");
        for (AvroEncoding encoding : AvroEncoding.values()) {
            TopicEncoding topicEncoding =
                    encoding == AvroEncoding.BINARY ? TopicEncoding.BINARY : TopicEncoding.SINGLE_OBJECT;
            TopicDeserializer<DeadLetter> reader = TopicDeserializer.of(DeadLetter.class, topicEncoding, null);
            assertThat(reader.deserialize(
                            "polyroute.dlq",
                            AvroCodec.of(DeadLetter.class, encoding).encode(letter)))
                    .isEqualTo(letter);
        }
        assertThatThrownBy(() -> TopicDeserializer.of(DeadLetter.class, TopicEncoding.CONFLUENT, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("needs a schema registry");
    }

    @Test
    void shouldTakeEachTopicsEncodingAndTheRegistryFromTheJobConfiguration() {
        JobConfig config = JobConfig.of(Map.of(
                "topics.encoding.dlq", "confluent",
                "topics.encoding.output", "single-object",
                "registry.url", "http://127.0.0.1:1"));

        assertThat(TopicDeserializer.forTopic(config, TopicsOptions.ENCODING_DLQ, DeadLetter.class)
                        .encoding())
                .isEqualTo(TopicEncoding.CONFLUENT);
        assertThat(TopicDeserializer.forTopic(config, TopicsOptions.ENCODING_OUTPUT, Prediction.class)
                        .encoding())
                .isEqualTo(TopicEncoding.SINGLE_OBJECT);
        assertThat(TopicDeserializer.forTopic(config, TopicsOptions.ENCODING_CONTROL, DeadLetter.class)
                        .encoding())
                .isEqualTo(TopicEncoding.BINARY);
    }

    @Test
    void shouldNameTheRegistryKeyWhoseSecretCannotBeRead() {
        JobConfig config = JobConfig.of(Map.of(
                "topics.encoding", "confluent",
                "registry.url", "http://127.0.0.1:1",
                "registry.credentials-file", "/nonexistent/registry-user-info"));

        assertThatThrownBy(() -> TopicDeserializer.forTopic(config, TopicsOptions.ENCODING_DLQ, DeadLetter.class))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("registry.credentials-file")
                .hasMessageContaining("/nonexistent/registry-user-info");
    }

    private static DeadLetter deadLetter(String eventId) {
        return DeadLetter.newBuilder()
                .setKey(ByteBuffer.wrap(new byte[] {9}))
                .setValue(ByteBuffer.wrap(new byte[] {0, 0, 0, 0, 1, 2}))
                .setTopic("sensors")
                .setPartition(1)
                .setOffset(42)
                .setReason(DeadLetterReason.UNDECODABLE)
                .setMessage("Cannot decode SensorReading")
                .setEventId(eventId)
                .setTime(Instant.ofEpochMilli(1_000))
                .build();
    }

    private static Prediction prediction(List<String> names) {
        return Prediction.newBuilder()
                .setEventId("evt-3")
                .setSourceId("press-1")
                .setEventTime(Instant.ofEpochMilli(10))
                .setProcessedTime(Instant.ofEpochMilli(30))
                .setModel(ModelRef.newBuilder()
                        .setName("factory-moe")
                        .setVersion("1")
                        .build())
                .setOutput(List.of(0.75f))
                .setExperts(List.of(ExpertChoice.newBuilder()
                        .setStage(0)
                        .setExpert(2)
                        .setGroup(0)
                        .setWeight(1f)
                        .setSlot(0)
                        .build()))
                .setLatencyMs(20)
                .setFlags(List.of())
                .setOutputNames(names)
                .build();
    }

    private static byte[] binary(DeadLetter letter) {
        return AvroCodec.of(DeadLetter.class, AvroEncoding.BINARY).encode(letter);
    }

    /** The wire format, framed by hand: 00, the id big-endian, the Avro body. */
    private static byte[] frame(int id, byte[] body) {
        ByteBuffer b = ByteBuffer.allocate(5 + body.length);
        b.put((byte) 0).putInt(id).put(body);
        return b.array();
    }

    private static byte[] write(Schema schema, GenericRecord record) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(schema, GenericData.get()).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    private static Schema withoutField(Schema schema, String name) {
        List<Schema.Field> fields = schema.getFields().stream()
                .filter(f -> !f.name().equals(name))
                .map(f -> new Schema.Field(f, f.schema()))
                .toList();
        return Schema.createRecord(schema.getName(), schema.getDoc(), schema.getNamespace(), false, fields);
    }
}
