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

import io.polyroute.avro.ExpertChoice;
import io.polyroute.avro.Prediction;
import io.polyroute.avro.SensorReading;
import io.polyroute.job.config.JobConfig;
import io.polyroute.job.control.PlanTracker;
import io.polyroute.kit.simulate.SkewedInput;
import io.polyroute.kit.synthetic.SyntheticBundleBuilder;
import io.polyroute.runtime.bundle.ModelBundle;
import io.polyroute.runtime.eval.ReferenceModel;
import io.polyroute.runtime.placement.Placement;
import io.polyroute.runtime.placement.PlanVersion;
import io.polyroute.testing.JobHarness;
import io.polyroute.testing.KafkaBrokerExtension;
import io.polyroute.testing.KafkaTestUtils;
import io.polyroute.testing.LeakCheckExtension;
import io.polyroute.testing.PlanWatcher;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Online rebalancing on a skewed stream that drifts (issue 5, item 7). The input is chosen through
 * the bundle's own gate so that a Zipf popularity favours the experts of one slot of the static
 * placement; half-way the hot set moves to the experts of another slot. The job runs unbounded with
 * a 1 s load window. It must publish a plan for the first hot set, answer the drift with a plan
 * that replicates the new hottest expert, and through all of it answer every event id exactly once
 * with the prediction reference.onnx gives. Records produced well after the newest plan must be
 * routed by a plan at least that new.
 */
@Timeout(900)
@ExtendWith(LeakCheckExtension.class)
class RebalancingITCase {
    private static final int EXPERTS = 12;
    private static final int SLOTS = 3;
    /** Zipf exponent: the hottest expert takes ~43% of all visits, more than one slot's fair third. */
    private static final double ZIPF = 2.0;

    private static final int CHUNK = 50;
    private static final long CHUNK_EVERY_MS = 200;
    private static final int MIN_PHASE_RECORDS = 1_500;
    private static final int TAIL_RECORDS = 600;
    private static final Duration PLAN_TIMEOUT = Duration.ofSeconds(180);

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(4)
            .build());

    @TempDir
    static Path bundles;

    @Test
    void shouldAnswerADriftWithANewPlanWithoutLosingDuplicatingOrChangingAPrediction() throws Exception {
        ModelBundle bundle = SyntheticBundleBuilder.create()
                .inputDim(16)
                .hidden(64)
                .experts(EXPERTS)
                .topK(2)
                .seed(11)
                .build(bundles.resolve("skew"));
        SkewedInput input = SkewedInput.search(bundle, 30_000, 5);
        int[] rank1 = SkewedInput.rotation(EXPERTS, SLOTS, 0);
        int[] rank2 = SkewedInput.rotation(EXPERTS, SLOTS, 1);
        double[] phase1 = SkewedInput.zipf(EXPERTS, ZIPF, rank1);
        double[] phase2 = SkewedInput.zipf(EXPERTS, ZIPF, rank2);
        int hot2 = rank2[0];

        String in = KAFKA.createRandomTopic("sensors", 2);
        String out = KAFKA.createRandomTopic("predictions", 2);
        String dlq = KAFKA.createRandomTopic("dlq", 1);
        JobConfig config = JobHarness.withControlTopics(JobConfig.of(Map.ofEntries(
                Map.entry("kafka.bootstrap-servers", KAFKA.bootstrapServers()),
                Map.entry("topics.input", in),
                Map.entry("topics.output", out),
                Map.entry("topics.dlq", dlq),
                Map.entry("job.name", "rebalance-" + in),
                Map.entry("job.parallelism", "1"),
                Map.entry("job.slots", Integer.toString(SLOTS)),
                Map.entry("job.checkpoint-interval", "500 ms"),
                Map.entry("rebalance.window", "1 s"),
                Map.entry("rebalance.cooldown-windows", "1"),
                Map.entry("rebalance.activation-delay", "300 ms"),
                // A few hundred records/s fill no expert batch: the test is about following the drift,
                // so the minimum rows per replica batch is off and the hot expert may be replicated.
                Map.entry("rebalance.min-rows-per-replica-batch", "0"),
                Map.entry("bundle.path", bundle.root().toString()))));
        String plansTopic = io.polyroute.job.config.TopicsOptions.plans(config);

        List<SensorReading> sent = new ArrayList<>();
        JobClient job = JobLauncher.start(StreamExecutionEnvironment.getExecutionEnvironment(), config, bundle);
        try (PlanWatcher plans = new PlanWatcher(KAFKA.clientProperties(), plansTopic);
                Paced producer = new Paced(KAFKA.clientProperties(), in)) {
            awaitRunning(job);
            Random rnd = new Random(3);

            // Phase 1 until the rebalancer has answered the first hot set.
            producer.until(input, "p1", phase1, rnd, sent, plans, p -> p.version() >= 1);
            long versionAtDrift = plans.latestVersion();
            // Phase 2 until a plan after the drift replicates the new hottest expert.
            Predicate<PlanVersion> answersDrift = p ->
                    p.version() > versionAtDrift && p.stage(0).replicas(hot2).count() > 1;
            producer.until(input, "p2", phase2, rnd, sent, plans, answersDrift);

            awaitPredictions(out, sent.size());
            // Give the newest plan time to take effect everywhere, then send records it must route.
            long settle = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
            while (System.nanoTime() < settle) {
                plans.poll(Duration.ofMillis(200));
            }
            PlanVersion newest = plans.latest().orElseThrow();
            List<SensorReading> tail = input.sample("tail", TAIL_RECORDS, phase2, rnd);
            producer.send(tail);
            sent.addAll(tail);

            Map<String, Prediction> predictions = awaitPredictions(out, sent.size());
            List<PlanVersion> all = plans.poll(Duration.ofSeconds(1));

            assertThat(predictions).hasSize(sent.size());
            assertThat(JobHarness.maxReferenceError(bundle, sent, predictions))
                    .isLessThanOrEqualTo(ReferenceModel.TOLERANCE);
            assertThat(all).as("plans published after the drift").anyMatch(answersDrift);
            assertTailFollowsTheNewestPlan(tail, predictions, all, newest);
        } finally {
            job.cancel().get(60, TimeUnit.SECONDS);
        }
    }

    /**
     * Every tail record's expert slots are exactly those {@link Placement#slotFor} gives under one
     * plan no older than {@code newest}: the gate routed it by the newest plan (or a later one).
     */
    private static void assertTailFollowsTheNewestPlan(
            List<SensorReading> tail,
            Map<String, Prediction> predictions,
            List<PlanVersion> plans,
            PlanVersion newest) {
        List<PlanVersion> candidates =
                plans.stream().filter(p -> p.version() >= newest.version()).toList();
        for (SensorReading r : tail) {
            Prediction p = predictions.get(r.getEventId());
            long hash = PlanTracker.recordHash(r.getEventId());
            Optional<PlanVersion> routedBy = candidates.stream()
                    .filter(plan -> {
                        for (ExpertChoice c : p.getExperts()) {
                            if (plan.stage(c.getStage()).slotFor(c.getExpert(), hash) != c.getSlot()) {
                                return false;
                            }
                        }
                        return true;
                    })
                    .findFirst();
            assertThat(routedBy)
                    .as(
                            "plan (version >= %d) that routes %s to slots %s; versions that would: %s; " + "plans: %s",
                            newest.version(),
                            r.getEventId(),
                            p.getExperts(),
                            plans.stream()
                                    .filter(plan -> p.getExperts().stream()
                                            .allMatch(c ->
                                                    plan.stage(c.getStage()).slotFor(c.getExpert(), hash)
                                                            == c.getSlot()))
                                    .map(PlanVersion::version)
                                    .toList(),
                            plans)
                    .isPresent();
        }
    }

    private static Map<String, Prediction> awaitPredictions(String topic, int count) {
        return JobHarness.predictionsById(KAFKA, topic, count, Duration.ofSeconds(240));
    }

    private static void awaitRunning(JobClient job) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (job.getJobStatus().get() != JobStatus.RUNNING) {
            assertThat(System.nanoTime())
                    .as(
                            "job running before the deadline, status %s",
                            job.getJobStatus().get())
                    .isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    /** Produces readings in small chunks at a steady pace, checking the plans topic between chunks. */
    private static final class Paced implements AutoCloseable {
        private final KafkaProducer<byte[], byte[]> producer;
        private final String topic;

        Paced(Properties client, String topic) {
            Properties p = new Properties();
            p.putAll(client);
            p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
            p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
            p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
            this.producer = new KafkaProducer<>(p);
            this.topic = topic;
        }

        void send(List<SensorReading> readings) {
            List<Future<RecordMetadata>> sends = new ArrayList<>();
            for (byte[] v : JobHarness.encode(readings)) {
                sends.add(producer.send(new ProducerRecord<>(topic, v)));
            }
            producer.flush();
            KafkaTestUtils.awaitAcks(sends, topic);
        }

        /** Sends chunks drawn from {@code popularity} until at least the minimum is sent and a plan matches. */
        void until(
                SkewedInput input,
                String prefix,
                double[] popularity,
                Random rnd,
                List<SensorReading> sent,
                PlanWatcher plans,
                Predicate<PlanVersion> done) {
            long deadline = System.nanoTime() + PLAN_TIMEOUT.toNanos();
            int produced = 0;
            boolean seen = false;
            while (produced < MIN_PHASE_RECORDS || !seen) {
                assertThat(System.nanoTime())
                        .as(
                                "a matching plan within %s of phase %s; plans seen: %s",
                                PLAN_TIMEOUT, prefix, plans.plans())
                        .isLessThan(deadline);
                List<SensorReading> chunk = input.sample(prefix + "-" + produced, CHUNK, popularity, rnd);
                send(chunk);
                sent.addAll(chunk);
                produced += CHUNK;
                seen = plans.poll(Duration.ofMillis(CHUNK_EVERY_MS)).stream().anyMatch(done);
            }
        }

        @Override
        public void close() {
            producer.close(Duration.ofSeconds(10));
        }
    }
}
