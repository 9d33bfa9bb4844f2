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
package io.polyroute.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.polyroute.avro.SensorReading;
import io.polyroute.kit.factory.FactoryReading;
import io.polyroute.kit.factory.FactorySimulator;
import io.polyroute.schemas.AvroCodec;
import io.polyroute.schemas.AvroEncoding;
import io.polyroute.schemas.SchemaFiles;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.junit.jupiter.api.Test;

/** The simulator's records decode with the published SensorReading.avsc, as any consumer would. */
class SimulatorSchemaTest {

    @Test
    void simulatorRecordsDecodeWithThePublishedSchema() throws Exception {
        Schema published = new Schema.Parser().parse(SchemaFiles.read(SensorReading.class));
        FactorySimulator sim = FactorySimulator.builder().seed(3).build();
        AvroCodec<SensorReading> codec = AvroCodec.of(SensorReading.class, AvroEncoding.BINARY);
        GenericDatumReader<GenericRecord> reader = new GenericDatumReader<>(published);
        for (int i = 0; i < 500; i++) {
            FactoryReading r = sim.next();
            List<Float> f = new ArrayList<>();
            for (float v : r.features()) {
                f.add(v);
            }
            byte[] bytes = codec.encode(SensorReading.newBuilder()
                    .setEventId("e-" + i)
                    .setSourceId(r.sourceId())
                    .setTask(r.task())
                    .setEventTime(Instant.ofEpochMilli(r.eventTimeMillis()))
                    .setFeatures(f)
                    .build());
            GenericRecord g = reader.read(null, DecoderFactory.get().binaryDecoder(bytes, null));
            assertThat(g.get("event_id").toString()).isEqualTo("e-" + i);
            assertThat(g.get("source_id").toString()).isEqualTo(r.sourceId());
            assertThat(g.get("task").toString()).isEqualTo(r.task());
            assertThat((List<?>) g.get("features")).hasSize(FactorySimulator.FEATURE_COUNT);
        }
    }
}
