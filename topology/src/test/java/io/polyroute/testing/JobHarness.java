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
package io.polyroute.testing;

import io.polyroute.avro.DeadLetter;
import io.polyroute.avro.Prediction;
import io.polyroute.avro.SensorReading;
import io.polyroute.job.PolyrouteJob;
import io.polyroute.job.config.JobConfig;
import io.polyroute.job.verify.PredictionCheck;
import io.polyroute.runtime.bundle.ModelBundle;
import io.polyroute.runtime.eval.ReferenceModel;
import io.polyroute.runtime.onnx.RuntimeOptions;
import io.polyroute.schemas.AvroCodec;
import io.polyroute.schemas.AvroEncoding;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Helpers for job integration tests: random sensor records, running the job, reading its outputs. */
public final class JobHarness {
    private JobHarness() {}

    /** {@code n} random readings of width {@code dim}, ids {@code prefix-i}, tasks drawn from {@code tasks}. */
    public static List<SensorReading> randomReadings(String prefix, int n, int dim, List<String> tasks, long seed) {
        Random rnd = new Random(seed);
        List<SensorReading> out = new ArrayList<>(n);
        long now = System.currentTimeMillis();
        for (int i = 0; i < n; i++) {
            List<Float> f = new ArrayList<>(dim);
            for (int j = 0; j < dim; j++) {
                f.add((float) (rnd.nextGaussian() * 1.5));
            }
            out.add(SensorReading.newBuilder()
                    .setEventId(prefix + "-" + i)
                    .setSourceId("machine-" + (i % 7))
                    .setTask(tasks.isEmpty() ? null : tasks.get(rnd.nextInt(tasks.size())))
                    .setEventTime(Instant.ofEpochMilli(now))
                    .setFeatures(f)
                    .build());
        }
        return out;
    }

    public static List<byte[]> encode(List<SensorReading> readings) {
        AvroCodec<SensorReading> codec = AvroCodec.of(SensorReading.class, AvroEncoding.BINARY);
        List<byte[]> out = new ArrayList<>(readings.size());
        for (SensorReading r : readings) {
            out.add(codec.encode(r));
        }
        return out;
    }

    /**
     * Builds the job on the current (MiniCluster) environment and runs it to the end of its bounded
     * input; returns the result, which names the job.
     */
    public static JobExecutionResult runBounded(JobConfig config, ModelBundle bundle) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        PolyrouteJob.build(env, withControlTopics(config).with("input.bounded", "true"), bundle);
        return env.execute(config.get(io.polyroute.job.config.JobOptions.NAME));
    }

    /**
     * The setup an integration test's job starts from: {@code kafka}'s broker, the input, output and
     * dead-letter topics, the job's name and {@code job.mode}, and {@code bundle}, with fresh control
     * topics ({@link #withControlTopics}). Add parallelism, checkpointing and the rest with {@link
     * JobConfig#with}.
     */
    public static JobConfig jobConfig(
            KafkaBrokerExtension kafka,
            String mode,
            ModelBundle bundle,
            String input,
            String output,
            String dlq,
            String name) {
        return withControlTopics(JobConfig.of(Map.of(
                "kafka.bootstrap-servers",
                kafka.bootstrapServers(),
                "topics.input",
                input,
                "topics.output",
                output,
                "topics.dlq",
                dlq,
                "job.name",
                name,
                "job.mode",
                mode,
                "bundle.path",
                bundle.root().toString())));
    }

    /**
     * A MiniCluster environment that restarts a failed job up to 10 times, 200 ms apart, as the
     * recovery tests need (a job without a restart strategy fails at the first fault).
     */
    public static StreamExecutionEnvironment restartingEnvironment() {
        org.apache.flink.configuration.Configuration conf = new org.apache.flink.configuration.Configuration();
        conf.set(org.apache.flink.configuration.RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(org.apache.flink.configuration.RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 10);
        conf.set(
                org.apache.flink.configuration.RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY,
                Duration.ofMillis(200));
        return StreamExecutionEnvironment.getExecutionEnvironment(conf);
    }

    /**
     * The config with fresh random load and plans topics (created here) unless the test named
     * its own, so concurrent jobs never share a control loop.
     */
    public static JobConfig withControlTopics(JobConfig config) {
        JobConfig out = config;
        java.util.List<org.apache.kafka.clients.admin.NewTopic> create = new ArrayList<>();
        if (!config.explicitValues().containsKey("topics.load")) {
            String t = KafkaTestUtils.randomTopic("load");
            out = out.with("topics.load", t);
            create.add(new org.apache.kafka.clients.admin.NewTopic(t, 1, (short) 1));
        }
        if (!config.explicitValues().containsKey("topics.plans")) {
            String t = KafkaTestUtils.randomTopic("plans");
            out = out.with("topics.plans", t);
            create.add(new org.apache.kafka.clients.admin.NewTopic(t, 1, (short) 1));
        }
        if (!create.isEmpty()) {
            try (org.apache.kafka.clients.admin.Admin admin =
                    org.apache.kafka.clients.admin.Admin.create(config.kafkaClientProperties())) {
                io.polyroute.kafka.Topics.createIfMissing(admin, create, Duration.ofSeconds(30));
            }
        }
        return out;
    }

    public static Map<String, Prediction> predictionsById(
            KafkaBrokerExtension kafka, String topic, int count, Duration timeout) {
        AvroCodec<Prediction> codec = AvroCodec.of(Prediction.class, AvroEncoding.BINARY);
        Map<String, Prediction> out = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : kafka.awaitRecords(topic, count, timeout)) {
            Prediction p = codec.decode(r.value());
            if (out.put(p.getEventId(), p) != null) {
                throw new AssertionError("Prediction for " + p.getEventId() + " appears more than once.");
            }
        }
        return out;
    }

    /**
     * Asserts that {@code predictions} answers exactly the event ids of {@code readings}: none
     * missing, none extra. Linear in the number of records, and names a few offenders on failure.
     */
    public static void assertAnswersExactly(Map<String, Prediction> predictions, List<SensorReading> readings) {
        Set<String> expected = new HashSet<>();
        readings.forEach(r -> expected.add(r.getEventId()));
        List<String> missing = expected.stream()
                .filter(id -> !predictions.containsKey(id))
                .sorted()
                .toList();
        List<String> extra = predictions.keySet().stream()
                .filter(id -> !expected.contains(id))
                .sorted()
                .toList();
        if (!missing.isEmpty() || !extra.isEmpty()) {
            throw new AssertionError(missing.size() + " event ids have no prediction (e.g. "
                    + missing.subList(0, Math.min(5, missing.size())) + ") and " + extra.size()
                    + " predictions answer no input reading (e.g. " + extra.subList(0, Math.min(5, extra.size()))
                    + ").");
        }
    }

    public static List<DeadLetter> deadLetters(KafkaBrokerExtension kafka, String topic, int count, Duration timeout) {
        AvroCodec<DeadLetter> codec = AvroCodec.of(DeadLetter.class, AvroEncoding.BINARY);
        List<DeadLetter> out = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : kafka.awaitRecords(topic, count, timeout)) {
            out.add(codec.decode(r.value()));
        }
        return out;
    }

    /**
     * Checks every prediction: against the reference model, or, for those whose routing
     * balancing changed, against a recompute of the routing they recorded ({@link PredictionCheck}).
     */
    public static PredictionCheck.Result check(
            ModelBundle bundle, List<SensorReading> readings, Map<String, Prediction> predictions) {
        int d = bundle.inputDim();
        float[] x = new float[readings.size() * d];
        int[] tasks = new int[readings.size()];
        List<Prediction> ordered = new ArrayList<>(readings.size());
        for (int r = 0; r < readings.size(); r++) {
            List<Float> f = readings.get(r).getFeatures();
            for (int j = 0; j < d; j++) {
                x[r * d + j] = f.get(j);
            }
            tasks[r] = bundle.taskIndex(readings.get(r).getTask());
            Prediction p = predictions.get(readings.get(r).getEventId());
            if (p == null) {
                throw new AssertionError("No prediction for " + readings.get(r).getEventId());
            }
            ordered.add(p);
        }
        return PredictionCheck.check(bundle, x, tasks, ordered);
    }

    /**
     * The largest relative error of the predictions against the bundle's reference model. For
     * jobs without routing balancing: a prediction flagged by balancing fails the call (use
     * {@link #check}).
     */
    public static double maxReferenceError(
            ModelBundle bundle, List<SensorReading> readings, Map<String, Prediction> predictions) {
        predictions.values().stream()
                .filter(PredictionCheck::isRebalanced)
                .findFirst()
                .ifPresent(p -> {
                    throw new AssertionError("Prediction " + p.getEventId() + " is flagged " + p.getFlags()
                            + ": balancing changed its routing, so the reference model does not apply; use check().");
                });
        int d = bundle.inputDim();
        int od = bundle.outputDim();
        int n = readings.size();
        float[] x = new float[n * d];
        int[] tasks = new int[n];
        for (int r = 0; r < n; r++) {
            List<Float> f = readings.get(r).getFeatures();
            for (int j = 0; j < d; j++) {
                x[r * d + j] = f.get(j);
            }
            tasks[r] = bundle.taskIndex(readings.get(r).getTask());
        }
        double worst = 0;
        try (ReferenceModel ref = ReferenceModel.open(bundle, RuntimeOptions.cpu())) {
            float[] want = ref.predict(x, n, tasks);
            float[] got = new float[od];
            for (int r = 0; r < n; r++) {
                Prediction p = predictions.get(readings.get(r).getEventId());
                if (p == null) {
                    throw new AssertionError(
                            "No prediction for " + readings.get(r).getEventId());
                }
                for (int i = 0; i < od; i++) {
                    got[i] = p.getOutput().get(i);
                }
                worst = Math.max(worst, ReferenceModel.relativeError(got, 0, want, r * od, od));
            }
        }
        return worst;
    }
}
