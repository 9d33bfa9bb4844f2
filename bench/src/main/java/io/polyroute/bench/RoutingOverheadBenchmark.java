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
package io.polyroute.bench;

import io.polyroute.kit.synthetic.SyntheticBundleBuilder;
import io.polyroute.runtime.bundle.CombineMode;
import io.polyroute.runtime.bundle.ModelBundle;
import io.polyroute.runtime.eval.Evaluation;
import io.polyroute.runtime.eval.ExpertRuntime;
import io.polyroute.runtime.eval.GateRuntime;
import io.polyroute.runtime.eval.MoeEvaluator;
import io.polyroute.runtime.onnx.Device;
import io.polyroute.runtime.onnx.RuntimeOptions;
import io.polyroute.runtime.routing.Combiner;
import io.polyroute.runtime.routing.Gating;
import io.polyroute.runtime.routing.RoutingDecision;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The core's routing + combine overhead against the ONNX Runtime time of the selected experts.
 *
 * <p>One stage, E=16 ReLU-MLP experts {@code 32 → 256 → 32}, top-2, {@code weighted_sum}, a batch
 * of 256 records, one benchmark thread and one ONNX Runtime intra-op thread. Every benchmark
 * processes the same batch; scores are per record ({@link OperationsPerInvocation} = batch size),
 * so multiply by 256 for the time per batch.
 *
 * <ul>
 *   <li>{@link #evaluate}: {@code MoeEvaluator.evaluate}, the whole fused path (gate, routing,
 *       one batched run per selected expert over 2 × 256 rows in all, combine);
 *   <li>{@link #expertsOnly}: exactly the expert runs {@code evaluate} makes on this batch, with
 *       the rows already grouped per expert;
 *   <li>{@link #gateOnly}: the gate's ONNX run;
 *   <li>{@link #routeAndCombine}: top-k + softmax of the gate logits and the combine of
 *       precomputed expert outputs, pure Java, no ONNX Runtime.
 * </ul>
 *
 * <p>Overhead of routing + combine = {@code (evaluate − expertsOnly) / expertsOnly}; it includes
 * the gate run, the gathering of rows per expert and the scattering of results. Setup checks that
 * the precomputed pieces reproduce {@code evaluate}'s output bit for bit.
 *
 * <p>On a machine shared with other work, add {@code -prof io.polyroute.bench.CpuTimeProfiler}
 * (CPU time next to wall-clock time) and {@code -bm sample} (percentiles per batch), or run
 * {@link OverheadProbe}, which times the four cases back to back under the same load.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@OperationsPerInvocation(RoutingOverheadBenchmark.BATCH)
@Threads(1)
@Fork(
        value = 3,
        jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
public class RoutingOverheadBenchmark {
    static final int BATCH = 256;

    @Param("16")
    int experts = 16;

    @Param("2")
    int topK = 2;

    @Param("32")
    int inputDim = 32;

    @Param("256")
    int hidden = 256;

    private Path dir;
    private MoeEvaluator evaluator;
    private GateRuntime stage;
    private ExpertRuntime stageExperts;
    private Combiner combiner;

    private float[] features;
    private float[] logits;
    /** Rows of the batch that selected expert {@code x}, gathered as the evaluator does; null when none. */
    private float[][] expertRows;

    private int[] expertRowCount;
    /** Each expert's batched output, as {@code ExpertRuntime.runExpert} returned it. */
    private float[][] expertOutputs;
    /** {@code rowOffsets[r][x]}: where record r's row starts in {@code expertOutputs[x]}. */
    private int[][] rowOffsets;

    private float[] combined;
    private float[][] expertsOnlyOut;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        dir = Files.createTempDirectory("polyroute-bench-");
        ModelBundle bundle = SyntheticBundleBuilder.create()
                .experts(experts)
                .topK(topK)
                .inputDim(inputDim)
                .hidden(hidden)
                .combine(CombineMode.WEIGHTED_SUM)
                .outputDim(inputDim)
                .reference(false)
                .seed(11)
                .build(dir.resolve("bundle"));
        RuntimeOptions options =
                RuntimeOptions.builder().device(Device.CPU).intraOpThreads(1).build();
        evaluator = MoeEvaluator.open(bundle, options);
        evaluator.preloadExperts();
        stage = evaluator.gate(0);
        stageExperts = evaluator.experts(0);
        combiner = Combiner.forStage(stage.spec());

        SplittableRandom rnd = new SplittableRandom(5);
        features = new float[BATCH * inputDim];
        for (int i = 0; i < features.length; i++) {
            features[i] = (float) rnd.nextGaussian();
        }

        logits = stage.logits(features, BATCH, null);
        RoutingDecision[] decisions = Gating.routeBatch(logits, BATCH, 1, experts, topK, null);

        // Group the batch per selected expert, in record order, as MoeEvaluator does.
        int w = stage.width();
        int p = stageExperts.expertOutputDim();
        int[][] members = new int[experts][];
        expertRowCount = new int[experts];
        for (RoutingDecision d : decisions) {
            for (int i = 0; i < d.visitedCount(); i++) {
                expertRowCount[d.visitedExpert(i)]++;
            }
        }
        int[] fill = new int[experts];
        for (int x = 0; x < experts; x++) {
            members[x] = new int[expertRowCount[x]];
        }
        for (int r = 0; r < BATCH; r++) {
            for (int i = 0; i < decisions[r].visitedCount(); i++) {
                int x = decisions[r].visitedExpert(i);
                members[x][fill[x]++] = r;
            }
        }
        expertRows = new float[experts][];
        expertOutputs = new float[experts][];
        rowOffsets = new int[BATCH][experts];
        for (int x = 0; x < experts; x++) {
            int m = expertRowCount[x];
            if (m == 0) {
                continue;
            }
            float[] rows = new float[m * w];
            for (int i = 0; i < m; i++) {
                System.arraycopy(features, members[x][i] * w, rows, i * w, w);
                rowOffsets[members[x][i]][x] = i * p;
            }
            expertRows[x] = rows;
            expertOutputs[x] = stageExperts.runExpert(x, rows, m);
        }
        combined = new float[BATCH * stage.outputDim()];
        expertsOnlyOut = new float[experts][];

        // The pieces must be exactly what the fused path does: same routing, same expert rows.
        float[] fused = evaluator.evaluate(features, BATCH, null).output();
        float[] pieces = routeAndCombine();
        if (!Arrays.equals(fused, pieces)) {
            throw new IllegalStateException("The precomputed expert runs do not reproduce MoeEvaluator.evaluate.");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        if (evaluator != null) {
            evaluator.close();
        }
        if (dir != null) {
            deleteTree(dir);
        }
    }

    /** (a) The whole fused path on one batch. */
    @Benchmark
    public Evaluation evaluate() {
        return evaluator.evaluate(features, BATCH, null);
    }

    /** (b) The expert runs of (a) alone, on rows grouped in advance. */
    @Benchmark
    public float[][] expertsOnly() {
        for (int x = 0; x < experts; x++) {
            int m = expertRowCount[x];
            if (m > 0) {
                expertsOnlyOut[x] = stageExperts.runExpert(x, expertRows[x], m);
            }
        }
        return expertsOnlyOut;
    }

    /** The arrays {@link #expertsOnly} fills (null for experts no record selected). */
    float[][] expertsOnlyOutputs() {
        return expertsOnlyOut;
    }

    /** (c) The gate alone. */
    @Benchmark
    public float[] gateOnly() {
        return stage.logits(features, BATCH, null);
    }

    /**
     * (d) Top-k + softmax on precomputed logits and the combine of precomputed expert outputs,
     * read in place from each expert's batched output as the evaluator does.
     */
    @Benchmark
    public float[] routeAndCombine() {
        RoutingDecision[] decisions = Gating.routeBatch(logits, BATCH, 1, experts, topK, null);
        int od = combiner.outputDim();
        for (int r = 0; r < BATCH; r++) {
            combiner.combine(decisions[r], expertOutputs, rowOffsets[r], combined, r * od);
        }
        return combined;
    }

    private static void deleteTree(Path root) throws IOException {
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                if (e != null) {
                    throw new UncheckedIOException(e);
                }
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
