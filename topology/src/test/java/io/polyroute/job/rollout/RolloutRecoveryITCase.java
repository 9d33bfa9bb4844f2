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
import static io.polyroute.job.rollout.RolloutJob.versions;
import static org.assertj.core.api.Assertions.assertThat;

import io.polyroute.avro.Prediction;
import io.polyroute.avro.RolloutMode;
import io.polyroute.avro.SensorReading;
import io.polyroute.job.model.InFlight;
import io.polyroute.kit.synthetic.SyntheticBundleBuilder;
import io.polyroute.runtime.bundle.ModelBundle;
import io.polyroute.testing.JobHarness;
import io.polyroute.testing.KafkaBrokerExtension;
import io.polyroute.testing.Poll;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A TaskManager lost during a switch (docs/rollouts.md, "Checkpoints"): the first record the new
 * version serves is held on its way to the sink, so the barrier that switched may or may not have
 * completed its checkpoint, and the only TaskManager is terminated and a fresh one started. After
 * recovery every input has exactly one committed prediction, each equal to the reference of the
 * version it names (so no record is committed by two versions), records before the command are all
 * served by version 1, and the recovered job goes on to serve version 2.
 */
@Timeout(240)
class RolloutRecoveryITCase {
    private static final int BATCH = 1_500;

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

    static Stream<String> modes() {
        return RolloutJob.modes();
    }

    @Disabled("Intermittent since expert-parallel rollouts moved loading into RolloutVersions: in 2 of 3 runs"
            + " no subtask reaches the first version-2 record within 90 s; to be traced before it is re-enabled.")
    @ParameterizedTest(name = "{0}")
    @MethodSource("modes")
    void shouldServeEveryRecordOnceByOneVersionWhenTheTaskManagerDiesDuringASwitch(
            String mode, @InjectMiniCluster MiniCluster cluster) throws Exception {
        HoldFirst.arm(id(v2));
        try (RolloutJob job =
                RolloutJob.start(KAFKA, mode, v1, HoldFirst::insert, JobHarness.restartingEnvironment())) {
            List<SensorReading> before = job.feed("a", BATCH);
            job.awaitPredictions();

            job.start(v2, RolloutMode.SWITCH, 0);
            job.feed("b", BATCH);
            Poll.until(DEADLINE, "a subtask to hold the first record of " + id(v2), HoldFirst::holding);
            cluster.terminateTaskManager(liveTaskManager).get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
            cluster.startTaskManager();
            liveTaskManager++;
            HoldFirst.release();

            // Records fed after the restart until one batch is served by version 2 alone: the
            // recovered job reloads what its checkpoint says and finishes the switch.
            Poll.until(DEADLINE, "the recovered job to serve " + id(v2) + " only", () -> {
                List<SensorReading> probe = job.feed("p" + job.fed.size(), 50);
                return versions(job.awaitPredictions(), probe).keySet().equals(java.util.Set.of(id(v2)));
            });
            Map<String, Prediction> all = job.awaitPredictions();
            assertThat(versions(all, before)).containsOnlyKeys(id(v1));
            assertEachEqualsItsVersionsReference(all, job.fed, v1, v2);
        } finally {
            HoldFirst.release();
        }
    }

    /**
     * Passes finished records on, except the first one served by the armed version, which it holds
     * (blocking its subtask, so no later checkpoint completes there) until released or cancelled;
     * once per arming across all subtasks and restarts. Static, because the MiniCluster runs in this
     * JVM and the arming must outlive the restarted instances.
     */
    static final class HoldFirst implements MapFunction<InFlight, InFlight> {
        private static final long serialVersionUID = 1L;
        private static final AtomicReference<String> ARMED = new AtomicReference<>();
        private static volatile boolean holding;
        private static volatile CountDownLatch released = new CountDownLatch(0);

        static DataStream<InFlight> insert(DataStream<InFlight> finished) {
            return finished.map(new HoldFirst())
                    .returns(TypeInformation.of(InFlight.class))
                    .name("hold-first");
        }

        static void arm(String version) {
            holding = false;
            released = new CountDownLatch(1);
            ARMED.set(version);
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
            String armed = ARMED.get();
            if (armed != null
                    && armed.equals(rec.modelName + ":" + rec.modelVersion)
                    && ARMED.compareAndSet(armed, null)) {
                holding = true;
                released.await(DEADLINE.toSeconds(), TimeUnit.SECONDS);
            }
            return rec;
        }
    }
}
