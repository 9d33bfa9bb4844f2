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
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
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

/** The byte layout of the Confluent wire format: magic 00, 4-byte big-endian id, Avro binary. */
class ConfluentCodecTest {

    private static final Map<Integer, Schema> NONE = Map.of();

    private static SensorReading reading() {
        return SensorReading.newBuilder()
                .setEventId("e-1")
                .setSourceId("press-7")
                .setEventTime(Instant.ofEpochMilli(1_700_000_000_000L))
                .setFeatures(List.of(1.5f, -2f, 0f))
                .build();
    }

    @Test
    void shouldWriteMagicByteThenBigEndianIdThenAvroBinary() {
        int id = 0x01020304;
        ConfluentCodec<SensorReading> codec = ConfluentCodec.of(SensorReading.class, id, NONE::get);

        byte[] bytes = codec.encode(reading());

        byte[] body = AvroCodec.encode(reading(), AvroEncoding.BINARY);
        assertThat(Arrays.copyOf(bytes, 5)).containsExactly(0x00, 0x01, 0x02, 0x03, 0x04);
        assertThat(Arrays.copyOfRange(bytes, 5, bytes.length)).isEqualTo(body);
        assertThat(ConfluentCodec.schemaId(bytes)).isEqualTo(id);
        assertThat(codec.decode(bytes)).isEqualTo(reading());
    }

    @Test
    void shouldReadIdsAboveTwoToTheThirtyOneAsTheirBitPattern() {
        byte[] header = ConfluentCodec.header(-2);
        assertThat(header).containsExactly(0x00, 0xFF, 0xFF, 0xFF, 0xFE);
        assertThat(ConfluentCodec.schemaId(header)).isEqualTo(-2);
    }

    @Test
    void shouldResolveAnOlderWriterSchemaLookedUpByItsId() throws Exception {
        // An older producer: no task and no attributes, and an extra field the reader ignores.
        Schema old = SchemaBuilder.record("SensorReading")
                .namespace("io.polyroute.avro")
                .fields()
                .requiredString("event_id")
                .requiredString("source_id")
                .name("event_time")
                .type(new org.apache.avro.LogicalType("timestamp-millis").addToSchema(Schema.create(Schema.Type.LONG)))
                .noDefault()
                .name("features")
                .type()
                .array()
                .items()
                .floatType()
                .noDefault()
                .requiredInt("firmware")
                .endRecord();
        GenericRecord r = new GenericData.Record(old);
        r.put("event_id", "e-2");
        r.put("source_id", "press-1");
        r.put("event_time", 5L);
        r.put("features", List.of(3f));
        r.put("firmware", 7);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.write(ConfluentCodec.header(42));
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(old).write(r, encoder);
        encoder.flush();
        Map<Integer, Integer> lookups = new HashMap<>();
        ConfluentCodec<SensorReading> codec = ConfluentCodec.of(SensorReading.class, 1, id -> {
            lookups.merge(id, 1, Integer::sum);
            return old;
        });

        SensorReading decoded = codec.decode(out.toByteArray());
        codec.decode(out.toByteArray());

        assertThat(decoded.getEventId()).isEqualTo("e-2");
        assertThat(decoded.getFeatures()).containsExactly(3f);
        assertThat(decoded.getTask()).isNull();
        assertThat(lookups).containsExactly(Map.entry(42, 1));
    }

    @Test
    void shouldRefuseBytesWithoutTheMagicByte() {
        ConfluentCodec<SensorReading> codec = ConfluentCodec.of(SensorReading.class, 1, NONE::get);
        byte[] singleObject = AvroCodec.encode(reading(), AvroEncoding.SINGLE_OBJECT);

        assertThatThrownBy(() -> codec.decode(singleObject))
                .isInstanceOf(RecordDecodeException.class)
                .hasMessageContaining("start with C3 instead of the magic byte 00")
                .extracting(e -> ((RecordDecodeException) e).reason())
                .isEqualTo(Reason.BAD_HEADER);
    }

    @Test
    void shouldRefuseBytesThatEndInsideTheHeader() {
        ConfluentCodec<SensorReading> codec = ConfluentCodec.of(SensorReading.class, 1, NONE::get);

        assertThatThrownBy(() -> codec.decode(new byte[] {0, 0, 1}))
                .isInstanceOf(RecordDecodeException.class)
                .hasMessageContaining("end inside the 5-byte header")
                .extracting(e -> ((RecordDecodeException) e).reason())
                .isEqualTo(Reason.TRUNCATED);
    }

    @Test
    void shouldNameTheIdTheRegistryDoesNotKnow() {
        ConfluentCodec<SensorReading> codec = ConfluentCodec.of(SensorReading.class, 1, id -> {
            throw new SchemaRegistryException(404, "Schema " + id + " not found.", null);
        });
        byte[] bytes = ConfluentCodec.of(SensorReading.class, 99, NONE::get).encode(reading());

        assertThatThrownBy(() -> codec.decode(bytes))
                .isInstanceOf(RecordDecodeException.class)
                .hasMessageContaining("schema id 99")
                .extracting(e -> ((RecordDecodeException) e).reason())
                .isEqualTo(Reason.UNKNOWN_SCHEMA_ID);
    }

    @Test
    void shouldRefuseAWriterSchemaThatDoesNotResolveToTheReader() {
        Schema other = SchemaBuilder.record("SensorReading")
                .namespace("io.polyroute.avro")
                .fields()
                .requiredInt("event_id")
                .endRecord();
        ConfluentCodec<SensorReading> codec = ConfluentCodec.of(SensorReading.class, 1, id -> other);
        byte[] bytes = new byte[] {0, 0, 0, 0, 7, 2};

        assertThatThrownBy(() -> codec.decode(bytes))
                .isInstanceOf(RecordDecodeException.class)
                .hasMessageContaining("schema id 7")
                .extracting(e -> ((RecordDecodeException) e).reason())
                .isEqualTo(Reason.UNKNOWN_SCHEMA_ID);
    }
}
