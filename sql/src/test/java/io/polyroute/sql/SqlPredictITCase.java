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
package io.polyroute.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.polyroute.avro.DeadLetter;
import io.polyroute.avro.ExpertChoice;
import io.polyroute.avro.Prediction;
import io.polyroute.avro.SensorReading;
import io.polyroute.kit.synthetic.SyntheticBundleBuilder;
import io.polyroute.runtime.bundle.ModelBundle;
import io.polyroute.runtime.eval.ReferenceModel;
import io.polyroute.sql.pipeline.SqlPipeline;
import io.polyroute.testing.JobHarness;
import io.polyroute.testing.KafkaBrokerExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.StatementSet;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SQL pipeline end to end: SensorReading Avro records on a Kafka topic, {@code ML_PREDICT} with
 * the {@code polyroute} model, Prediction Avro records on a Kafka topic (exactly-once sink) and the
 * bad rows as DeadLetters on another. Every prediction equals reference.onnx within 1e-5; every bad
 * record is exactly one dead letter with its reason.
 */
@Timeout(180)
class SqlPredictITCase {
    private static final int RECORDS = 3_000;
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

    private static ModelBundle bundle;

    @BeforeAll
    static void buildBundle() throws Exception {
        bundle = SyntheticBundleBuilder.create()
                .inputDim(16)
                .hidden(32)
                .experts(8)
                .topK(2)
                .seed(31)
                .build(bundles.resolve("sql-moe"));
    }

    @Test
    void shouldAnswerEveryReadingAsTheReferenceAndDeadLetterEveryBadOne() throws Exception {
        List<SensorReading> readings = JobHarness.randomReadings("sql", RECORDS, bundle.inputDim(), List.of(), 31);
        String input = KAFKA.createRandomTopic("sensors", 2);
        String output = KAFKA.createRandomTopic("predictions", 2);
        String dlq = KAFKA.createRandomTopic("dlq", 1);
        List<byte[]> values = new ArrayList<>(JobHarness.encode(readings));
        Map<String, String> badReasons = new HashMap<>();
        values.add("not avro: bad-0".getBytes(StandardCharsets.UTF_8));
        SensorReading shortOne = copy(readings.get(0), "bad-1", 15, false);
        SensorReading nan = copy(readings.get(1), "bad-2", 16, true);
        values.addAll(JobHarness.encode(List.of(shortOne, nan)));
        badReasons.put("bad-1", "WRONG_DIMENSION");
        badReasons.put("bad-2", "NON_FINITE");
        KAFKA.produceValues(input, values);

        SqlPipeline pipeline = SqlPipeline.builder()
                .bootstrapServers(KAFKA.bootstrapServers())
                .bundlePath(bundle.root().toString())
                .topics(input, output, dlq)
                .name("sql-it-" + input)
                .batch(64, 10)
                .bounded(true)
                .build();
        run(pipeline);

        Map<String, Prediction> got = JobHarness.predictionsById(KAFKA, output, RECORDS, DEADLINE);
        JobHarness.assertAnswersExactly(got, readings);
        assertThat(JobHarness.maxReferenceError(bundle, readings, got)).isLessThanOrEqualTo(ReferenceModel.TOLERANCE);
        Prediction any = got.get("sql-5");
        assertThat(any.getModel().getName().toString()).isEqualTo(bundle.name());
        assertThat(any.getModel().getVersion().toString()).isEqualTo(bundle.version());
        assertThat(any.getExperts()).hasSize(2);
        assertThat(any.getExperts().stream().map(ExpertChoice::getWeight).reduce(0f, Float::sum))
                .isCloseTo(1f, org.assertj.core.data.Offset.offset(1e-5f));

        List<DeadLetter> dead = JobHarness.deadLetters(KAFKA, dlq, 3, DEADLINE);
        Map<String, String> byId = new HashMap<>();
        for (DeadLetter d : dead) {
            String id = d.getEventId() == null
                    ? new String(bytes(d.getValue()), StandardCharsets.UTF_8).replace("not avro: ", "")
                    : d.getEventId().toString();
            assertThat(byId.put(id, d.getReason().name()))
                    .as("second dead letter for %s", id)
                    .isNull();
            assertThat(d.getTopic().toString()).isEqualTo(input);
            assertThat(d.getMessage().toString()).isNotBlank();
        }
        badReasons.put("bad-0", "UNDECODABLE");
        assertThat(byId).isEqualTo(badReasons);
    }

    @Test
    void shouldFailPlanningOnABadBundleNamingTheFile() throws Exception {
        Path broken = bundles.resolve("broken");
        ModelBundle b = SyntheticBundleBuilder.create()
                .inputDim(4)
                .hidden(8)
                .experts(2)
                .topK(1)
                .seed(3)
                .build(broken);
        Path gate = b.resolve(b.stage(0).gate().file());
        Files.write(gate, new byte[] {1, 2, 3});
        StreamTableEnvironment tEnv = tableEnv();
        tEnv.executeSql(
                "CREATE TABLE t (features ARRAY<FLOAT>) WITH ('connector' = 'datagen', 'number-of-rows' = '1')");
        tEnv.executeSql("CREATE MODEL m INPUT (features ARRAY<FLOAT>) OUTPUT (prediction ARRAY<FLOAT>)"
                + " WITH ('provider' = 'polyroute', 'bundle.path' = '" + broken + "')");
        assertThatThrownBy(() -> tEnv.explainSql("SELECT * FROM ML_PREDICT(TABLE t, MODEL m, DESCRIPTOR(features))"))
                .hasStackTraceContaining("bundle.path")
                .hasStackTraceContaining(gate.getFileName().toString());
    }

    /** A table environment on the MiniCluster; a failure fails the job (no restarts) so tests see it. */
    static StreamTableEnvironment tableEnv() {
        org.apache.flink.configuration.Configuration conf = new org.apache.flink.configuration.Configuration();
        conf.set(org.apache.flink.configuration.RestartStrategyOptions.RESTART_STRATEGY, "none");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        env.enableCheckpointing(500);
        return StreamTableEnvironment.create(env);
    }

    static void run(SqlPipeline pipeline) throws Exception {
        StreamTableEnvironment tEnv = tableEnv();
        pipeline.ddl().forEach(tEnv::executeSql);
        StatementSet set = tEnv.createStatementSet();
        pipeline.inserts().forEach(set::addInsertSql);
        set.execute().await();
    }

    static SensorReading copy(SensorReading r, String id, int dim, boolean nan) {
        List<Float> f = new ArrayList<>(r.getFeatures().subList(0, dim));
        if (nan) {
            f.set(3, Float.NaN);
        }
        return SensorReading.newBuilder(r).setEventId(id).setFeatures(f).build();
    }

    static byte[] bytes(java.nio.ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }
}
