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
import io.polyroute.job.JobHooks;
import io.polyroute.job.PolyrouteJob;
import io.polyroute.job.config.JobConfig;
import io.polyroute.job.operators.EventKey;
import io.polyroute.kafka.RolloutTopics;
import io.polyroute.runtime.bundle.ModelBundle;
import io.polyroute.runtime.eval.ReferenceModel;
import io.polyroute.runtime.onnx.RuntimeOptions;
import io.polyroute.schemas.AvroCodec;
import io.polyroute.schemas.AvroEncoding;
import io.polyroute.testing.JobHarness;
import io.polyroute.testing.KafkaBrokerExtension;
import io.polyroute.testing.Poll;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * One running job with rollouts, on the test's MiniCluster and broker, for the rollout ITCases:
 * its own random topics, the readings fed to it, commands published to it, and the checks every
 * rollout test makes (docs/rollouts.md). The execution mode is a parameter so the same tests can
 * run in every mode that serves rollouts.
 */
final class RolloutJob implements AutoCloseable {
    static final Duration DEADLINE = Duration.ofSeconds(90);
    static final int PARALLELISM = 2;

    final KafkaBrokerExtension kafka;
    final ModelBundle base;
    final String input;
    final String output;
    final String rollouts;
    final String status;
    final String shadow;
    final String name;
    final JobConfig config;
    /** Every reading fed so far, in order. */
    final List<SensorReading> fed = new ArrayList<>();

    private JobClient client;
    private long seed;

    private RolloutJob(KafkaBrokerExtension kafka, String mode, ModelBundle base) {
        this.kafka = kafka;
        this.base = base;
        this.input = kafka.createRandomTopic("sensors", 2);
        this.output = kafka.createRandomTopic("predictions", 2);
        this.rollouts = kafka.createRandomTopic("rollouts", 1);
        this.status = kafka.createRandomTopic("rollout-status", 1);
        this.shadow = kafka.createRandomTopic("shadow", 2);
        this.name = "ro-" + output;
        this.config = JobHarness.jobConfig(kafka, mode, base, input, output, kafka.createRandomTopic("dlq", 1), name)
                .with("job.parallelism", String.valueOf(PARALLELISM))
                .with("job.checkpoint-interval", "300 ms")
                .with("rollout.enabled", "true")
                .with("rollout.topic", rollouts)
                .with("rollout.status-topic", status)
                .with("rollout.shadow-topic", shadow);
    }

    /**
     * The execution modes that serve rollouts, for {@code @MethodSource}: the rollout ITCases run
     * once per mode listed here.
     */
    static Stream<String> modes() {
        return Stream.of("fused");
    }

    /** Starts a job in {@code mode} serving {@code base}, with no hooks, on the default environment. */
    static RolloutJob start(KafkaBrokerExtension kafka, String mode, ModelBundle base) throws Exception {
        return start(kafka, mode, base, JobHooks.NONE, StreamExecutionEnvironment.getExecutionEnvironment());
    }

    /** Starts a job in {@code mode} serving {@code base}, with {@code hooks}, on {@code env}. */
    static RolloutJob start(
            KafkaBrokerExtension kafka, String mode, ModelBundle base, JobHooks hooks, StreamExecutionEnvironment env)
            throws Exception {
        RolloutJob job = new RolloutJob(kafka, mode, base);
        PolyrouteJob.build(env, job.config, base, hooks);
        job.client = env.executeAsync(job.name);
        return job;
    }

    /** Writes {@code n} fresh readings (ids {@code prefix-i}) to the input and returns them. */
    List<SensorReading> feed(String prefix, int n) {
        List<SensorReading> batch = JobHarness.randomReadings(prefix, n, base.inputDim(), List.of(), ++seed);
        kafka.produceValues(input, JobHarness.encode(batch));
        fed.addAll(batch);
        return batch;
    }

    /** Publishes a START of {@code version} (with the digest of its files) and returns the command id. */
    String start(ModelBundle version, RolloutMode mode, double share) {
        return start(
                version.root().toString(),
                version,
                mode,
                share,
                ChecksumsDigest.of(version.manifest().checksums()));
    }

    /** Publishes a START of the bundle at {@code path}, naming {@code version}'s name and version and {@code digest}. */
    String start(String path, ModelBundle version, RolloutMode mode, double share, String digest) {
        return publish(RolloutKind.START, mode, share, path, version.name(), version.version(), digest);
    }

    String promote() {
        return publish(RolloutKind.PROMOTE, RolloutMode.SWITCH, 0, "", "", "", "");
    }

    String rollback() {
        return publish(RolloutKind.ROLLBACK, RolloutMode.SWITCH, 0, "", "", "", "");
    }

    private String publish(
            RolloutKind kind,
            RolloutMode mode,
            double share,
            String path,
            String bundle,
            String version,
            String digest) {
        String id = UUID.randomUUID().toString();
        RolloutTopics.publish(
                kafka.clientProperties(),
                rollouts,
                RolloutCommand.newBuilder()
                        .setJobName(name)
                        .setCommandId(id)
                        .setKind(kind)
                        .setMode(mode)
                        .setShare(share)
                        .setBundlePath(path)
                        .setBundleName(bundle)
                        .setBundleVersion(version)
                        .setChecksumsDigest(digest)
                        .setIssuedTime(Instant.now())
                        .build(),
                AvroEncoding.BINARY,
                Duration.ofSeconds(30));
        return id;
    }

    /** Waits until every subtask reported {@code want} for command {@code id}; returns them by subtask. */
    Map<Integer, RolloutStatus> awaitStates(String id, RolloutPhase want) throws Exception {
        return awaitStates(id, List.of(want));
    }

    /**
     * Waits until every subtask reported one of {@code final} for command {@code id}; returns the
     * latest such status by subtask.
     */
    Map<Integer, RolloutStatus> awaitStates(String id, List<RolloutPhase> end) throws Exception {
        Map<Integer, RolloutStatus> latest = new HashMap<>();
        Poll.until(DEADLINE, "every subtask to report " + end + " for " + id, () -> {
            for (RolloutStatus s : RolloutTopics.readStatuses(
                    kafka.clientProperties(), status, name, AvroEncoding.BINARY, Duration.ofSeconds(30))) {
                if (s.getCommandId().toString().equals(id) && end.contains(s.getState())) {
                    latest.put(s.getSubtask(), s);
                }
            }
            return latest.size() == PARALLELISM;
        });
        return latest;
    }

    /**
     * Waits for the committed predictions of everything fed so far and asserts that they answer
     * exactly those readings, each once.
     */
    Map<String, Prediction> awaitPredictions() {
        Map<String, Prediction> all = JobHarness.predictionsById(kafka, output, fed.size(), DEADLINE);
        JobHarness.assertAnswersExactly(all, fed);
        return all;
    }

    /** The committed (read_committed) shadow pairs, at least {@code count} of them, each event id once. */
    Map<String, ShadowPair> awaitShadowPairs(int count) {
        return shadowPairs(kafka, shadow, count);
    }

    /** The committed (read_committed) shadow pairs of {@code topic}, at least {@code count}, each event id once. */
    static Map<String, ShadowPair> shadowPairs(KafkaBrokerExtension kafka, String topic, int count) {
        AvroCodec<ShadowPair> codec = AvroCodec.of(ShadowPair.class, AvroEncoding.BINARY);
        Map<String, ShadowPair> out = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : kafka.awaitRecords(topic, count, DEADLINE)) {
            ShadowPair p = codec.decode(r.value());
            assertThat(out.put(p.getEventId().toString(), p))
                    .as("a second shadow pair for %s", p.getEventId())
                    .isNull();
        }
        return out;
    }

    /**
     * Asserts that every pair of {@code pairs} is one of {@code shadowed}, served by {@code served}
     * and shadowed by {@code candidate}, that each side equals its version's reference model within
     * {@link ReferenceModel#TOLERANCE}, that the served side is the committed prediction in {@code
     * all}, and that the pair's largest absolute difference is that of its two outputs.
     */
    static void assertPairsEqualTheirReferences(
            Map<String, ShadowPair> pairs,
            List<SensorReading> shadowed,
            Map<String, Prediction> all,
            ModelBundle served,
            ModelBundle candidate) {
        Map<String, float[]> want1 = referenceOutputs(served, shadowed);
        Map<String, float[]> want2 = referenceOutputs(candidate, shadowed);
        assertThat(want1.keySet()).as("event ids of the shadow pairs").containsAll(pairs.keySet());
        for (ShadowPair p : pairs.values()) {
            String id = p.getEventId().toString();
            assertThat(p.getServed().getBundleVersion().toString()).isEqualTo(served.version());
            assertThat(p.getShadow().getBundleVersion().toString()).isEqualTo(candidate.version());
            assertThat(relativeError(p.getServed().getOutput(), want1.get(id)))
                    .as("served output of %s against %s", id, id(served))
                    .isLessThanOrEqualTo(ReferenceModel.TOLERANCE);
            assertThat(relativeError(p.getShadow().getOutput(), want2.get(id)))
                    .as("shadow output of %s against %s", id, id(candidate))
                    .isLessThanOrEqualTo(ReferenceModel.TOLERANCE);
            assertThat(p.getServed().getOutput()).isEqualTo(all.get(id).getOutput());
            double diff = 0;
            for (int i = 0; i < p.getServed().getOutput().size(); i++) {
                diff = Math.max(
                        diff,
                        Math.abs((double) p.getServed().getOutput().get(i)
                                - p.getShadow().getOutput().get(i)));
            }
            assertThat(p.getMaxAbsDifference()).isEqualTo(diff);
        }
    }

    /** The fused subtask that serves {@code eventId}: the job keys records by {@link EventKey} before serving. */
    static int subtaskOf(String eventId) {
        return KeyGroupRangeAssignment.assignKeyToParallelOperator(
                EventKey.of(eventId), KeyGroupRangeAssignment.computeDefaultMaxParallelism(PARALLELISM), PARALLELISM);
    }

    /** The version each of {@code readings} was served by, as the prediction names it: version to count. */
    static Map<String, Integer> versions(Map<String, Prediction> all, List<SensorReading> readings) {
        Map<String, Integer> out = new HashMap<>();
        for (SensorReading r : readings) {
            out.merge(version(all.get(r.getEventId())), 1, Integer::sum);
        }
        return out;
    }

    /** {@code name:version} of the model a prediction names. */
    static String version(Prediction p) {
        return p.getModel().getName() + ":" + p.getModel().getVersion();
    }

    static String id(ModelBundle b) {
        return b.name() + ":" + b.version();
    }

    /**
     * Asserts that the prediction of every reading names one of {@code versions} and equals that
     * version's reference model within {@link ReferenceModel#TOLERANCE}.
     */
    static void assertEachEqualsItsVersionsReference(
            Map<String, Prediction> all, List<SensorReading> readings, ModelBundle... versions) {
        Map<String, List<SensorReading>> byVersion = new HashMap<>();
        for (SensorReading r : readings) {
            byVersion
                    .computeIfAbsent(version(all.get(r.getEventId())), v -> new ArrayList<>())
                    .add(r);
        }
        List<String> known = Arrays.stream(versions).map(RolloutJob::id).toList();
        assertThat(known).as("versions the predictions name").containsAll(byVersion.keySet());
        for (ModelBundle b : versions) {
            List<SensorReading> served = byVersion.getOrDefault(id(b), List.of());
            Map<String, float[]> want = referenceOutputs(b, served);
            for (SensorReading r : served) {
                Prediction p = all.get(r.getEventId());
                assertThat(relativeError(p.getOutput(), want.get(r.getEventId())))
                        .as("relative error of %s against %s's reference", r.getEventId(), id(b))
                        .isLessThanOrEqualTo(ReferenceModel.TOLERANCE);
            }
        }
    }

    /** The outputs of {@code b}'s reference model for {@code readings}, by event id. */
    static Map<String, float[]> referenceOutputs(ModelBundle b, List<SensorReading> readings) {
        Map<String, float[]> out = new HashMap<>();
        if (readings.isEmpty()) {
            return out;
        }
        int d = b.inputDim();
        int od = b.outputDim();
        int n = readings.size();
        float[] x = new float[n * d];
        int[] tasks = new int[n];
        for (int r = 0; r < n; r++) {
            List<Float> f = readings.get(r).getFeatures();
            for (int j = 0; j < d; j++) {
                x[r * d + j] = f.get(j);
            }
            tasks[r] = b.taskIndex(readings.get(r).getTask());
        }
        try (ReferenceModel ref = ReferenceModel.open(b, RuntimeOptions.cpu())) {
            float[] all = ref.predict(x, n, tasks);
            for (int r = 0; r < n; r++) {
                out.put(readings.get(r).getEventId(), Arrays.copyOfRange(all, r * od, (r + 1) * od));
            }
        }
        return out;
    }

    /** Relative error of {@code got} against {@code want} as {@link ReferenceModel} measures it; widths must agree. */
    static double relativeError(List<Float> got, float[] want) {
        assertThat(got).as("output width").hasSize(want.length);
        float[] g = new float[got.size()];
        for (int i = 0; i < g.length; i++) {
            g[i] = got.get(i);
        }
        return ReferenceModel.relativeError(g, 0, want, 0, want.length);
    }

    /** Cancels the job. */
    @Override
    public void close() throws Exception {
        if (client != null) {
            client.cancel().get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        }
    }
}
