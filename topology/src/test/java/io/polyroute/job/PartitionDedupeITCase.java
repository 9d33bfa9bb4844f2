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
package io.polyroute.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.polyroute.avro.DeadLetter;
import io.polyroute.avro.DeadLetterReason;
import io.polyroute.avro.Prediction;
import io.polyroute.avro.SensorReading;
import io.polyroute.job.config.JobConfig;
import io.polyroute.runtime.bundle.ModelBundle;
import io.polyroute.runtime.eval.ReferenceModel;
import io.polyroute.schemas.AvroCodec;
import io.polyroute.schemas.AvroEncoding;
import io.polyroute.testing.JobHarness;
import io.polyroute.testing.KafkaBrokerExtension;
import io.polyroute.testing.LeakCheckExtension;
import io.polyroute.testing.SqrtExpertBundle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dedupe.scope=partition} on a real broker and MiniCluster (fused, parallelism 2, two input
 * partitions): a repeat written to the partition of its first copy becomes a {@code DUPLICATE}
 * dead letter with its own coordinates and the reason text of the global scope; every other
 * reading is predicted exactly once and matches reference.onnx; and, as documented, a repeat
 * written to the other partition is not caught and is predicted a second time.
 */
@Timeout(240)
@ExtendWith(LeakCheckExtension.class)
class PartitionDedupeITCase {
    private static final List<String> TASKS = List.of("press", "lathe");
    private static final int READINGS = 400;
    private static final int PARTITIONS = 2;
    private static final Duration DEADLINE = Duration.ofSeconds(120);

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(2)
            .build());

    @TempDir
    static Path dir;

    @Test
    void shouldDeadLetterRepeatsOnTheSamePartitionAndPredictEveryReadingOnce() throws Exception {
        ModelBundle bundle = SqrtExpertBundle.write(dir.resolve("bundle"), TASKS);
        List<SensorReading> readings = JobHarness.randomReadings("pd", READINGS, SqrtExpertBundle.INPUT_DIM, TASKS, 11);
        List<byte[]> values = JobHarness.encode(readings);
        String input = KAFKA.createRandomTopic("sensors", PARTITIONS);
        String output = KAFKA.createRandomTopic("predictions", PARTITIONS);
        String dlq = KAFKA.createRandomTopic("dlq", 1);

        // Keyed by event id, each reading on partition i % 2; every 10th is repeated on the same
        // partition (caught), every 50th, from the 5th on, on the other one (not caught).
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        List<Boolean> caught = new ArrayList<>();
        Set<String> repeatedElsewhere = new HashSet<>();
        for (int i = 0; i < READINGS; i++) {
            records.add(record(input, i % PARTITIONS, readings.get(i), values.get(i)));
            caught.add(false);
        }
        for (int i = 0; i < READINGS; i += 10) {
            records.add(record(input, i % PARTITIONS, readings.get(i), values.get(i)));
            caught.add(true);
        }
        for (int i = 5; i < READINGS; i += 50) {
            records.add(record(input, (i + 1) % PARTITIONS, readings.get(i), values.get(i)));
            caught.add(false);
            repeatedElsewhere.add(readings.get(i).getEventId());
        }
        List<RecordMetadata> landed = KAFKA.produce(records);
        Set<String> duplicateCoordinates = new HashSet<>();
        for (int i = 0; i < landed.size(); i++) {
            if (caught.get(i)) {
                duplicateCoordinates.add(
                        landed.get(i).partition() + "@" + landed.get(i).offset());
            }
        }

        JobConfig config = JobConfig.of(Map.of(
                "kafka.bootstrap-servers",
                KAFKA.bootstrapServers(),
                "topics.input",
                input,
                "topics.output",
                output,
                "topics.dlq",
                dlq,
                "job.name",
                "pd-" + output,
                "job.mode",
                "fused",
                "job.parallelism",
                "2",
                "job.checkpoint-interval",
                "500 ms",
                "dedupe.scope",
                "partition",
                "bundle.path",
                bundle.root().toString()));
        JobHarness.runBounded(config, bundle);

        int expectedPredictions = READINGS + repeatedElsewhere.size();
        AvroCodec<Prediction> codec = AvroCodec.of(Prediction.class, AvroEncoding.BINARY);
        Map<String, Prediction> predictions = new HashMap<>();
        Map<String, Integer> answers = new HashMap<>();
        List<ConsumerRecord<byte[], byte[]>> got = KAFKA.awaitRecords(output, expectedPredictions, DEADLINE);
        for (ConsumerRecord<byte[], byte[]> r : got) {
            Prediction p = codec.decode(r.value());
            predictions.put(p.getEventId(), p);
            answers.merge(p.getEventId(), 1, Integer::sum);
        }
        assertThat(got).as("predictions").hasSize(expectedPredictions);
        JobHarness.assertAnswersExactly(predictions, readings);
        answers.forEach(
                (id, n) -> assertThat(n).as("predictions of %s", id).isEqualTo(repeatedElsewhere.contains(id) ? 2 : 1));
        assertThat(JobHarness.maxReferenceError(bundle, readings, predictions))
                .isLessThanOrEqualTo(ReferenceModel.TOLERANCE);

        List<DeadLetter> deadLetters = JobHarness.deadLetters(KAFKA, dlq, duplicateCoordinates.size(), DEADLINE);
        assertThat(deadLetters).hasSize(duplicateCoordinates.size());
        Set<String> at = new HashSet<>();
        for (DeadLetter d : deadLetters) {
            assertThat(d.getReason()).isEqualTo(DeadLetterReason.DUPLICATE);
            assertThat(d.getTopic()).isEqualTo(input);
            assertThat(d.getMessage())
                    .isEqualTo("Event id " + d.getEventId() + " was already received within the dedupe horizon of "
                            + Duration.ofMinutes(5) + ".");
            at.add(d.getPartition() + "@" + d.getOffset());
        }
        assertThat(at).as("coordinates of the dead letters").isEqualTo(duplicateCoordinates);
    }

    private static ProducerRecord<byte[], byte[]> record(
            String topic, int partition, SensorReading reading, byte[] value) {
        return new ProducerRecord<>(topic, partition, reading.getEventId().getBytes(StandardCharsets.UTF_8), value);
    }
}
