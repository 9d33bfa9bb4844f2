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

import io.polyroute.avro.Prediction;
import io.polyroute.job.config.TopicEncoding;
import io.polyroute.job.model.InFlight;
import io.polyroute.schemas.AvroCodec;
import io.polyroute.schemas.AvroEncoding;
import io.polyroute.schemas.ConfluentCodec;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class PredictionWriterTest {

    @ParameterizedTest
    @EnumSource(AvroEncoding.class)
    void shouldWriteTheSameBytesAsTheAvroCodec(AvroEncoding encoding) {
        AvroCodec<Prediction> codec = AvroCodec.of(Prediction.class, encoding);
        PredictionWriter writer = PredictionSerializer.writer(encoding, "factory-moé", "7");
        Random rnd = new Random(11);
        for (int i = 0; i < 2_000; i++) {
            InFlight rec = randomRecord(rnd, i);
            long now = rec.eventTime + rnd.nextInt(5_000) - 100;
            byte[] expected = codec.encode(PredictionSerializer.toPrediction(rec, "factory-moé", "7", now));
            assertThat(writer.write(rec, now)).as("record %d", i).isEqualTo(expected);
        }
    }

    @ParameterizedTest
    @EnumSource(TopicEncoding.class)
    void shouldWriteTheBundlesOutputNamesIntoEveryPrediction(TopicEncoding encoding) {
        List<String> names = List.of("anomaly_score", "température");
        PredictionWriter writer = PredictionSerializer.writer(encoding, 42, "factory-moe", "3", names);
        ConfluentCodec<Prediction> wire = ConfluentCodec.of(Prediction.class, 42, id -> {
            throw new AssertionError("unexpected lookup of id " + id);
        });
        Random rnd = new Random(23);
        for (int i = 0; i < 200; i++) {
            InFlight rec = randomRecord(rnd, i);
            long now = rec.eventTime + rnd.nextInt(5_000);
            Prediction expected = PredictionSerializer.toPrediction(rec, "factory-moe", "3", names, now);
            byte[] bytes = writer.write(rec, now);
            Prediction written = encoding == TopicEncoding.CONFLUENT
                    ? wire.decode(bytes)
                    : AvroCodec.of(Prediction.class, encoding.avro("topics.encoding", "the test"))
                            .decode(bytes);
            assertThat(written).as("record %d", i).isEqualTo(expected);
            assertThat(written.getOutputNames()).containsExactly("anomaly_score", "température");
        }
    }

    @Test
    void shouldWriteTheRegistryWireFormatUnderTheResolvedSchemaId() {
        PredictionWriter writer =
                PredictionSerializer.writer(TopicEncoding.CONFLUENT, 0x01020304, "factory-moé", "7", List.of());
        AvroCodec<Prediction> binary = AvroCodec.of(Prediction.class, AvroEncoding.BINARY);
        ConfluentCodec<Prediction> wire = ConfluentCodec.of(Prediction.class, 0x01020304, id -> {
            throw new AssertionError("the writer's own id needs no lookup, but " + id + " was looked up");
        });
        Random rnd = new Random(17);
        for (int i = 0; i < 500; i++) {
            InFlight rec = randomRecord(rnd, i);
            long now = rec.eventTime + rnd.nextInt(5_000);
            Prediction expected = PredictionSerializer.toPrediction(rec, "factory-moé", "7", now);
            byte[] bytes = writer.write(rec, now);
            assertThat(Arrays.copyOf(bytes, 5)).containsExactly(0, 1, 2, 3, 4);
            assertThat(Arrays.copyOfRange(bytes, 5, bytes.length)).isEqualTo(binary.encode(expected));
            assertThat(wire.decode(bytes)).isEqualTo(expected);
        }
    }

    @Test
    void shouldBeReadBackAsThePrediction() {
        InFlight rec = randomRecord(new Random(3), 5);
        PredictionWriter writer = PredictionSerializer.writer(AvroEncoding.BINARY, "m", "1");
        Prediction p =
                AvroCodec.of(Prediction.class, AvroEncoding.BINARY).decode(writer.write(rec, rec.eventTime + 12));
        assertThat(p.getEventId()).isEqualTo(rec.eventId);
        assertThat(p.getLatencyMs()).isEqualTo(12.0);
        assertThat(p.getOutput()).hasSize(rec.previous.length);
        assertThat(p.getExperts()).hasSize(rec.choiceExpert.length);
    }

    @Test
    void shouldNameTheVersionARolloutStampedOnTheRecord() {
        InFlight rec = randomRecord(new Random(4), 9);
        rec.modelName = "factory-moe";
        rec.modelVersion = "2";
        PredictionWriter writer = PredictionSerializer.writer(AvroEncoding.BINARY, "factory-moe", "1");

        byte[] bytes = writer.write(rec, rec.eventTime + 1);

        Prediction p = AvroCodec.of(Prediction.class, AvroEncoding.BINARY).decode(bytes);
        assertThat(p.getModel().getVersion()).isEqualTo("2");
        assertThat(bytes)
                .isEqualTo(AvroCodec.of(Prediction.class, AvroEncoding.BINARY)
                        .encode(PredictionSerializer.toPrediction(rec, "factory-moe", "1", rec.eventTime + 1)));
    }

    private static InFlight randomRecord(Random rnd, int i) {
        InFlight rec = new InFlight();
        rec.eventId = (i % 7 == 0 ? "évènement-" : "ev-") + i + "-" + Long.toString(rnd.nextLong(), 36);
        rec.sourceId = i % 5 == 0 ? null : "machine-" + rnd.nextInt(1_000);
        rec.eventTime = i % 11 == 0 ? 0 : 1_700_000_000_000L + rnd.nextInt(1_000_000_000);
        int width = i % 13 == 0 ? 0 : 1 + rnd.nextInt(64);
        rec.previous = new float[width];
        for (int j = 0; j < width; j++) {
            rec.previous[j] = j % 17 == 3 ? -0.0f : (float) rnd.nextGaussian() * 1e3f;
        }
        int stages = rnd.nextInt(3);
        for (int s = 0; s < stages; s++) {
            int m = 1 + rnd.nextInt(6);
            int[] groups = new int[m];
            int[] experts = new int[m];
            int[] slots = new int[m];
            float[] weights = new float[m];
            for (int j = 0; j < m; j++) {
                groups[j] = j / 2;
                experts[j] = rnd.nextInt(200);
                slots[j] = rnd.nextInt(70);
                weights[j] = rnd.nextFloat();
            }
            rec.addChoices(s, groups, experts, slots, weights);
        }
        if (i % 3 == 0) {
            rec.addFlag("rerouted");
        }
        if (i % 9 == 0) {
            rec.addFlag("bias_balanced");
        }
        return rec;
    }
}
