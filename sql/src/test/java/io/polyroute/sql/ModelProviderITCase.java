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

import io.polyroute.kit.synthetic.SyntheticBundleBuilder;
import io.polyroute.runtime.bundle.ModelBundle;
import io.polyroute.runtime.eval.ReferenceModel;
import io.polyroute.runtime.onnx.RuntimeOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.api.ModelDescriptor;
import org.apache.flink.table.api.Schema;
import org.apache.flink.table.api.Table;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.types.ColumnList;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The provider without Kafka: the Table API form ({@code createTemporaryModel}, {@code
 * Model.predict}), per-feature numeric columns, the synchronous function, and every class of bad
 * row, each as an error row or, with {@code on-error = fail}, a failed job.
 */
@Timeout(120)
class ModelProviderITCase {
    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(2)
            .build());

    /** A NaN computed at run time: the planner folds constant expressions and cannot fold a NaN literal. */
    private static final String NAN = "SQRT(RAND() - 2)";

    @TempDir
    static Path bundles;

    private static ModelBundle bundle;
    private static ModelBundle taskBundle;

    @BeforeAll
    static void buildBundles() throws Exception {
        bundle = SyntheticBundleBuilder.create()
                .inputDim(8)
                .hidden(16)
                .experts(4)
                .topK(2)
                .seed(5)
                .build(bundles.resolve("plain"));
        taskBundle = SyntheticBundleBuilder.create()
                .inputDim(4)
                .hidden(8)
                .experts(3)
                .topK(1)
                .gateOnTask(List.of("press", "lathe", "mill"))
                .seed(6)
                .build(bundles.resolve("tasks"));
    }

    @Test
    void shouldPredictThroughTheTableApiAsTheReference() throws Exception {
        int n = 200;
        float[][] x = randomRows(n, bundle.inputDim(), 11);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            rows.add(Row.of("r" + i, boxed(x[i])));
        }
        StreamTableEnvironment tEnv = SqlPredictITCase.tableEnv();
        Table input = tEnv.fromValues(
                DataTypes.ROW(
                        DataTypes.FIELD("id", DataTypes.STRING()),
                        DataTypes.FIELD("features", DataTypes.ARRAY(DataTypes.FLOAT()))),
                rows);
        tEnv.createTemporaryModel(
                "plain_moe",
                ModelDescriptor.forProvider("polyroute")
                        .inputSchema(Schema.newBuilder()
                                .column("features", DataTypes.ARRAY(DataTypes.FLOAT()))
                                .build())
                        .outputSchema(Schema.newBuilder()
                                .column("p", DataTypes.ARRAY(DataTypes.FLOAT()))
                                .column("v", DataTypes.STRING())
                                .build())
                        .option("bundle.path", bundle.root().toString())
                        .option("output", "prediction,model_version")
                        .option("batch.size", "32")
                        .build());
        Table scored = tEnv.fromModel("plain_moe")
                .predict(input, ColumnList.of("features"), Map.of("max-concurrent-operations", "64"));

        Map<String, Row> got = collect(scored, "id");
        assertThat(got).hasSize(n);
        float[] flat = new float[n * bundle.inputDim()];
        for (int i = 0; i < n; i++) {
            System.arraycopy(x[i], 0, flat, i * bundle.inputDim(), bundle.inputDim());
        }
        try (ReferenceModel ref = ReferenceModel.open(bundle, RuntimeOptions.cpu())) {
            float[] want = ref.predict(flat, n, null);
            int od = bundle.outputDim();
            for (int i = 0; i < n; i++) {
                Row r = got.get("r" + i);
                float[] p = unboxed((Float[]) r.getField("p"));
                assertThat(ReferenceModel.relativeError(p, 0, want, i * od, od))
                        .as("row r%d", i)
                        .isLessThanOrEqualTo(ReferenceModel.TOLERANCE);
                assertThat(r.getField("v")).isEqualTo(bundle.version());
            }
        }
    }

    @Test
    void shouldYieldAnErrorRowForEachBadRowClass() throws Exception {
        StreamTableEnvironment tEnv = SqlPredictITCase.tableEnv();
        tEnv.executeSql("CREATE TEMPORARY VIEW readings (id, features, task) AS VALUES"
                + " ('good', CAST(ARRAY[0.5, 1.0, -1.0, 2.0] AS ARRAY<FLOAT>), 'lathe'),"
                + " ('short', CAST(ARRAY[0.5, 1.0, -1.0] AS ARRAY<FLOAT>), 'lathe'),"
                + " ('nan', CAST(ARRAY[" + NAN + ", 1.0, -1.0, 2.0] AS ARRAY<FLOAT>), 'lathe'),"
                + " ('task', CAST(ARRAY[0.5, 1.0, -1.0, 2.0] AS ARRAY<FLOAT>), 'drill'),"
                + " ('none', CAST(NULL AS ARRAY<FLOAT>), 'mill')");
        tEnv.executeSql("CREATE MODEL task_moe INPUT (features ARRAY<FLOAT>, task STRING)"
                + " OUTPUT (prediction ARRAY<FLOAT>, experts ARRAY<ROW<stage INT, expert INT, weight DOUBLE>>,"
                + " error STRING) WITH ('provider' = 'polyroute', 'bundle.path' = '" + taskBundle.root() + "')");
        for (String async : List.of("true", "false")) {
            Map<String, Row> got = collect(
                    tEnv.sqlQuery(
                            "SELECT id, prediction, experts, error FROM ML_PREDICT(TABLE readings, MODEL task_moe,"
                                    + " DESCRIPTOR(features, task), MAP['async', '" + async + "'])"),
                    "id");
            assertThat(got.get("good").getField("error")).as("async=%s", async).isNull();
            assertThat((Float[]) got.get("good").getField("prediction")).hasSize(taskBundle.outputDim());
            assertThat((Row[]) got.get("good").getField("experts")).hasSize(1);
            assertThat(got.get("short").getField("error").toString()).startsWith("WRONG_DIMENSION:");
            assertThat(got.get("nan").getField("error").toString()).startsWith("NON_FINITE:");
            assertThat(got.get("task").getField("error").toString())
                    .startsWith("UNKNOWN_TASK:")
                    .contains("drill");
            assertThat(got.get("none").getField("error").toString()).startsWith("NULL_VALUE:");
            for (String bad : List.of("short", "nan", "task", "none")) {
                assertThat(got.get(bad).getField("prediction")).as(bad).isNull();
                assertThat(got.get(bad).getField("experts")).as(bad).isNull();
            }
        }
    }

    @Test
    void shouldTakeOneNumericColumnPerFeature() throws Exception {
        StreamTableEnvironment tEnv = SqlPredictITCase.tableEnv();
        tEnv.executeSql("CREATE TEMPORARY VIEW cols (id, a, b, c, d, task) AS VALUES"
                + " ('x', CAST(0.5 AS FLOAT), CAST(1 AS INT), CAST(-1.0 AS DOUBLE), CAST(2 AS BIGINT), 'mill')");
        tEnv.executeSql("CREATE MODEL cols_moe INPUT (a FLOAT, b INT, c DOUBLE, d BIGINT, task STRING)"
                + " OUTPUT (prediction ARRAY<FLOAT>) WITH ('provider' = 'polyroute', 'bundle.path' = '"
                + taskBundle.root() + "')");
        Row r = collect(
                        tEnv.sqlQuery(
                                "SELECT id, prediction FROM ML_PREDICT(TABLE cols, MODEL cols_moe, DESCRIPTOR(a, b, c, d, task))"),
                        "id")
                .get("x");
        try (ReferenceModel ref = ReferenceModel.open(taskBundle, RuntimeOptions.cpu())) {
            float[] want = ref.predict(new float[] {0.5f, 1, -1, 2}, 1, new int[] {taskBundle.taskIndex("mill")});
            float[] got = unboxed((Float[]) r.getField("prediction"));
            assertThat(ReferenceModel.relativeError(got, 0, want, 0, want.length))
                    .isLessThanOrEqualTo(ReferenceModel.TOLERANCE);
        }
    }

    @Test
    void shouldFailTheJobOnABadRowWhenAsked() {
        StreamTableEnvironment tEnv = SqlPredictITCase.tableEnv();
        tEnv.executeSql("CREATE TEMPORARY VIEW single_row (features, task) AS VALUES" + " (CAST(ARRAY[" + NAN
                + ", 1.0, -1.0, 2.0] AS ARRAY<FLOAT>), 'lathe')");
        tEnv.executeSql("CREATE MODEL strict_moe INPUT (features ARRAY<FLOAT>, task STRING)"
                + " OUTPUT (prediction ARRAY<FLOAT>) WITH ('provider' = 'polyroute', 'on-error' = 'fail',"
                + " 'bundle.path' = '" + taskBundle.root() + "')");
        assertThatThrownBy(() -> collect(
                        tEnv.sqlQuery(
                                "SELECT * FROM ML_PREDICT(TABLE single_row, MODEL strict_moe, DESCRIPTOR(features, task))"),
                        "features"))
                .hasStackTraceContaining("strict_moe")
                .hasStackTraceContaining("NON_FINITE");
    }

    @Test
    void shouldRefuseAModelWhoseInputDoesNotFitTheBundle() {
        StreamTableEnvironment tEnv = SqlPredictITCase.tableEnv();
        tEnv.executeSql("CREATE TEMPORARY VIEW two (a, b) AS VALUES (CAST(1.0 AS FLOAT), CAST(2.0 AS FLOAT))");
        tEnv.executeSql("CREATE MODEL narrow INPUT (a FLOAT, b FLOAT) OUTPUT (prediction ARRAY<FLOAT>)"
                + " WITH ('provider' = 'polyroute', 'bundle.path' = '" + bundle.root() + "')");
        assertThatThrownBy(() -> tEnv.explainSql("SELECT * FROM ML_PREDICT(TABLE two, MODEL narrow, DESCRIPTOR(a, b))"))
                .hasStackTraceContaining("has 2 numeric columns but bundle")
                .hasStackTraceContaining("input.dim " + bundle.inputDim());
    }

    private static Map<String, Row> collect(Table t, String key) throws Exception {
        Map<String, Row> out = new HashMap<>();
        try (CloseableIterator<Row> it = t.execute().collect()) {
            while (it.hasNext()) {
                Row r = it.next();
                out.put(String.valueOf(r.getField(key)), r);
            }
        }
        return out;
    }

    private static float[][] randomRows(int n, int d, long seed) {
        Random rnd = new Random(seed);
        float[][] out = new float[n][d];
        for (float[] row : out) {
            for (int j = 0; j < d; j++) {
                row[j] = (float) rnd.nextGaussian();
            }
        }
        return out;
    }

    private static Float[] boxed(float[] v) {
        Float[] out = new Float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i];
        }
        return out;
    }

    private static float[] unboxed(Float[] v) {
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i];
        }
        return out;
    }
}
