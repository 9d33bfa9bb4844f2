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

import io.polyroute.avro.DeadLetter;
import io.polyroute.avro.DeadLetterReason;
import io.polyroute.avro.SensorReading;
import io.polyroute.job.config.ConfigException;
import io.polyroute.job.config.JobConfig;
import io.polyroute.job.config.TopicEncoding;
import io.polyroute.job.config.TopicsOptions;
import io.polyroute.schemas.ConfluentCodec;
import io.polyroute.schemas.RecordDecodeException;
import io.polyroute.schemas.RegistrySettings;
import io.polyroute.schemas.SchemaRegistryException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code confluent} topic encoding on its own: options, where secrets come from, and the
 * encoders and decoder given a schema lookup. The registry itself is not involved.
 */
class ConfluentTopicsTest {

    @Test
    void shouldRequireTheRegistryUrlWhenAnyTopicIsConfluent() {
        assertThatThrownBy(() -> JobConfig.of(Map.of("topics.encoding", "confluent")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("registry.url");
        assertThatThrownBy(() -> JobConfig.of(Map.of("topics.encoding.dlq", "confluent")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("registry.url");
        JobConfig ok = JobConfig.of(Map.of("topics.encoding.dlq", "confluent", "registry.url", "http://127.0.0.1:1"));
        assertThat(TopicsOptions.encoding(ok, TopicsOptions.ENCODING_DLQ)).isEqualTo(TopicEncoding.CONFLUENT);
        assertThat(TopicsOptions.encoding(ok, TopicsOptions.ENCODING_OUTPUT)).isEqualTo(TopicEncoding.BINARY);
    }

    @Test
    void shouldFallBackToTopicsEncodingPerTopicAndRejectUnknownValues() {
        JobConfig config = JobConfig.of(Map.of("topics.encoding", "single-object", "topics.encoding.input", "binary"));
        assertThat(TopicsOptions.encoding(config, TopicsOptions.ENCODING_INPUT)).isEqualTo(TopicEncoding.BINARY);
        assertThat(TopicsOptions.encoding(config, TopicsOptions.ENCODING_CONTROL))
                .isEqualTo(TopicEncoding.SINGLE_OBJECT);
        assertThatThrownBy(() -> JobConfig.of(Map.of("topics.encoding.output", "protobuf")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("topics.encoding.output")
                .hasMessageContaining("binary, single-object, confluent");
    }

    @Test
    void shouldRefuseTwoCredentialSources() {
        assertThatThrownBy(() -> JobConfig.of(Map.of(
                        "registry.url", "http://127.0.0.1:1",
                        "registry.credentials-file", "/a",
                        "registry.credentials-env", "B")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("registry.credentials-file")
                .hasMessageContaining("registry.credentials-env");
    }

    @Test
    void shouldReadCredentialsFromAFileOrTheEnvironmentAndNeverShowThem(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("registry-credentials"), "svc-polyroute:s3cr:et\n");
        RegistryConnection fromFile = RegistryConnection.of(JobConfig.of(Map.of(
                "registry.url", "https://a:8081, https://b:8081", "registry.credentials-file", file.toString())));
        RegistrySettings settings = fromFile.settings(name -> null);
        assertThat(settings.urls()).containsExactly("https://a:8081", "https://b:8081");
        assertThat(settings.username()).isEqualTo("svc-polyroute");
        assertThat(settings.password()).isEqualTo("s3cr:et");
        assertThat(fromFile.toString()).doesNotContain("s3cr");

        RegistryConnection fromEnv = RegistryConnection.of(JobConfig.of(
                Map.of("registry.url", "https://a:8081", "registry.credentials-env", "REGISTRY_USER_INFO")));
        assertThat(fromEnv.settings(name -> name.equals("REGISTRY_USER_INFO") ? "u:p" : null)
                        .password())
                .isEqualTo("p");
        assertThatThrownBy(() -> fromEnv.settings(name -> null))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("REGISTRY_USER_INFO")
                .hasMessageContaining("registry.credentials-env");
    }

    @Test
    void shouldNameTheKeyOfAMissingSecretFile(@TempDir Path dir) {
        RegistryConnection connection = RegistryConnection.of(JobConfig.of(Map.of(
                "registry.url",
                "https://a:8081",
                "registry.truststore",
                dir.resolve("missing.p12").toString())));
        assertThatThrownBy(() -> connection.settings(name -> null))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("registry.truststore")
                .hasMessageContaining("missing.p12");
    }

    @Test
    void shouldDecodeInputWrittenWithAnyWriterSchemaThatResolves() throws IOException {
        // A newer producer's schema: one more field, and no attributes.
        Schema newer = SchemaBuilder.record("SensorReading")
                .namespace("io.polyroute.avro")
                .fields()
                .requiredString("event_id")
                .requiredString("source_id")
                .optionalString("task")
                .name("event_time")
                .type(Schema.create(Schema.Type.LONG))
                .noDefault()
                .name("features")
                .type()
                .array()
                .items()
                .floatType()
                .noDefault()
                .name("site")
                .type()
                .stringType()
                .stringDefault("unknown")
                .endRecord();
        GenericRecord record = new GenericData.Record(newer);
        record.put("event_id", "e-1");
        record.put("source_id", "m-7");
        record.put("task", "line-a");
        record.put("event_time", 1_700_000_000_123L);
        record.put("features", List.of(1.5f, -2.0f));
        record.put("site", "plant-2");
        byte[] bytes = wire(77, newer, record);

        var decode = io.polyroute.job.operators.DecodeValidateFunction.decoder(null, id -> {
            if (id == 77) {
                return newer;
            }
            throw new SchemaRegistryException(404, "Schema " + id + " not found.", null);
        });
        SensorReading reading = decode.apply(bytes);
        assertThat(reading.getEventId()).isEqualTo("e-1");
        assertThat(reading.getTask()).isEqualTo("line-a");
        assertThat(reading.getEventTime()).isEqualTo(Instant.ofEpochMilli(1_700_000_000_123L));
        assertThat(reading.getFeatures()).containsExactly(1.5f, -2.0f);
        assertThat(reading.getAttributes()).isNull();

        byte[] unknownId = bytes.clone();
        unknownId[4] = 78;
        assertThatThrownBy(() -> decode.apply(unknownId))
                .isInstanceOf(RecordDecodeException.class)
                .hasMessageContaining("schema id 78");
    }

    @Test
    void shouldWriteDeadLettersUnderTheResolvedSchemaId() {
        DeadLetter dl = DeadLetter.newBuilder()
                .setKey(null)
                .setValue(ByteBuffer.wrap(new byte[] {1, 2}))
                .setTopic("sensors")
                .setPartition(0)
                .setOffset(9)
                .setReason(DeadLetterReason.UNDECODABLE)
                .setMessage("bad")
                .setEventId(null)
                .setTime(Instant.ofEpochMilli(5))
                .build();
        byte[] bytes = TopicFormats.encoder(DeadLetter.class, TopicEncoding.CONFLUENT, 300)
                .apply(dl);
        assertThat(ConfluentCodec.schemaId(bytes)).isEqualTo(300);
        assertThat(ConfluentCodec.reader(DeadLetter.class, id -> DeadLetter.getClassSchema())
                        .decode(bytes))
                .isEqualTo(dl);
        assertThat(TopicFormats.encoder(DeadLetter.class, TopicEncoding.BINARY, TopicFormats.NO_ID)
                        .apply(dl))
                .isEqualTo(java.util.Arrays.copyOfRange(bytes, 5, bytes.length));
    }

    private static byte[] wire(int id, Schema schema, GenericRecord record) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(ConfluentCodec.header(id));
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(schema).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }
}
