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
package io.polyroute.job.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import io.polyroute.avro.Prediction;
import io.polyroute.avro.RolloutCommand;
import io.polyroute.avro.RolloutKind;
import io.polyroute.avro.RolloutMode;
import io.polyroute.avro.RolloutPhase;
import io.polyroute.avro.RolloutStatus;
import io.polyroute.avro.SensorReading;
import io.polyroute.job.PolyrouteJob;
import io.polyroute.job.config.JobConfig;
import io.polyroute.job.config.JobOptions;
import io.polyroute.kafka.RolloutTopics;
import io.polyroute.kit.synthetic.SyntheticBundleBuilder;
import io.polyroute.runtime.bundle.ModelBundle;
import io.polyroute.runtime.eval.ReferenceModel;
import io.polyroute.schemas.AvroEncoding;
import io.polyroute.testing.JobHarness;
import io.polyroute.testing.KafkaBrokerExtension;
import io.polyroute.testing.Poll;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A switch on a running fused job: records before the switch are served by version 1, records
 * after it by version 2, each exactly once and each equal to the reference model of the version its
 * prediction names; a START whose files differ from what the command names is refused on every
 * subtask with the reason, and the job keeps serving version 2.
 */
@Timeout(240)
class RolloutITCase {
    private static final int BATCH = 1_500;
    private static final Duration DEADLINE = Duration.ofSeconds(90);

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(2)
            .build());

    @TempDir
    static Path bundles;

    private static ModelBundle v1;
    private static ModelBundle v2;

    @BeforeAll
    static void buildVersions() throws Exception {
        v1 = SyntheticBundleBuilder.create()
                .name("ro")
                .version("1")
                .inputDim(12)
                .experts(6)
                .topK(2)
                .seed(5)
                .build(bundles.resolve("ro-1"));
        v2 = SyntheticBundleBuilder.create()
                .name("ro")
                .version("2")
                .inputDim(12)
                .experts(4)
                .topK(1)
                .seed(6)
                .build(bundles.resolve("ro-2"));
    }

    @Test
    void shouldServeEveryRecordOnceByTheVersionItNamesAcrossASwitch() throws Exception {
        String input = KAFKA.createRandomTopic("sensors", 2);
        String output = KAFKA.createRandomTopic("predictions", 2);
        String rollouts = KAFKA.createRandomTopic("rollouts", 1);
        String status = KAFKA.createRandomTopic("rollout-status", 1);
        JobConfig config = JobHarness.withControlTopics(JobConfig.of(Map.of(
                        "kafka.bootstrap-servers",
                        KAFKA.bootstrapServers(),
                        "topics.input",
                        input,
                        "topics.output",
                        output,
                        "topics.dlq",
                        KAFKA.createRandomTopic("dlq", 1),
                        "job.name",
                        "ro-" + output,
                        "job.mode",
                        "fused",
                        "job.parallelism",
                        "2",
                        "job.checkpoint-interval",
                        "300 ms",
                        "bundle.path",
                        v1.root().toString())))
                .with("rollout.enabled", "true")
                .with("rollout.topic", rollouts)
                .with("rollout.status-topic", status)
                .with("rollout.shadow-topic", KAFKA.createRandomTopic("shadow", 2));
        String job = config.get(JobOptions.NAME);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        PolyrouteJob.build(env, config, v1);
        JobClient client = env.executeAsync(job);
        try {
            List<SensorReading> before = JobHarness.randomReadings("a", BATCH, 12, List.of(), 1);
            KAFKA.produceValues(input, JobHarness.encode(before));
            JobHarness.predictionsById(KAFKA, output, BATCH, DEADLINE);

            String switchId = publish(rollouts, job, v2, "");
            awaitStates(status, job, switchId, RolloutPhase.ACTIVE);
            List<SensorReading> after = JobHarness.randomReadings("b", BATCH, 12, List.of(), 2);
            KAFKA.produceValues(input, JobHarness.encode(after));

            String badId = publish(rollouts, job, v1, "0".repeat(64));
            List<RolloutStatus> refused = awaitStates(status, job, badId, RolloutPhase.REFUSED);
            assertThat(refused)
                    .allSatisfy(s -> assertThat(s.getReason().toString())
                            .contains("differ from the bundle the command line validated"));
            List<SensorReading> last = JobHarness.randomReadings("c", BATCH, 12, List.of(), 3);
            KAFKA.produceValues(input, JobHarness.encode(last));

            Map<String, Prediction> all = JobHarness.predictionsById(KAFKA, output, 3 * BATCH, DEADLINE);
            List<SensorReading> everything = new ArrayList<>(before);
            everything.addAll(after);
            everything.addAll(last);
            JobHarness.assertAnswersExactly(all, everything);
            assertThat(versions(all, before)).containsOnlyKeys("1");
            assertThat(versions(all, after)).containsOnlyKeys("2");
            assertThat(versions(all, last)).containsOnlyKeys("2");
            List<SensorReading> served2 = new ArrayList<>(after);
            served2.addAll(last);
            assertThat(JobHarness.maxReferenceError(v1, before, all)).isLessThanOrEqualTo(ReferenceModel.TOLERANCE);
            assertThat(JobHarness.maxReferenceError(v2, served2, all)).isLessThanOrEqualTo(ReferenceModel.TOLERANCE);
        } finally {
            client.cancel().get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        }
    }

    private static Map<String, Integer> versions(Map<String, Prediction> all, List<SensorReading> readings) {
        Map<String, Integer> out = new HashMap<>();
        for (SensorReading r : readings) {
            Prediction p = all.get(r.getEventId().toString());
            assertThat(p.getModel().getName().toString()).isEqualTo("ro");
            out.merge(p.getModel().getVersion().toString(), 1, Integer::sum);
        }
        return out;
    }

    private static String publish(String topic, String job, ModelBundle b, String digest) {
        String id = UUID.randomUUID().toString();
        RolloutTopics.publish(
                KAFKA.clientProperties(),
                topic,
                RolloutCommand.newBuilder()
                        .setJobName(job)
                        .setCommandId(id)
                        .setKind(RolloutKind.START)
                        .setMode(RolloutMode.SWITCH)
                        .setShare(0)
                        .setBundlePath(b.root().toString())
                        .setBundleName(b.name())
                        .setBundleVersion(b.version())
                        .setChecksumsDigest(
                                digest.isEmpty()
                                        ? ChecksumsDigest.of(b.manifest().checksums())
                                        : digest)
                        .setIssuedTime(Instant.now())
                        .build(),
                AvroEncoding.BINARY,
                Duration.ofSeconds(30));
        return id;
    }

    /** Waits until both subtasks reported {@code want} for command {@code id}. */
    private static List<RolloutStatus> awaitStates(String topic, String job, String id, RolloutPhase want)
            throws Exception {
        Map<Integer, RolloutStatus> latest = new HashMap<>();
        Poll.until(DEADLINE, "both subtasks report " + want + " for " + id, () -> {
            for (RolloutStatus s : RolloutTopics.readStatuses(
                    KAFKA.clientProperties(), topic, job, AvroEncoding.BINARY, Duration.ofSeconds(30))) {
                if (s.getCommandId().toString().equals(id) && s.getState() == want) {
                    latest.put(s.getSubtask(), s);
                }
            }
            return latest.size() == 2;
        });
        return new ArrayList<>(latest.values());
    }
}
