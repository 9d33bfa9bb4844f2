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
package io.polyroute.runtime.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.polyroute.kit.onnx.Attrs;
import io.polyroute.kit.onnx.OnnxGraph;
import io.polyroute.kit.synthetic.SyntheticBundleBuilder;
import io.polyroute.runtime.bundle.ModelBundle;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Batched runs: gathered rows, pinned outputs, buffer reuse across batch sizes and threads. */
class ModelSessionTest {
    private static final int D = 32;

    @TempDir
    static Path dir;

    private static Path expertFile;
    private static ModelSession session;

    @BeforeAll
    static void open() throws Exception {
        ModelBundle bundle = SyntheticBundleBuilder.create()
                .experts(2)
                .topK(1)
                .hidden(16)
                .reference(false)
                .seed(3)
                .build(dir.resolve("b"));
        expertFile = bundle.resolve(bundle.stage(0).experts().get(0).file());
        session = ModelSession.open(expertFile, "expert 0", RuntimeOptions.cpu());
    }

    @AfterAll
    static void close() {
        session.close();
    }

    @Test
    void shouldMatchAPlainOnnxRuntimeRunForEveryBatchSize() throws Exception {
        Random rnd = new Random(1);
        // Large, small, larger again: the per-thread buffers are reused and grown.
        for (int rows : new int[] {300, 1, 7, 2000, 64}) {
            float[] x = random(rnd, rows * D);
            assertThat(session.run("x", x, rows, "y")).containsExactly(plainRun(x, rows));
        }
    }

    @Test
    void shouldRunGatheredRowsExactlyAsTheSameRowsCopiedOut() {
        Random rnd = new Random(2);
        int n = 50;
        float[] source = random(rnd, n * D);
        int[] rowIndex = {49, 0, 7, 7, 23, 1};
        float[] gathered = new float[rowIndex.length * D];
        for (int i = 0; i < rowIndex.length; i++) {
            System.arraycopy(source, rowIndex[i] * D, gathered, i * D, D);
        }
        assertThat(session.runRows("x", source, D, rowIndex, rowIndex.length, "y"))
                .containsExactly(session.run("x", gathered, rowIndex.length, "y"));
        assertThat(session.runRows("x", source, D, rowIndex, 2, "y"))
                .containsExactly(session.run("x", java.util.Arrays.copyOf(gathered, 2 * D), 2, "y"));
        assertThat(session.runRows("x", source, D, rowIndex, 0, "y")).isEmpty();
    }

    @Test
    void shouldRefuseRowsThatDoNotFitTheSource() {
        assertThatThrownBy(() -> session.runRows("x", new float[10], D, new int[] {0}, 1, "y"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot take 1 rows of width 32");
    }

    @Test
    void shouldGiveEachThreadItsOwnBuffers() throws Exception {
        Random rnd = new Random(3);
        float[][] inputs = new float[4][];
        float[][] expected = new float[4][];
        for (int t = 0; t < 4; t++) {
            inputs[t] = random(rnd, (10 + 40 * t) * D);
            expected[t] = plainRun(inputs[t], 10 + 40 * t);
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            Future<?>[] f = new Future<?>[4];
            for (int t = 0; t < 4; t++) {
                int id = t;
                f[t] = pool.submit(() -> {
                    for (int i = 0; i < 200; i++) {
                        assertThat(session.run("x", inputs[id], inputs[id].length / D, "y"))
                                .containsExactly(expected[id]);
                    }
                    return null;
                });
            }
            for (Future<?> x : f) {
                x.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void shouldSplitABatchLargerThanTheRowLimitIntoRunsOfAtMostThatManyRows() throws Exception {
        // A model that writes the row count of its run into every output value shows the split.
        Path counter = dir.resolve("rows.onnx");
        OnnxGraph g = new OnnxGraph("rows");
        String x = g.input("x", 3);
        String n = g.op(
                "Cast",
                Attrs.of().i("to", 1),
                g.op("Shape", Attrs.of().i("start", 0).i("end", 1), x));
        g.output(g.op("Add", g.op("Mul", x, g.constant("zero", new float[] {0f}, 1)), n), "y", 3);
        g.save(counter);
        RuntimeOptions four =
                RuntimeOptions.builder().device(Device.CPU).maxRowsPerRun(4).build();
        try (ModelSession limited = ModelSession.open(counter, "rows", four)) {
            assertThat(limited.maxRowsPerRun()).isEqualTo(4);
            float[] y = limited.run("x", new float[10 * 3], 10, "y");
            float[] expected = new float[30];
            for (int r = 0; r < 10; r++) {
                java.util.Arrays.fill(expected, r * 3, r * 3 + 3, r < 8 ? 4f : 2f);
            }
            assertThat(y).containsExactly(expected);
            float[] gathered = limited.runRows("x", new float[6 * 3], 3, new int[] {5, 4, 3, 2, 1, 0}, 6, "y");
            assertThat(gathered)
                    .containsExactly(4f, 4f, 4f, 4f, 4f, 4f, 4f, 4f, 4f, 4f, 4f, 4f, 2f, 2f, 2f, 2f, 2f, 2f);
            float[] two = limited.run(new String[] {"x"}, new float[][] {new float[5 * 3]}, 5, "y");
            assertThat(two).containsExactly(4f, 4f, 4f, 4f, 4f, 4f, 4f, 4f, 4f, 4f, 4f, 4f, 1f, 1f, 1f);
        }
        try (ModelSession unlimited = ModelSession.open(
                counter,
                "rows",
                RuntimeOptions.builder().device(Device.CPU).maxRowsPerRun(0).build())) {
            assertThat(unlimited.run("x", new float[10 * 3], 10, "y")).containsOnly(10f);
        }
        assertThat(RuntimeOptions.cpu().maxRowsPerRun(false)).isEqualTo(RuntimeOptions.CPU_ROWS_PER_RUN);
    }

    @Test
    void shouldGiveTheSameOutputsInRunsOfAnySizeAsInOneRun() {
        Random rnd = new Random(4);
        int rows = 1000;
        float[] x = random(rnd, rows * D);
        int[] rowIndex = new int[rows];
        for (int i = 0; i < rows; i++) {
            rowIndex[i] = rnd.nextInt(rows);
        }
        try (ModelSession one = ModelSession.open(
                        expertFile,
                        "expert 0",
                        RuntimeOptions.builder()
                                .device(Device.CPU)
                                .maxRowsPerRun(0)
                                .build());
                ModelSession split = ModelSession.open(
                        expertFile,
                        "expert 0",
                        RuntimeOptions.builder()
                                .device(Device.CPU)
                                .maxRowsPerRun(37)
                                .build())) {
            assertThat(split.run("x", x, rows, "y")).containsExactly(one.run("x", x, rows, "y"));
            assertThat(split.runRows("x", x, D, rowIndex, rows, "y"))
                    .containsExactly(one.runRows("x", x, D, rowIndex, rows, "y"));
        }
    }

    @Test
    void shouldTakeTheCpuRowLimitWhenAutoFallsBackToCpu() {
        // The suite runs the CPU artifact: device auto falls back to CPU, and so does the row limit.
        RuntimeOptions auto = RuntimeOptions.builder().device(Device.AUTO).build();
        assertThat(OrtRuntime.cudaUsable(auto)).isFalse();
        try (ModelSession s = ModelSession.open(expertFile, "expert 0", auto)) {
            assertThat(s.maxRowsPerRun()).isEqualTo(RuntimeOptions.CPU_ROWS_PER_RUN);
        }
        try (ModelSession s = ModelSession.open(
                expertFile,
                "expert 0",
                RuntimeOptions.builder().device(Device.AUTO).maxRowsPerRun(0).build())) {
            assertThat(s.maxRowsPerRun()).isEqualTo(Integer.MAX_VALUE);
        }
    }

    @Test
    void shouldRefuseANegativeRowLimit() {
        assertThatThrownBy(() -> RuntimeOptions.builder().maxRowsPerRun(-5).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("runtime.max-rows-per-run");
    }

    /** The same model run with ONNX Runtime directly, output read back from the result. */
    private static float[] plainRun(float[] x, int rows) throws Exception {
        OrtEnvironment env = OrtRuntime.environment(1);
        try (OrtSession s = env.createSession(Files.readAllBytes(expertFile), new OrtSession.SessionOptions());
                OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), new long[] {rows, D});
                OrtSession.Result r = s.run(Map.of("x", in))) {
            FloatBuffer out = ((OnnxTensor) r.get(0)).getFloatBuffer();
            float[] y = new float[out.remaining()];
            out.get(y);
            return y;
        }
    }

    private static float[] random(Random rnd, int size) {
        float[] x = new float[size];
        for (int i = 0; i < size; i++) {
            x[i] = (float) rnd.nextGaussian();
        }
        return x;
    }
}
