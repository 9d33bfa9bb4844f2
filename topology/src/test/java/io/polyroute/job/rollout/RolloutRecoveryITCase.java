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

import static io.polyroute.job.rollout.RolloutJob.DEADLINE;
import static io.polyroute.job.rollout.RolloutJob.assertEachEqualsItsVersionsReference;
import static io.polyroute.job.rollout.RolloutJob.id;
import static io.polyroute.job.rollout.RolloutJob.version;
import static io.polyroute.job.rollout.RolloutJob.versions;
import static org.assertj.core.api.Assertions.assertThat;

import io.polyroute.avro.Prediction;
import io.polyroute.avro.RolloutMode;
import io.polyroute.avro.RolloutPhase;
import io.polyroute.avro.SensorReading;
import io.polyroute.avro.ShadowPair;
import io.polyroute.job.JobHooks;
import io.polyroute.job.model.InFlight;
import io.polyroute.kit.synthetic.SyntheticBundleBuilder;
import io.polyroute.runtime.bundle.ModelBundle;
import io.polyroute.testing.JobHarness;
import io.polyroute.testing.KafkaBrokerExtension;
import io.polyroute.testing.Poll;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A TaskManager lost during a rollout (docs/rollouts.md, "Checkpoints"), in both execution modes.
 *
 * <p>During a switch or a canary: the first record the new version serves is held on its way to
 * the sink, so the barrier that activated it may or may not have completed its checkpoint, and the
 * only TaskManager is terminated and a fresh one started. During a shadow: after every subtask
 * reported it live and a checkpoint after that committed, the first prediction of the next readings
 * is held (its pair written but not committed) and the TaskManager is terminated. While the new
 * version is still loading: every serving subtask's load is held, a checkpoint with the rollout in
 * {@code LOADING} completes, and the TaskManager is terminated before the barrier that would
 * activate it; the restored subtasks load it again and switch. After recovery every input has
 * exactly one committed prediction, each equal to the reference of the version it names (so no
 * record is committed by two versions), records before the command (and, for the loading case,
 * while the load was held) are all served by version 1, the recovered job goes on to serve by the
 * rule of its rollout, and a shadow leaves exactly one committed pair per shadowed reading, each
 * side equal to its version's reference.
 */
@Timeout(300)
class RolloutRecoveryITCase {
    private static final int BATCH = 1_500;
    private static final double CANARY_SHARE = 0.5;

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
    /** The MiniCluster numbers TaskManagers in start order and never reuses a number. */
    private static int liveTaskManager = 0;

    @BeforeAll
    static void buildVersions() throws Exception {
        v1 = SyntheticBundleBuilder.create()
                .name("rr")
                .version("1")
                .inputDim(10)
                .experts(6)
                .topK(2)
                .seed(7)
                .build(bundles.resolve("rr-1"));
        v2 = SyntheticBundleBuilder.create()
                .name("rr")
                .version("2")
                .inputDim(10)
                .experts(6)
                .topK(2)
                .seed(8)
                .build(bundles.resolve("rr-2"));
    }

    /** Both execution modes serve rollouts, so both are recovered here. */
    static Stream<String> modes() {
        return Stream.of("fused", "expert-parallel");
    }

    /** Every rollout mode in every execution mode. */
    static Stream<Arguments> rolloutsAndModes() {
        return Stream.of(RolloutMode.SWITCH, RolloutMode.CANARY, RolloutMode.SHADOW)
                .flatMap(rollout -> modes().map(mode -> Arguments.of(rollout, mode)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("rolloutsAndModes")
    void shouldServeEveryRecordOnceByOneVersionWhenTheTaskManagerDiesDuringARollout(
            RolloutMode rollout, String mode, @InjectMiniCluster MiniCluster cluster) throws Exception {
        try (RolloutJob job =
                RolloutJob.start(KAFKA, mode, v1, HoldFirst::insert, JobHarness.restartingEnvironment())) {
            List<SensorReading> before = job.feed("a", BATCH);
            job.awaitPredictions();
            if (rollout == RolloutMode.SHADOW) {
                recoverDuringAShadow(job, cluster, before);
            } else {
                recoverDuringASwitchOrCanary(job, cluster, rollout, before);
            }
        } finally {
            HoldFirst.release();
        }
    }

    /**
     * A switch or canary: the first record served by version 2 is held, so the barrier that
     * activated it may or may not have completed its checkpoint when the TaskManager dies.
     */
    private static void recoverDuringASwitchOrCanary(
            RolloutJob job, MiniCluster cluster, RolloutMode rollout, List<SensorReading> before) throws Exception {
        double share = rollout == RolloutMode.CANARY ? CANARY_SHARE : 0;
        HoldFirst.arm(rec -> id(v2).equals(rec.modelName + ":" + rec.modelVersion));
        job.start(v2, rollout, share);
        // The rollout takes effect at the first barrier after the load has finished, whenever
        // that is: records keep arriving until one is served by version 2 (a single batch fed
        // with the command may be served before the load ends, and nothing would follow it).
        Poll.until(DEADLINE, "a subtask to hold the first record of " + id(v2), () -> {
            if (!HoldFirst.holding()) {
                job.feed("b" + job.fed.size(), 50);
            }
            return HoldFirst.holding();
        });
        restartTaskManager(cluster);
        HoldFirst.release();

        // Once recovered, every record goes by the rule of the rollout: all to version 2 for a
        // switch, the canary's hash share for a canary.
        Function<SensorReading, String> rule = rollout == RolloutMode.CANARY
                ? r -> CanaryHash.inCanary(r.getEventId(), share) ? id(v2) : id(v1)
                : r -> id(v2);
        awaitServingByTheRule(job, rule);
        List<SensorReading> after = job.feed("c", BATCH / 3);
        Map<String, Prediction> all = job.awaitPredictions();
        assertThat(versions(all, before)).containsOnlyKeys(id(v1));
        for (SensorReading r : after) {
            assertThat(version(all.get(r.getEventId())))
                    .as("the version serving %s", r.getEventId())
                    .isEqualTo(rule.apply(r));
        }
        if (rollout == RolloutMode.CANARY) {
            // Before the canary went live (and in a replay from a checkpoint before it) records
            // are served by version 1; never is a record outside the share served by version 2.
            for (SensorReading r : job.fed) {
                if (version(all.get(r.getEventId())).equals(id(v2))) {
                    assertThat(CanaryHash.inCanary(r.getEventId(), share))
                            .as("%s, served by %s, is in the canary share", r.getEventId(), id(v2))
                            .isTrue();
                }
            }
            assertThat(versions(all, after)).containsOnlyKeys(id(v1), id(v2));
        }
        assertEachEqualsItsVersionsReference(all, job.fed, v1, v2);
    }

    /**
     * A shadow: once every subtask reported it live and a checkpoint after that committed, the
     * first prediction of the next readings is held (its pair already on its way to the shadow
     * topic, uncommitted) and the TaskManager dies. Every reading fed after the shadow was
     * reported live is shadowed, so each has exactly one committed pair; every prediction names
     * version 1.
     */
    private static void recoverDuringAShadow(RolloutJob job, MiniCluster cluster, List<SensorReading> before)
            throws Exception {
        String command = job.start(v2, RolloutMode.SHADOW, 0);
        job.awaitStates(command, RolloutPhase.ACTIVE);
        // Committed after every subtask went live: the checkpoint that committed them holds the
        // shadow live, so a restore from it or a later one shadows every reading after them too.
        List<SensorReading> shadowed = new ArrayList<>(job.feed("s", BATCH / 3));
        job.awaitPredictions();

        HoldFirst.arm(rec -> rec.eventId.startsWith("held-"));
        shadowed.addAll(job.feed("held", 200));
        Poll.until(DEADLINE, "a subtask to hold the first prediction of the held readings", HoldFirst::holding);
        restartTaskManager(cluster);
        HoldFirst.release();

        shadowed.addAll(job.feed("c", BATCH / 3));
        Map<String, Prediction> all = job.awaitPredictions();
        assertThat(versions(all, job.fed)).containsOnlyKeys(id(v1));
        assertEachEqualsItsVersionsReference(all, job.fed, v1);

        // Pairs commit with the predictions' checkpoint (fused) or a later one (expert-parallel):
        // wait until every shadowed reading has one; a second pair for any fails the read.
        Set<String> want = ids(shadowed);
        AtomicReference<Map<String, ShadowPair>> pairs = new AtomicReference<>();
        Poll.until(DEADLINE, "a shadow pair for each of " + want.size() + " shadowed readings", () -> {
            pairs.set(job.awaitShadowPairs(0));
            return pairs.get().keySet().containsAll(want);
        });
        assertThat(pairs.get().keySet())
                .as("event ids of the committed shadow pairs")
                .isEqualTo(want);
        RolloutJob.assertPairsEqualTheirReferences(pairs.get(), shadowed, all, v1, v2);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("modes")
    void shouldLoadAgainAndSwitchWhenTheTaskManagerDiesWhileTheNewVersionIsLoading(
            String mode, @InjectMiniCluster MiniCluster cluster) throws Exception {
        HoldLoad.arm(id(v2));
        try (RolloutJob job = RolloutJob.start(KAFKA, mode, v1, JobHooks.NONE, JobHarness.restartingEnvironment())) {
            List<SensorReading> before = job.feed("a", BATCH);
            job.awaitPredictions();

            String command = job.start(v2, RolloutMode.SWITCH, 0);
            Poll.until(
                    DEADLINE,
                    "every serving subtask to be loading " + id(v2),
                    () -> HoldLoad.held() == RolloutJob.PARALLELISM);
            // Every subtask took the command before it began the load, so the checkpoint that
            // commits these records holds the rollout in LOADING; the held load cannot finish.
            List<SensorReading> loading = job.feed("b", BATCH);
            Map<String, Prediction> committed = job.awaitPredictions();
            assertThat(versions(committed, loading)).containsOnlyKeys(id(v1));

            HoldLoad.disarm();
            restartTaskManager(cluster);
            HoldLoad.release();

            // The restored subtasks start the load again from the checkpoint's LOADING state and
            // switch at a barrier after it.
            job.awaitStates(command, RolloutPhase.ACTIVE);
            awaitServingOnly(job, v2);
            Map<String, Prediction> all = job.awaitPredictions();
            assertThat(versions(all, before)).containsOnlyKeys(id(v1));
            assertThat(versions(all, loading)).containsOnlyKeys(id(v1));
            assertEachEqualsItsVersionsReference(all, job.fed, v1, v2);
        } finally {
            HoldLoad.disarm();
            HoldLoad.release();
        }
    }

    /** Terminates the only TaskManager and starts a fresh one; the job restarts from its last checkpoint. */
    private static void restartTaskManager(MiniCluster cluster) throws Exception {
        cluster.terminateTaskManager(liveTaskManager).get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        cluster.startTaskManager();
        liveTaskManager++;
    }

    /** Feeds small batches until every record of one is served by the version {@code rule} names. */
    private static void awaitServingByTheRule(RolloutJob job, Function<SensorReading, String> rule) throws Exception {
        Poll.until(DEADLINE, "the recovered job to serve by the rule of its rollout", () -> {
            List<SensorReading> probe = job.feed("p" + job.fed.size(), 50);
            Map<String, Prediction> all = job.awaitPredictions();
            return probe.stream().allMatch(r -> version(all.get(r.getEventId())).equals(rule.apply(r)));
        });
    }

    private static Set<String> ids(List<SensorReading> readings) {
        Set<String> out = new HashSet<>();
        readings.forEach(r -> out.add(r.getEventId().toString()));
        return out;
    }

    /** Feeds small batches until one is served by {@code version} alone. */
    private static void awaitServingOnly(RolloutJob job, ModelBundle version) throws Exception {
        Poll.until(DEADLINE, "the recovered job to serve " + id(version) + " only", () -> {
            List<SensorReading> probe = job.feed("p" + job.fed.size(), 50);
            return versions(job.awaitPredictions(), probe).keySet().equals(Set.of(id(version)));
        });
    }

    /**
     * Holds every background load of the armed version on its loader thread (through {@link
     * RolloutVersions#loadHook}) until released; a load that begins after {@link #disarm} goes on.
     * Static, because the MiniCluster runs in this JVM and the hook must outlive the restarted
     * instances.
     */
    static final class HoldLoad {
        private static volatile String armed;
        private static final AtomicInteger HELD = new AtomicInteger();
        private static volatile CountDownLatch released = new CountDownLatch(0);

        static void arm(String version) {
            HELD.set(0);
            released = new CountDownLatch(1);
            armed = version;
            RolloutVersions.loadHook = (subtask, v) -> {
                if (v.id().equals(armed)) {
                    HELD.incrementAndGet();
                    released.await(DEADLINE.toSeconds(), TimeUnit.SECONDS);
                }
            };
        }

        /** Loads held so far. */
        static int held() {
            return HELD.get();
        }

        static void disarm() {
            armed = null;
            RolloutVersions.loadHook = null;
        }

        static void release() {
            released.countDown();
        }
    }

    /**
     * Passes finished records on, except the first one the armed condition accepts, which it holds
     * (blocking its subtask, so no later checkpoint completes there) until released or cancelled;
     * once per arming across all subtasks and restarts. Static, because the MiniCluster runs in this
     * JVM and the arming must outlive the restarted instances.
     */
    static final class HoldFirst implements MapFunction<InFlight, InFlight> {
        private static final long serialVersionUID = 1L;
        private static final AtomicReference<Predicate<InFlight>> ARMED = new AtomicReference<>();
        private static volatile boolean holding;
        private static volatile CountDownLatch released = new CountDownLatch(0);

        static DataStream<InFlight> insert(DataStream<InFlight> finished) {
            return finished.map(new HoldFirst())
                    .returns(TypeInformation.of(InFlight.class))
                    .name("hold-first");
        }

        static void arm(Predicate<InFlight> condition) {
            holding = false;
            released = new CountDownLatch(1);
            ARMED.set(condition);
        }

        static boolean holding() {
            return holding;
        }

        static void release() {
            ARMED.set(null);
            released.countDown();
        }

        @Override
        public InFlight map(InFlight rec) throws Exception {
            Predicate<InFlight> armed = ARMED.get();
            if (armed != null && armed.test(rec) && ARMED.compareAndSet(armed, null)) {
                holding = true;
                released.await(DEADLINE.toSeconds(), TimeUnit.SECONDS);
            }
            return rec;
        }
    }
}
