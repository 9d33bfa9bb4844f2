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

import io.polyroute.avro.ExpertChoice;
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
import io.polyroute.job.config.TopicsOptions;
import io.polyroute.job.control.PlanTracker;
import io.polyroute.kafka.RolloutTopics;
import io.polyroute.kit.simulate.SkewedInput;
import io.polyroute.kit.synthetic.SyntheticBundleBuilder;
import io.polyroute.runtime.bundle.ModelBundle;
import io.polyroute.runtime.eval.ReferenceModel;
import io.polyroute.runtime.placement.Placement;
import io.polyroute.runtime.placement.PlanVersion;
import io.polyroute.schemas.AvroEncoding;
import io.polyroute.testing.JobHarness;
import io.polyroute.testing.KafkaBrokerExtension;
import io.polyroute.testing.PlanWatcher;
import io.polyroute.testing.Poll;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Plans per version on a running expert-parallel job (docs/rollouts.md): after a switch to a
 * version with twice the experts, under load that favours the experts of one slot of that
 * version's round-robin placement, the rebalancer publishes a plan for the new version (naming it,
 * with its expert count), GATE routes the new version's records by it, and every prediction still
 * equals the reference model of the version it names, each event id answered exactly once.
 */
@Timeout(420)
class ExpertParallelRolloutPlansITCase {
    private static final int SLOTS = 2;
    private static final int V1_EXPERTS = 6;
    private static final int V2_EXPERTS = 12;
    private static final int DIM = 16;
    private static final int CHUNK = 50;
    private static final int MIN_SKEWED = 1_000;
    private static final int TAIL = 400;
    private static final Duration DEADLINE = Duration.ofSeconds(120);
    private static final Duration PLAN_TIMEOUT = Duration.ofSeconds(180);

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(SLOTS)
            .build());

    @TempDir
    static Path bundles;

    @Test
    void shouldPlanTheNewVersionUnderSkewAfterASwitchAndRouteItByThatPlanWithoutChangingAPrediction() throws Exception {
        ModelBundle v1 = SyntheticBundleBuilder.create()
                .name("ep")
                .version("1")
                .inputDim(DIM)
                .hidden(64)
                .experts(V1_EXPERTS)
                .topK(2)
                .seed(21)
                .build(bundles.resolve("ep-1"));
        ModelBundle v2 = SyntheticBundleBuilder.create()
                .name("ep")
                .version("2")
                .inputDim(DIM)
                .hidden(64)
                .experts(V2_EXPERTS)
                .topK(2)
                .seed(22)
                .build(bundles.resolve("ep-2"));
        // Readings whose v2 gate favours the experts of slot 0 of v2's round-robin placement.
        SkewedInput skewed = SkewedInput.search(v2, 30_000, 5);
        double[] hot = SkewedInput.zipf(V2_EXPERTS, 2.0, SkewedInput.rotation(V2_EXPERTS, SLOTS, 0));

        String input = KAFKA.createRandomTopic("sensors", 2);
        String output = KAFKA.createRandomTopic("predictions", 2);
        String rollouts = KAFKA.createRandomTopic("rollouts", 1);
        String status = KAFKA.createRandomTopic("rollout-status", 1);
        JobConfig config = JobHarness.withControlTopics(JobConfig.of(Map.ofEntries(
                        Map.entry("kafka.bootstrap-servers", KAFKA.bootstrapServers()),
                        Map.entry("topics.input", input),
                        Map.entry("topics.output", output),
                        Map.entry("topics.dlq", KAFKA.createRandomTopic("dlq", 1)),
                        Map.entry("job.name", "ep-plans-" + output),
                        Map.entry("job.mode", "expert-parallel"),
                        Map.entry("job.parallelism", "1"),
                        Map.entry("job.slots", Integer.toString(SLOTS)),
                        Map.entry("job.checkpoint-interval", "500 ms"),
                        Map.entry("rebalance.window", "1 s"),
                        Map.entry("rebalance.cooldown-windows", "1"),
                        Map.entry("rebalance.activation-delay", "300 ms"),
                        Map.entry("bundle.path", v1.root().toString()))))
                .with("rollout.enabled", "true")
                .with("rollout.topic", rollouts)
                .with("rollout.status-topic", status)
                .with("rollout.shadow-topic", KAFKA.createRandomTopic("shadow", 2));
        String jobName = config.get(JobOptions.NAME);

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        PolyrouteJob.build(env, config, v1);
        JobClient client = env.executeAsync(jobName);
        try (PlanWatcher plans = new PlanWatcher(KAFKA.clientProperties(), TopicsOptions.plans(config))) {
            List<SensorReading> before = JobHarness.randomReadings("a", 300, DIM, List.of(), 1);
            KAFKA.produceValues(input, JobHarness.encode(before));
            JobHarness.predictionsById(KAFKA, output, before.size(), DEADLINE);

            String switchId = publishSwitch(rollouts, jobName, v2);
            awaitActive(status, jobName, switchId);

            // Skewed load on v2 until the rebalancer has planned v2.
            Random rnd = new Random(3);
            List<SensorReading> after = new ArrayList<>();
            long deadline = System.nanoTime() + PLAN_TIMEOUT.toNanos();
            while (after.size() < MIN_SKEWED || plans.plansOf("2").isEmpty()) {
                assertThat(System.nanoTime())
                        .as("a plan for version 2 within %s; plans seen: %s", PLAN_TIMEOUT, plans.plans())
                        .isLessThan(deadline);
                List<SensorReading> chunk = skewed.sample("b-" + after.size(), CHUNK, hot, rnd);
                KAFKA.produceValues(input, JobHarness.encode(chunk));
                after.addAll(chunk);
                plans.poll(Duration.ofMillis(200));
            }
            JobHarness.predictionsById(KAFKA, output, before.size() + after.size(), DEADLINE);
            // Give the newest plan of v2 time to reach GATE, then send records it must route.
            long settle = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
            while (System.nanoTime() < settle) {
                plans.poll(Duration.ofMillis(200));
            }
            List<PlanVersion> v2Plans = plans.plansOf("2");
            PlanVersion newest = v2Plans.get(v2Plans.size() - 1);
            List<SensorReading> tail = skewed.sample("t", TAIL, hot, rnd);
            KAFKA.produceValues(input, JobHarness.encode(tail));
            after.addAll(tail);

            List<SensorReading> everything = new ArrayList<>(before);
            everything.addAll(after);
            Map<String, Prediction> all = JobHarness.predictionsById(KAFKA, output, everything.size(), DEADLINE);
            plans.poll(Duration.ofSeconds(1));
            v2Plans = plans.plansOf("2");

            JobHarness.assertAnswersExactly(all, everything);
            assertThat(before).allSatisfy(r -> assertThat(version(all, r)).isEqualTo("1"));
            assertThat(after).allSatisfy(r -> assertThat(version(all, r)).isEqualTo("2"));
            assertThat(JobHarness.maxReferenceError(v1, before, all)).isLessThanOrEqualTo(ReferenceModel.TOLERANCE);
            assertThat(JobHarness.maxReferenceError(v2, after, all)).isLessThanOrEqualTo(ReferenceModel.TOLERANCE);
            assertThat(v2Plans).allSatisfy(p -> assertThat(p.stage(0).experts()).isEqualTo(V2_EXPERTS));
            assertThat(plans.plansOf("1"))
                    .allSatisfy(p -> assertThat(p.stage(0).experts()).isEqualTo(V1_EXPERTS));
            assertThat(newest.stage(0)).isNotEqualTo(Placement.roundRobin(V2_EXPERTS, SLOTS));
            assertTailFollowsAPlanOfVersion2(tail, all, v2Plans, newest);
        } finally {
            client.cancel().get(60, TimeUnit.SECONDS);
        }
    }

    private static String version(Map<String, Prediction> all, SensorReading r) {
        return all.get(r.getEventId().toString()).getModel().getVersion().toString();
    }

    /**
     * Every tail record's slots are those a plan of version 2 no older than {@code newest} gives,
     * and some differ from what v2's round-robin placement would give: GATE routed by the plan.
     */
    private static void assertTailFollowsAPlanOfVersion2(
            List<SensorReading> tail, Map<String, Prediction> all, List<PlanVersion> v2Plans, PlanVersion newest) {
        List<PlanVersion> candidates =
                v2Plans.stream().filter(p -> p.version() >= newest.version()).toList();
        Placement roundRobin = Placement.roundRobin(V2_EXPERTS, SLOTS);
        int unlikeRoundRobin = 0;
        for (SensorReading r : tail) {
            Prediction p = all.get(r.getEventId().toString());
            long hash = PlanTracker.recordHash(r.getEventId().toString());
            Optional<PlanVersion> routedBy = candidates.stream()
                    .filter(plan -> routes(plan.stage(0), p, hash))
                    .findFirst();
            assertThat(routedBy)
                    .as(
                            "a plan of version 2 (version >= %d) routing %s to %s; plans: %s",
                            newest.version(), r.getEventId(), p.getExperts(), v2Plans)
                    .isPresent();
            unlikeRoundRobin += routes(roundRobin, p, hash) ? 0 : 1;
        }
        assertThat(unlikeRoundRobin)
                .as("tail records routed unlike v2's round-robin placement")
                .isPositive();
    }

    private static boolean routes(Placement placement, Prediction p, long hash) {
        for (ExpertChoice c : p.getExperts()) {
            if (placement.slotFor(c.getExpert(), hash) != c.getSlot()) {
                return false;
            }
        }
        return true;
    }

    private static String publishSwitch(String rollouts, String jobName, ModelBundle b) {
        String id = UUID.randomUUID().toString();
        RolloutTopics.publish(
                KAFKA.clientProperties(),
                rollouts,
                RolloutCommand.newBuilder()
                        .setJobName(jobName)
                        .setCommandId(id)
                        .setKind(RolloutKind.START)
                        .setMode(RolloutMode.SWITCH)
                        .setShare(0)
                        .setBundlePath(b.root().toString())
                        .setBundleName(b.name())
                        .setBundleVersion(b.version())
                        .setChecksumsDigest(ChecksumsDigest.of(b.manifest().checksums()))
                        .setIssuedTime(Instant.now())
                        .build(),
                AvroEncoding.BINARY,
                Duration.ofSeconds(30));
        return id;
    }

    private static void awaitActive(String status, String jobName, String id) throws Exception {
        Poll.until(DEADLINE, "the GATE reports ACTIVE for " + id, () -> {
            for (RolloutStatus s : RolloutTopics.readStatuses(
                    KAFKA.clientProperties(), status, jobName, AvroEncoding.BINARY, Duration.ofSeconds(30))) {
                if (s.getCommandId().toString().equals(id) && s.getState() == RolloutPhase.ACTIVE) {
                    return true;
                }
            }
            return false;
        });
    }
}
