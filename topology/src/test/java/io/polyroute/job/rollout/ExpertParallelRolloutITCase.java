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
import io.polyroute.avro.ShadowPair;
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
 * Rollouts on a running expert-parallel job of two stages (docs/rollouts.md), to a version with
 * another expert count, top-k and a shared expert: every record is served by one version across
 * both stages' GATE, EXPERT and COMBINE, exactly once, equal to the reference model of the version
 * its prediction names; a switch moves records from version 1 to 2; a canary sends exactly the
 * event ids of its hash share; a shadow writes exactly one pair per record it saw, each side
 * equal to its version's reference, while version 1 answers; promote and rollback move every
 * record; a START whose files differ from what the command names is refused with the reason while
 * the job keeps serving.
 */
@Timeout(300)
class ExpertParallelRolloutITCase {
    private static final int BATCH = 1_000;
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
                .name("ep")
                .version("1")
                .inputDim(12)
                .experts(6)
                .topK(2)
                .stages(2)
                .seed(15)
                .build(bundles.resolve("ep-1"));
        v2 = SyntheticBundleBuilder.create()
                .name("ep")
                .version("2")
                .inputDim(12)
                .experts(4)
                .topK(1)
                .stages(2)
                .sharedExpert(true)
                .seed(16)
                .build(bundles.resolve("ep-2"));
    }

    private record Job(
            JobConfig config,
            String input,
            String output,
            String rollouts,
            String status,
            String shadow,
            String name) {}

    private static Job job() {
        String input = KAFKA.createRandomTopic("sensors", 2);
        String output = KAFKA.createRandomTopic("predictions", 2);
        String rollouts = KAFKA.createRandomTopic("rollouts", 1);
        String status = KAFKA.createRandomTopic("rollout-status", 1);
        String shadow = KAFKA.createRandomTopic("shadow", 2);
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
                        "ep-" + output,
                        "job.mode",
                        "expert-parallel",
                        "job.parallelism",
                        "2",
                        "job.slots",
                        "2",
                        "job.checkpoint-interval",
                        "300 ms",
                        "bundle.path",
                        v1.root().toString())))
                .with("rollout.enabled", "true")
                .with("rollout.topic", rollouts)
                .with("rollout.status-topic", status)
                .with("rollout.shadow-topic", shadow);
        return new Job(config, input, output, rollouts, status, shadow, config.get(JobOptions.NAME));
    }

    private static JobClient start(Job job) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        PolyrouteJob.build(env, job.config(), v1);
        return env.executeAsync(job.name());
    }

    @Test
    void shouldSwitchEveryRecordAcrossBothStagesToTheNewVersionAndRefuseWhatItCannotServe() throws Exception {
        Job job = job();
        JobClient client = start(job);
        try {
            List<SensorReading> before = JobHarness.randomReadings("a", BATCH, 12, List.of(), 1);
            KAFKA.produceValues(job.input(), JobHarness.encode(before));
            JobHarness.predictionsById(KAFKA, job.output(), BATCH, DEADLINE);

            String switchId = publish(job, RolloutKind.START, RolloutMode.SWITCH, 0, v2, "");
            awaitStates(job, switchId, RolloutPhase.ACTIVE);
            List<SensorReading> after = JobHarness.randomReadings("b", BATCH, 12, List.of(), 2);
            KAFKA.produceValues(job.input(), JobHarness.encode(after));

            String badId = publish(job, RolloutKind.START, RolloutMode.SWITCH, 0, v1, "0".repeat(64));
            assertThat(awaitStates(job, badId, RolloutPhase.REFUSED))
                    .allSatisfy(s -> assertThat(s.getReason().toString())
                            .contains("differ from the bundle the command line validated"));
            List<SensorReading> last = JobHarness.randomReadings("c", BATCH, 12, List.of(), 3);
            KAFKA.produceValues(job.input(), JobHarness.encode(last));

            Map<String, Prediction> all = JobHarness.predictionsById(KAFKA, job.output(), 3 * BATCH, DEADLINE);
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
            // Both stages of version 2 routed its records: 1 expert per stage (top-1), version 1 took 2.
            assertThat(all.get("b-0").getExperts()).hasSize(2);
            assertThat(all.get("a-0").getExperts()).hasSize(4);
        } finally {
            client.cancel().get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        }
    }

    @Test
    void shouldServeACanaryByTheEventIdHashThenPromoteAndRollBack() throws Exception {
        Job job = job();
        JobClient client = start(job);
        double share = 0.3;
        try {
            String canaryId = publish(job, RolloutKind.START, RolloutMode.CANARY, share, v2, "");
            awaitStates(job, canaryId, RolloutPhase.ACTIVE);
            List<SensorReading> canary = JobHarness.randomReadings("k", BATCH, 12, List.of(), 4);
            KAFKA.produceValues(job.input(), JobHarness.encode(canary));
            Map<String, Prediction> first = JobHarness.predictionsById(KAFKA, job.output(), BATCH, DEADLINE);

            String promoteId = publish(job, RolloutKind.PROMOTE, RolloutMode.CANARY, 0, v2, "");
            awaitStates(job, promoteId, RolloutPhase.ACTIVE);
            List<SensorReading> promoted = JobHarness.randomReadings("p", BATCH, 12, List.of(), 5);
            KAFKA.produceValues(job.input(), JobHarness.encode(promoted));
            JobHarness.predictionsById(KAFKA, job.output(), 2 * BATCH, DEADLINE);

            String rollbackId = publish(job, RolloutKind.ROLLBACK, RolloutMode.SWITCH, 0, v2, "");
            awaitStates(job, rollbackId, RolloutPhase.ROLLED_BACK);
            List<SensorReading> back = JobHarness.randomReadings("r", BATCH, 12, List.of(), 6);
            KAFKA.produceValues(job.input(), JobHarness.encode(back));

            Map<String, Prediction> all = JobHarness.predictionsById(KAFKA, job.output(), 3 * BATCH, DEADLINE);
            List<SensorReading> everything = new ArrayList<>(canary);
            everything.addAll(promoted);
            everything.addAll(back);
            JobHarness.assertAnswersExactly(all, everything);

            List<SensorReading> inCanary = new ArrayList<>();
            List<SensorReading> outside = new ArrayList<>();
            for (SensorReading r : canary) {
                String id = r.getEventId().toString();
                String want = CanaryHash.inCanary(id, share) ? "2" : "1";
                assertThat(first.get(id).getModel().getVersion().toString())
                        .as("version of %s", id)
                        .isEqualTo(want);
                (want.equals("2") ? inCanary : outside).add(r);
            }
            assertThat(inCanary.size()).isBetween(BATCH / 5, BATCH * 2 / 5);
            assertThat(versions(all, promoted)).containsOnlyKeys("2");
            assertThat(versions(all, back)).containsOnlyKeys("1");
            List<SensorReading> served2 = new ArrayList<>(inCanary);
            served2.addAll(promoted);
            List<SensorReading> served1 = new ArrayList<>(outside);
            served1.addAll(back);
            assertThat(JobHarness.maxReferenceError(v1, served1, all)).isLessThanOrEqualTo(ReferenceModel.TOLERANCE);
            assertThat(JobHarness.maxReferenceError(v2, served2, all)).isLessThanOrEqualTo(ReferenceModel.TOLERANCE);
        } finally {
            client.cancel().get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        }
    }

    @Test
    void shouldWriteExactlyOneShadowPairPerShadowedRecordAcrossBothStagesThenPromote() throws Exception {
        Job job = job();
        JobClient client = start(job);
        try {
            List<SensorReading> before = JobHarness.randomReadings("a", BATCH, 12, List.of(), 7);
            KAFKA.produceValues(job.input(), JobHarness.encode(before));
            JobHarness.predictionsById(KAFKA, job.output(), BATCH, DEADLINE);

            String shadowId = publish(job, RolloutKind.START, RolloutMode.SHADOW, 0, v2, "");
            awaitStates(job, shadowId, RolloutPhase.ACTIVE);
            List<SensorReading> shadowed = JobHarness.randomReadings("s", BATCH, 12, List.of(), 8);
            KAFKA.produceValues(job.input(), JobHarness.encode(shadowed));
            JobHarness.predictionsById(KAFKA, job.output(), 2 * BATCH, DEADLINE);

            String promoteId = publish(job, RolloutKind.PROMOTE, RolloutMode.SHADOW, 0, v2, "");
            awaitStates(job, promoteId, RolloutPhase.ACTIVE);
            List<SensorReading> promoted = JobHarness.randomReadings("p", BATCH, 12, List.of(), 9);
            KAFKA.produceValues(job.input(), JobHarness.encode(promoted));

            Map<String, Prediction> all = JobHarness.predictionsById(KAFKA, job.output(), 3 * BATCH, DEADLINE);
            List<SensorReading> everything = new ArrayList<>(before);
            everything.addAll(shadowed);
            everything.addAll(promoted);
            JobHarness.assertAnswersExactly(all, everything);
            // The served version answers every record while the shadow is live.
            assertThat(versions(all, before)).containsOnlyKeys("1");
            assertThat(versions(all, shadowed)).containsOnlyKeys("1");
            assertThat(versions(all, promoted)).containsOnlyKeys("2");
            List<SensorReading> served1 = new ArrayList<>(before);
            served1.addAll(shadowed);
            assertThat(JobHarness.maxReferenceError(v1, served1, all)).isLessThanOrEqualTo(ReferenceModel.TOLERANCE);
            assertThat(JobHarness.maxReferenceError(v2, promoted, all)).isLessThanOrEqualTo(ReferenceModel.TOLERANCE);

            // One pair per record that arrived while the shadow was live, none before it or after the
            // promote; each side equals its version's reference, through both stages.
            Map<String, ShadowPair> pairs = RolloutJob.shadowPairs(KAFKA, job.shadow(), shadowed.size());
            List<String> shadowedIds = new ArrayList<>();
            shadowed.forEach(r -> shadowedIds.add(r.getEventId().toString()));
            assertThat(pairs.keySet()).containsExactlyInAnyOrderElementsOf(shadowedIds);
            RolloutJob.assertPairsEqualTheirReferences(pairs, shadowed, all, v1, v2);
            for (ShadowPair p : pairs.values()) {
                // Version 1 takes 2 experts per stage, version 2 one (top-1), over both stages.
                assertThat(p.getServed().getExperts()).hasSize(4);
                assertThat(p.getShadow().getExperts()).hasSize(2);
                assertThat(p.getShadow().getStages()).containsExactly(0, 1);
                assertThat(p.getSameRouting()).isFalse();
            }
            // Flags of the served predictions are the job's own: nothing of the shadow leaks out.
            for (SensorReading r : shadowed) {
                assertThat(all.get(r.getEventId().toString()).getFlags()).isEmpty();
            }
        } finally {
            client.cancel().get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        }
    }

    private static Map<String, Integer> versions(Map<String, Prediction> all, List<SensorReading> readings) {
        Map<String, Integer> out = new HashMap<>();
        for (SensorReading r : readings) {
            Prediction p = all.get(r.getEventId().toString());
            assertThat(p.getModel().getName().toString()).isEqualTo("ep");
            out.merge(p.getModel().getVersion().toString(), 1, Integer::sum);
        }
        return out;
    }

    private static String publish(
            Job job, RolloutKind kind, RolloutMode mode, double share, ModelBundle b, String digest) {
        String id = UUID.randomUUID().toString();
        RolloutTopics.publish(
                KAFKA.clientProperties(),
                job.rollouts(),
                RolloutCommand.newBuilder()
                        .setJobName(job.name())
                        .setCommandId(id)
                        .setKind(kind)
                        .setMode(mode)
                        .setShare(share)
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

    /** Waits until both subtasks of the first stage's GATE reported {@code want} for command {@code id}. */
    private static List<RolloutStatus> awaitStates(Job job, String id, RolloutPhase want) throws Exception {
        Map<Integer, RolloutStatus> latest = new HashMap<>();
        Poll.until(DEADLINE, "both subtasks report " + want + " for " + id, () -> {
            for (RolloutStatus s : RolloutTopics.readStatuses(
                    KAFKA.clientProperties(), job.status(), job.name(), AvroEncoding.BINARY, Duration.ofSeconds(30))) {
                if (s.getCommandId().toString().equals(id) && s.getState() == want) {
                    latest.put(s.getSubtask(), s);
                }
            }
            return latest.size() == 2;
        });
        return new ArrayList<>(latest.values());
    }
}
