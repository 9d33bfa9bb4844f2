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

import static io.polyroute.job.rollout.RolloutJob.assertEachEqualsItsVersionsReference;
import static io.polyroute.job.rollout.RolloutJob.id;
import static io.polyroute.job.rollout.RolloutJob.version;
import static io.polyroute.job.rollout.RolloutJob.versions;
import static org.assertj.core.api.Assertions.assertThat;

import io.polyroute.avro.Prediction;
import io.polyroute.avro.RolloutMode;
import io.polyroute.avro.RolloutPhase;
import io.polyroute.avro.RolloutStatus;
import io.polyroute.avro.SensorReading;
import io.polyroute.avro.ShadowPair;
import io.polyroute.kit.synthetic.SyntheticBundleBuilder;
import io.polyroute.runtime.bundle.ModelBundle;
import io.polyroute.testing.KafkaBrokerExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Rollouts on a running job, end to end (docs/rollouts.md), in every mode that serves them: a switch
 * to a version with another expert count and top-k, refusals of tampered files, a canary and its
 * promotion, a shadow and its rollback, and a version whose load fails on one subtask (refused on
 * every subtask by the vote). Every test
 * checks that each input has exactly one committed prediction and that each prediction equals the
 * reference model of the version it names.
 */
@Timeout(240)
class RolloutITCase {
    private static final int BATCH = 1_500;
    private static final double CANARY_SHARE = 0.3;

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(RolloutJob.PARALLELISM)
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
        // Another expert count and top-k: the job serves it from the same input all the same.
        v2 = SyntheticBundleBuilder.create()
                .name("ro")
                .version("2")
                .inputDim(12)
                .experts(4)
                .topK(1)
                .seed(6)
                .build(bundles.resolve("ro-2"));
    }

    static Stream<String> modes() {
        return RolloutJob.modes();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("modes")
    void shouldSwitchToAVersionWithAnotherExpertCountAndRefuseTamperedFiles(String mode) throws Exception {
        assertThat(v2.stage(0).expertCount()).isNotEqualTo(v1.stage(0).expertCount());
        try (RolloutJob job = RolloutJob.start(KAFKA, mode, v1)) {
            List<SensorReading> before = job.feed("a", BATCH);
            job.awaitPredictions();

            String switchId = job.start(v2, RolloutMode.SWITCH, 0);
            job.awaitStates(switchId, RolloutPhase.ACTIVE);
            List<SensorReading> after = job.feed("b", BATCH);

            // The command names other files than those at the path: refused by the digest.
            String badDigest = job.start(v1.root().toString(), v1, RolloutMode.SWITCH, 0, "0".repeat(64));
            assertThat(job.awaitStates(badDigest, RolloutPhase.REFUSED).values())
                    .allSatisfy(s -> assertThat(s.getReason().toString())
                            .contains("differ from the bundle the command line validated"));
            // A file changed after the manifest was written: refused naming the file.
            Path tampered = tamperedCopy(v1);
            String badFile = job.start(
                    tampered.toString(),
                    v1,
                    RolloutMode.SWITCH,
                    0,
                    ChecksumsDigest.of(v1.manifest().checksums()));
            assertThat(job.awaitStates(badFile, RolloutPhase.REFUSED).values())
                    .allSatisfy(s -> assertThat(s.getReason().toString())
                            .contains(tampered.toString())
                            .contains("SHA-256 mismatch"));
            List<SensorReading> last = job.feed("c", BATCH);

            Map<String, Prediction> all = job.awaitPredictions();
            assertThat(versions(all, before)).containsOnlyKeys(id(v1));
            assertThat(versions(all, after)).containsOnlyKeys(id(v2));
            assertThat(versions(all, last)).containsOnlyKeys(id(v2));
            assertEachEqualsItsVersionsReference(all, job.fed, v1, v2);
            for (Prediction p : all.values()) {
                ModelBundle b = version(p).equals(id(v1)) ? v1 : v2;
                assertThat(p.getExperts())
                        .as("the experts of %s", p.getEventId())
                        .hasSize(b.stage(0).topK())
                        .allSatisfy(c -> assertThat(c.getExpert())
                                .isBetween(0, b.stage(0).expertCount() - 1));
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("modes")
    void shouldServeTheCanaryShareByEventIdHashAndAllRecordsOncePromoted(String mode) throws Exception {
        try (RolloutJob job = RolloutJob.start(KAFKA, mode, v1)) {
            List<SensorReading> before = job.feed("a", BATCH);
            job.awaitPredictions();

            String canary = job.start(v2, RolloutMode.CANARY, CANARY_SHARE);
            job.awaitStates(canary, RolloutPhase.ACTIVE);
            List<SensorReading> during = job.feed("b", 2 * BATCH);
            Map<String, Prediction> all = job.awaitPredictions();
            Set<String> inBucket = ids(during.stream()
                    .filter(r -> CanaryHash.inCanary(r.getEventId(), CANARY_SHARE))
                    .toList());
            Set<String> servedByV2 = ids(during.stream()
                    .filter(r -> version(all.get(r.getEventId())).equals(id(v2)))
                    .toList());
            assertThat(servedByV2).as("event ids served by the canary").isEqualTo(inBucket);
            assertThat(inBucket.size()).isBetween((int) (0.25 * during.size()), (int) (0.35 * during.size()));
            assertThat(versions(all, before)).containsOnlyKeys(id(v1));

            String promote = job.promote();
            job.awaitStates(promote, RolloutPhase.ACTIVE);
            List<SensorReading> promoted = job.feed("c", BATCH);
            Map<String, Prediction> end = job.awaitPredictions();
            assertThat(versions(end, promoted)).containsOnlyKeys(id(v2));
            assertEachEqualsItsVersionsReference(end, job.fed, v1, v2);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("modes")
    void shouldWriteExactlyOneShadowPairPerShadowedRecordAndServeTheOldVersion(String mode) throws Exception {
        try (RolloutJob job = RolloutJob.start(KAFKA, mode, v1)) {
            job.feed("a", BATCH);
            job.awaitPredictions();

            String shadow = job.start(v2, RolloutMode.SHADOW, 0);
            job.awaitStates(shadow, RolloutPhase.ACTIVE);
            List<SensorReading> shadowed = job.feed("b", BATCH);
            job.awaitPredictions();
            String rollback = job.rollback();
            job.awaitStates(rollback, RolloutPhase.ROLLED_BACK);
            job.feed("c", BATCH);
            Map<String, Prediction> all = job.awaitPredictions();
            assertThat(versions(all, job.fed)).containsOnlyKeys(id(v1));
            assertEachEqualsItsVersionsReference(all, job.fed, v1);

            // The pairs commit with the predictions' checkpoints: all of them are readable now, and
            // records before the shadow went live or after its rollback have none.
            Map<String, ShadowPair> pairs = job.awaitShadowPairs(shadowed.size());
            assertThat(pairs.keySet()).isEqualTo(ids(shadowed));
            RolloutJob.assertPairsEqualTheirReferences(pairs, shadowed, all, v1, v2);
        }
    }

    /**
     * docs/rollouts.md, "Refusal on one subtask": a load that fails on one subtask only refuses the
     * version on every subtask by the job-wide vote, with that subtask's reason; the job keeps
     * serving version 1 and no record is lost or served twice meanwhile.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("modes")
    void shouldRefuseOnEverySubtaskWhenTheLoadFailsOnOneAndLoseNothing(String mode) throws Exception {
        int failing = 1;
        RolloutController.loadFault = (subtask, v) -> {
            if (subtask == failing && v.version().equals(v2.version())) {
                throw new IOException("Injected: cannot read " + v.path() + " on subtask " + subtask);
            }
        };
        try (RolloutJob job = RolloutJob.start(KAFKA, mode, v1)) {
            List<SensorReading> before = job.feed("a", BATCH);
            job.awaitPredictions();

            String start = job.start(v2, RolloutMode.SWITCH, 0);
            List<SensorReading> during = job.feed("b", BATCH);
            Map<Integer, RolloutStatus> outcome =
                    job.awaitStates(start, List.of(RolloutPhase.ACTIVE, RolloutPhase.REFUSED));
            assertThat(outcome).hasSize(RolloutJob.PARALLELISM);
            assertThat(outcome.values()).allSatisfy(s -> {
                assertThat(s.getState()).isEqualTo(RolloutPhase.REFUSED);
                assertThat(s.getReason().toString())
                        .contains("failed on subtask " + failing)
                        .contains("Injected: cannot read " + v2.root());
                assertThat(s.getServing().toString()).isEqualTo(id(v1));
            });
            // The votes share the rollouts topic; readers of commands see only the command.
            List<org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]>> onTopic =
                    KAFKA.awaitRecords(job.rollouts, 1 + RolloutJob.PARALLELISM, java.time.Duration.ofSeconds(30));
            assertThat(onTopic.stream().filter(r -> io.polyroute.kafka.RolloutTopics.isVote(r.headers())))
                    .as("votes on the rollouts topic")
                    .hasSizeGreaterThanOrEqualTo(RolloutJob.PARALLELISM);
            assertThat(io.polyroute.kafka.RolloutTopics.readCommands(
                                    KAFKA.clientProperties(),
                                    job.rollouts,
                                    job.name,
                                    io.polyroute.schemas.AvroEncoding.BINARY,
                                    java.time.Duration.ofSeconds(30))
                            .stream()
                            .map(c -> c.getCommandId().toString()))
                    .containsExactly(start);
            List<SensorReading> after = job.feed("c", BATCH);

            Map<String, Prediction> all = job.awaitPredictions();
            assertThat(versions(all, before)).containsOnlyKeys(id(v1));
            assertThat(versions(all, during)).containsOnlyKeys(id(v1));
            assertThat(versions(all, after)).containsOnlyKeys(id(v1));
            assertThat(all).hasSize(job.fed.size());
            assertEachEqualsItsVersionsReference(all, job.fed, v1, v2);

            // The job still rolls out a version every subtask loads.
            RolloutController.loadFault = null;
            String again = job.start(v2, RolloutMode.SWITCH, 0);
            assertThat(job.awaitStates(again, RolloutPhase.ACTIVE)).hasSize(RolloutJob.PARALLELISM);
            List<SensorReading> last = job.feed("d", BATCH);
            Map<String, Prediction> end = job.awaitPredictions();
            assertThat(versions(end, last)).containsOnlyKeys(id(v2));
            assertEachEqualsItsVersionsReference(end, job.fed, v1, v2);
        } finally {
            RolloutController.loadFault = null;
        }
    }

    /** A copy of {@code b} under another folder with one model file changed after the manifest was written. */
    private static Path tamperedCopy(ModelBundle b) throws IOException {
        Path copy = bundles.resolve(b.name() + "-" + b.version() + "-tampered");
        try (Stream<Path> tree = Files.walk(b.root())) {
            for (Path p : (Iterable<Path>) tree::iterator) {
                Path target = copy.resolve(b.root().relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
        String victim = b.manifest().checksums().keySet().stream()
                .filter(f -> f.endsWith(".onnx") && !f.contains("reference"))
                .sorted()
                .findFirst()
                .orElseThrow();
        Files.write(
                copy.resolve(b.root().relativize(b.versionDir()).toString()).resolve(victim),
                new byte[] {0},
                StandardOpenOption.APPEND);
        return copy;
    }

    private static Set<String> ids(List<SensorReading> readings) {
        return readings.stream().map(SensorReading::getEventId).collect(Collectors.toSet());
    }
}
