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
package io.polyroute.kit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl;
import io.polyroute.kit.synthetic.Activation;
import io.polyroute.kit.synthetic.SyntheticBundleBuilder;
import io.polyroute.runtime.bundle.BundleLoader;
import io.polyroute.runtime.bundle.BundleManifest;
import io.polyroute.runtime.bundle.BundleValidationException;
import io.polyroute.runtime.bundle.CombineMode;
import io.polyroute.runtime.bundle.ManifestIO;
import io.polyroute.runtime.bundle.ModelBundle;
import io.polyroute.runtime.bundle.StageInput;
import io.polyroute.runtime.eval.MoeEvaluator;
import io.polyroute.runtime.eval.ReferenceModel;
import io.polyroute.runtime.onnx.RuntimeOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link BundlePacker}: bundles whose manifest has no or stale checksums are packed, the reference
 * composed from the bundle's own graphs matches the engine's evaluator to 1e-5 for every combine,
 * and what cannot be composed is refused naming the file, with {@code bundle.yaml} left as it was.
 */
@Timeout(120)
class BundlePackerTest {
    private static final List<String> TASKS = List.of("press", "lathe", "oven");

    @TempDir
    Path dir;

    static Stream<Arguments> shapes() {
        return Stream.of(
                Arguments.of("weighted_sum", (UnaryOperator<SyntheticBundleBuilder>) b -> b),
                Arguments.of("tensorpoly_rank", (UnaryOperator<SyntheticBundleBuilder>)
                        b -> b.combine(CombineMode.TENSORPOLY_RANK).order(3).leafDim(3)),
                Arguments.of("tensorpoly_order", (UnaryOperator<SyntheticBundleBuilder>)
                        b -> b.combine(CombineMode.TENSORPOLY_ORDER).order(2).leafDim(3)),
                Arguments.of("deep", (UnaryOperator<SyntheticBundleBuilder>) b -> b.stages(2)
                        .stageInput(StageInput.CONCAT)
                        .encoder(5, Activation.TANH)
                        .sharedExpert(true)),
                Arguments.of("inherit-task", (UnaryOperator<SyntheticBundleBuilder>)
                        b -> b.stages(2).inheritRouting(true).gateOnTask(TASKS)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("shapes")
    void shouldComposeAReferenceThatTheEvaluatorMatches(String name, UnaryOperator<SyntheticBundleBuilder> shape)
            throws Exception {
        Path bundleDir = dir.resolve(name);
        shape.apply(SyntheticBundleBuilder.create()
                        .inputDim(7)
                        .hidden(12)
                        .experts(5)
                        .topK(2)
                        .seed(11)
                        .reference(false))
                .build(bundleDir);
        stripChecksums(bundleDir);

        ModelBundle packed = BundlePacker.pack(bundleDir, true, null, line -> {});

        assertThat(packed.hasReference()).isTrue();
        assertThat(packed.manifest().checksums()).containsKey("reference.onnx");
        assertThat(maxError(BundleLoader.load(bundleDir), 2000)).isLessThanOrEqualTo(ReferenceModel.TOLERANCE);
    }

    @Test
    void shouldComposeTheSameFunctionAsTheKitsOwnReference() throws Exception {
        SyntheticBundleBuilder b = SyntheticBundleBuilder.create()
                .inputDim(6)
                .hidden(10)
                .experts(4)
                .topK(2)
                .combine(CombineMode.TENSORPOLY_ORDER)
                .seed(3);
        ModelBundle kit = b.build(dir.resolve("kit"));
        ModelBundle packed = BundlePacker.pack(kit.root(), true, dir.resolve("packed"), line -> {});

        assertThat(packed.root()).isEqualTo(dir.resolve("packed").toAbsolutePath());
        float[] x = random(500, 6, 9);
        try (ReferenceModel a = ReferenceModel.open(kit, RuntimeOptions.cpu());
                ReferenceModel c = ReferenceModel.open(packed, RuntimeOptions.cpu())) {
            float[] want = a.predict(x, 500, new int[500]);
            float[] got = c.predict(x, 500, new int[500]);
            int od = kit.outputDim();
            for (int r = 0; r < 500; r++) {
                assertThat(ReferenceModel.relativeError(got, r * od, want, r * od, od))
                        .isLessThanOrEqualTo(1e-6);
            }
        }
    }

    @Test
    void shouldReplaceStaleChecksumsAndListOnlyTheNamedFiles() throws Exception {
        Path bundleDir = dir.resolve("stale");
        SyntheticBundleBuilder.create()
                .inputDim(4)
                .hidden(4)
                .experts(3)
                .reference(false)
                .build(bundleDir);
        Path manifestFile = bundleDir.resolve(BundleManifest.FILE_NAME);
        BundleManifest m = ManifestIO.read(manifestFile);
        ManifestIO.write(
                withChecksums(m, Map.of("gate.onnx", "00".repeat(32), "gone.onnx", "11".repeat(32))), manifestFile);
        Files.writeString(bundleDir.resolve("1/notes.txt"), "training notes");

        ModelBundle packed = BundlePacker.pack(bundleDir, false, null, line -> {});

        assertThat(packed.manifest().checksums())
                .containsOnlyKeys("gate.onnx", "experts/e00.onnx", "experts/e01.onnx", "experts/e02.onnx");
        assertThat(packed.hasReference()).isFalse();
    }

    @Test
    void shouldRefuseConflictingOpsetsNamingTheFileAndKeepTheManifest() throws Exception {
        Path bundleDir = dir.resolve("opsets");
        SyntheticBundleBuilder.create()
                .inputDim(4)
                .hidden(4)
                .experts(3)
                .reference(false)
                .build(bundleDir);
        stripChecksums(bundleDir);
        Path expert = bundleDir.resolve("1/experts/e01.onnx");
        rewrite(
                expert,
                m -> m.setOpsetImport(
                        0, OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(16)));
        String before = Files.readString(bundleDir.resolve(BundleManifest.FILE_NAME));

        assertThatThrownBy(() -> BundlePacker.pack(bundleDir, true, null, line -> {}))
                .isInstanceOf(BundleValidationException.class)
                .hasMessageStartingWith(expert.toString())
                .hasMessageContaining("opset 16")
                .hasMessageContaining("opset_version=17");
        assertThat(Files.readString(bundleDir.resolve(BundleManifest.FILE_NAME)))
                .isEqualTo(before);
        assertThat(bundleDir.resolve("1/reference.onnx")).doesNotExist();
    }

    @Test
    void shouldRefuseAFixedBatchDimensionNamingTheFileAndTheFix() throws Exception {
        Path bundleDir = dir.resolve("fixed");
        SyntheticBundleBuilder.create()
                .inputDim(4)
                .hidden(4)
                .experts(3)
                .reference(false)
                .build(bundleDir);
        Path gate = bundleDir.resolve("1/gate.onnx");
        rewrite(
                gate,
                m -> m.getGraphBuilder()
                        .getInputBuilder(0)
                        .getTypeBuilder()
                        .getTensorTypeBuilder()
                        .getShapeBuilder()
                        .getDimBuilder(0)
                        .clearDimParam()
                        .setDimValue(1));

        assertThatThrownBy(() -> BundlePacker.pack(bundleDir, true, null, line -> {}))
                .isInstanceOf(BundleValidationException.class)
                .hasMessageStartingWith(gate.toString())
                .hasMessageContaining("fixed first dimension 1")
                .hasMessageContaining("dynamic_axes");
    }

    @Test
    void shouldRefuseAModelWhoseIoDoesNotMatchTheManifestNamingTheFile() throws Exception {
        Path bundleDir = dir.resolve("io");
        SyntheticBundleBuilder.create()
                .inputDim(4)
                .hidden(4)
                .experts(3)
                .reference(false)
                .build(bundleDir);
        // Expert 2's file replaced by the gate: its output is 'logits' of width 3, not 'y'.
        Files.copy(
                bundleDir.resolve("1/gate.onnx"),
                bundleDir.resolve("1/experts/e02.onnx"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);

        assertThatThrownBy(() -> BundlePacker.pack(bundleDir, false, null, line -> {}))
                .isInstanceOf(BundleValidationException.class)
                .hasMessageStartingWith(
                        bundleDir.resolve("1/experts/e02.onnx").toAbsolutePath().toString())
                .hasMessageContaining("no output named 'y'");
    }

    private static double maxError(ModelBundle bundle, int n) {
        int d = bundle.inputDim();
        int od = bundle.outputDim();
        float[] x = random(n, d, 5);
        int[] tasks = new int[n];
        Random rnd = new Random(6);
        for (int r = 0; r < n; r++) {
            tasks[r] =
                    bundle.tasks().isEmpty() ? -1 : rnd.nextInt(bundle.tasks().size());
        }
        double worst = 0;
        try (MoeEvaluator eval = MoeEvaluator.open(bundle, RuntimeOptions.cpu());
                ReferenceModel ref = ReferenceModel.open(bundle, RuntimeOptions.cpu())) {
            float[] got = eval.evaluate(x, n, tasks).output();
            float[] want = ref.predict(x, n, tasks);
            for (int r = 0; r < n; r++) {
                worst = Math.max(worst, ReferenceModel.relativeError(got, r * od, want, r * od, od));
            }
        }
        return worst;
    }

    private static float[] random(int n, int d, long seed) {
        Random rnd = new Random(seed);
        float[] x = new float[n * d];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (rnd.nextGaussian() * 1.5);
        }
        return x;
    }

    private static void stripChecksums(Path bundleDir) throws IOException {
        Path f = bundleDir.resolve(BundleManifest.FILE_NAME);
        ManifestIO.write(withChecksums(ManifestIO.read(f), null), f);
        assertThat(Files.readString(f)).doesNotContain("checksums");
    }

    private static BundleManifest withChecksums(BundleManifest m, Map<String, String> sums) {
        return new BundleManifest(
                m.format(),
                m.name(),
                m.version(),
                m.description(),
                m.input(),
                m.outputDim(),
                m.stages(),
                m.reference(),
                sums,
                m.quality());
    }

    private static void rewrite(Path model, java.util.function.Consumer<OnnxMl.ModelProto.Builder> change)
            throws IOException {
        OnnxMl.ModelProto.Builder b = OnnxMl.ModelProto.parseFrom(Files.readAllBytes(model)).toBuilder();
        change.accept(b);
        Files.write(model, b.build().toByteArray());
    }
}
