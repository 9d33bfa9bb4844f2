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
import io.polyroute.job.operators.JobMetrics;
import io.polyroute.runtime.bundle.ModelBundle;
import io.polyroute.runtime.eval.ReferenceModel;
import io.polyroute.testing.JobHarness;
import io.polyroute.testing.KafkaBrokerExtension;
import io.polyroute.testing.LeakCheckExtension;
import io.polyroute.testing.SqrtExpertBundle;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Bad input never stops the job and never vanishes (docs/design.md §7), in both execution modes. One input
 * topic mixes good readings with every kind of bad record: undecodable bytes, a truncated record,
 * a tombstone, a wrong feature dimension, NaN and infinite features, an empty and a blank
 * event_id, an oversized record, an unknown and a missing task for a bundle that routes on the
 * task, duplicates of an event_id, and a record the model fails on (its experts take a square root
 * that turns NaN). The bounded job finishes normally; every bad record is a dead letter with the
 * right reason, a message, its original key and value bytes and its topic, partition and offset;
 * every good record is predicted exactly once and matches reference.onnx; and records in equals
 * predictions plus dead letters, as does the job's count of refused records.
 */
@Timeout(300)
@ExtendWith(LeakCheckExtension.class)
class DeadLetterITCase {
    private static final List<String> TASKS = List.of("press", "lathe", "mill");
    private static final int GOOD = 600;
    private static final int PARTITIONS = 2;
    /** Small enough to refuse a reading with a long attribute, large enough for every ordinary one. */
    private static final int MAX_RECORD_BYTES = 512;

    private static final Duration DEADLINE = Duration.ofSeconds(120);

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    /** Keeps the job's metrics after it finishes, so the dead-letter counters can be read. */
    private static final InMemoryReporter METRICS = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setConfiguration(METRICS.addToConfiguration(new Configuration()))
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(2)
            .build());

    @TempDir
    static Path bundles;

    private static ModelBundle bundle;
    private static String input;
    private static List<SensorReading> goodReadings;
    /** What the job must make of each bad record, by where it landed. */
    private static Map<Coordinates, Expected> expectedDeadLetters;

    private static int recordsIn;

    /** A record's place in the input topic. */
    private record Coordinates(int partition, long offset) {}

    /** The dead letter a bad record must become. */
    private record Expected(DeadLetterReason reason, String eventId, String messagePart, byte[] key, byte[] value) {}

    @BeforeAll
    static void writeMixedInput() throws Exception {
        bundle = SqrtExpertBundle.write(bundles.resolve("sqrt"), TASKS);
        goodReadings = JobHarness.randomReadings("dl", GOOD, bundle.inputDim(), TASKS, 7);
        input = KAFKA.createRandomTopic("sensors", PARTITIONS);
        Input in = new Input(input);
        for (int i = 0; i < GOOD; i++) {
            in.good(goodReadings.get(i));
            // Spread the bad records over the whole input, so the job serves good ones after each.
            if (i % 50 == 25) {
                in.addBadRecords(i / 50, goodReadings.get(i));
            }
        }
        List<RecordMetadata> landed = KAFKA.produce(in.records);
        expectedDeadLetters = new HashMap<>();
        for (int i = 0; i < landed.size(); i++) {
            if (in.expected.get(i) != null) {
                expectedDeadLetters.put(
                        new Coordinates(landed.get(i).partition(), landed.get(i).offset()), in.expected.get(i));
            }
        }
        recordsIn = in.records.size();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"expert-parallel", "fused"})
    void shouldDeadLetterEveryBadRecordAndPredictEveryGoodOneOnce(String mode) throws Exception {
        String output = KAFKA.createRandomTopic("predictions", PARTITIONS);
        String dlq = KAFKA.createRandomTopic("dlq", 1);
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
                        "dl-" + output,
                        "job.mode",
                        mode,
                        "job.parallelism",
                        "2",
                        "job.slots",
                        "2",
                        "job.checkpoint-interval",
                        "500 ms",
                        "bundle.path",
                        bundle.root().toString()))
                .with("input.max-record-bytes", Integer.toString(MAX_RECORD_BYTES));

        JobID job = JobHarness.runBounded(config, bundle).getJobID();

        Map<String, Prediction> predictions = JobHarness.predictionsById(KAFKA, output, GOOD, DEADLINE);
        List<DeadLetter> deadLetters = JobHarness.deadLetters(KAFKA, dlq, expectedDeadLetters.size(), DEADLINE);
        assertThat(predictions.size() + deadLetters.size())
                .as("predictions + dead letters")
                .isEqualTo(recordsIn);
        JobHarness.assertAnswersExactly(predictions, goodReadings);
        assertThat(JobHarness.maxReferenceError(bundle, goodReadings, predictions))
                .isLessThanOrEqualTo(ReferenceModel.TOLERANCE);

        Map<Coordinates, DeadLetter> byCoordinates = new HashMap<>();
        for (DeadLetter d : deadLetters) {
            assertThat(d.getTopic()).isEqualTo(input);
            DeadLetter previous = byCoordinates.put(new Coordinates(d.getPartition(), d.getOffset()), d);
            assertThat(previous)
                    .as("a second dead letter for offset %d of partition %d", d.getOffset(), d.getPartition())
                    .isNull();
        }
        assertThat(byCoordinates.keySet())
                .as("coordinates of the dead letters")
                .isEqualTo(expectedDeadLetters.keySet());
        byCoordinates.forEach((at, d) -> assertDeadLetter(at, d, expectedDeadLetters.get(at)));
        // INCOMPLETE needs an expert result that never arrives; CombineFunctionTest covers it.
        assertThat(deadLetters)
                .extracting(DeadLetter::getReason)
                .as("every reason but INCOMPLETE is covered")
                .containsAll(EnumSet.complementOf(EnumSet.of(DeadLetterReason.INCOMPLETE)));
        assertThat(counted(job, JobMetrics.RECORDS_REJECTED))
                .as("%s summed over the job", JobMetrics.RECORDS_REJECTED)
                .isEqualTo(deadLetters.size());
        assertThat(counted(job, JobMetrics.DUPLICATES))
                .as(JobMetrics.DUPLICATES)
                .isEqualTo(deadLetters.stream()
                        .filter(d -> d.getReason() == DeadLetterReason.DUPLICATE)
                        .count());
    }

    /** The sum of a counter over every operator and subtask of the job. */
    private static long counted(JobID job, String counter) {
        return METRICS.findJobMetricGroups(job, "^" + counter + "$").stream()
                .mapToLong(m -> ((Counter) m.f2).getCount())
                .sum();
    }

    private static void assertDeadLetter(Coordinates at, DeadLetter got, Expected want) {
        String where = want.reason + " at " + at;
        assertThat(got.getReason()).as(where).isEqualTo(want.reason);
        assertThat(got.getEventId()).as("event id of %s", where).isEqualTo(want.eventId);
        assertThat(got.getMessage()).as("message of %s", where).isNotBlank().contains(want.messagePart);
        assertThat(bytes(got.getKey())).as("key of %s", where).isEqualTo(want.key);
        assertThat(bytes(got.getValue())).as("value of %s", where).isEqualTo(want.value);
        assertThat(got.getTime()).as("time of %s", where).isAfter(Instant.now().minus(Duration.ofHours(1)));
    }

    private static byte[] bytes(ByteBuffer b) {
        if (b == null) {
            return null;
        }
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    /** Builds the input: records in write order, each with the dead letter it must become (or null). */
    private static final class Input {
        final List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        final List<Expected> expected = new ArrayList<>();
        private final String topic;
        private final Map<String, Integer> partitionOf = new HashMap<>();
        private final Map<String, byte[]> valueOf = new HashMap<>();

        Input(String topic) {
            this.topic = topic;
        }

        void good(SensorReading r) {
            byte[] value = encode(r);
            partitionOf.put(r.getEventId(), put(nextPartition(), value, null, null, null));
            valueOf.put(r.getEventId(), value);
        }

        /** One of each bad kind; {@code round} makes their ids unique, {@code original} is an earlier good one. */
        void addBadRecords(int round, SensorReading original) {
            String id = "bad-" + round + "-";
            bad(utf8("this is not an Avro SensorReading"), DeadLetterReason.UNDECODABLE, null, "");
            byte[] whole = encode(reading(id + "truncated", r -> {}));
            bad(Arrays.copyOf(whole, whole.length - 3), DeadLetterReason.UNDECODABLE, null, "");
            bad(null, DeadLetterReason.NULL_VALUE, null, "no value");
            bad(
                    encode(reading(id + "wide", r -> r.getFeatures().add(1f))),
                    DeadLetterReason.WRONG_DIMENSION,
                    id + "wide",
                    (SqrtExpertBundle.INPUT_DIM + 1) + " features");
            bad(
                    encode(reading(id + "nan", r -> r.getFeatures().set(3, Float.NaN))),
                    DeadLetterReason.NON_FINITE,
                    id + "nan",
                    "NaN");
            bad(
                    encode(reading(id + "inf", r -> r.getFeatures().set(5, Float.NEGATIVE_INFINITY))),
                    DeadLetterReason.NON_FINITE,
                    id + "inf",
                    "Infinity");
            bad(encode(reading("", r -> {})), DeadLetterReason.MISSING_ID, null, "event_id");
            bad(encode(reading("   ", r -> {})), DeadLetterReason.MISSING_ID, null, "event_id");
            bad(
                    encode(reading(id + "big", r -> r.setAttributes(Map.of("note", "x".repeat(MAX_RECORD_BYTES))))),
                    DeadLetterReason.OVERSIZED,
                    null,
                    "input.max-record-bytes");
            bad(
                    encode(reading(id + "drill", r -> r.setTask("drill"))),
                    DeadLetterReason.UNKNOWN_TASK,
                    id + "drill",
                    "'drill'");
            bad(
                    encode(reading(id + "no-task", r -> r.setTask(null))),
                    DeadLetterReason.UNKNOWN_TASK,
                    id + "no-task",
                    "'null'");
            bad(
                    encode(reading(id + "sqrt", r -> r.getFeatures().set(0, -2 * SqrtExpertBundle.SHIFT))),
                    DeadLetterReason.MODEL_ERROR,
                    id + "sqrt",
                    "non-finite output");
            // Duplicates go to the original's partition, after it, so the original is the one served.
            String dup = original.getEventId();
            int partition = partitionOf.get(dup);
            put(partition, valueOf.get(dup), DeadLetterReason.DUPLICATE, dup, "already received");
            put(
                    partition,
                    encode(reading(dup, r -> r.getFeatures().set(1, 0.5f))),
                    DeadLetterReason.DUPLICATE,
                    dup,
                    "already received");
        }

        private void bad(byte[] value, DeadLetterReason reason, String eventId, String messagePart) {
            put(nextPartition(), value, reason, eventId, messagePart);
        }

        private int nextPartition() {
            return records.size() % PARTITIONS;
        }

        /** Adds a record with a unique key; {@code reason} is null for a good record. */
        private int put(int partition, byte[] value, DeadLetterReason reason, String eventId, String messagePart) {
            byte[] key = utf8("key-" + records.size());
            records.add(new ProducerRecord<>(topic, partition, key, value));
            expected.add(reason == null ? null : new Expected(reason, eventId, messagePart, key, value));
            return partition;
        }
    }

    /** A valid reading of a known task, changed by {@code change}. */
    private static SensorReading reading(String eventId, Consumer<SensorReading> change) {
        List<Float> features = new ArrayList<>();
        for (int j = 0; j < SqrtExpertBundle.INPUT_DIM; j++) {
            features.add(0.25f * j - 1f);
        }
        SensorReading r = SensorReading.newBuilder()
                .setEventId(eventId)
                .setSourceId("machine-bad")
                .setTask(TASKS.get(0))
                .setEventTime(Instant.now())
                .setFeatures(features)
                .build();
        change.accept(r);
        return r;
    }

    private static byte[] encode(SensorReading r) {
        return JobHarness.encode(List.of(r)).get(0);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
