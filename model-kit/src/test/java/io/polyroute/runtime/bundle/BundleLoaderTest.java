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
package io.polyroute.runtime.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl;
import io.polyroute.kit.onnx.OnnxGraph;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BundleLoaderTest {
    @TempDir
    Path dir;

    @Test
    void shouldLoadAValidBundleAndDeriveStageWidths() throws IOException {
        ModelBundle b = TinyBundles.linear(dir);
        assertThat(BundleLoader.load(dir).stageWidth(0)).isEqualTo(TinyBundles.D);
        assertThat(b.stage(0).expertCount()).isEqualTo(TinyBundles.E);
    }

    @Test
    void shouldRefuseAMissingFileNamingIt() throws IOException {
        TinyBundles.linear(dir);
        Files.delete(dir.resolve("1/experts/e2.onnx"));
        assertThatThrownBy(() -> BundleLoader.load(dir))
                .isInstanceOf(BundleValidationException.class)
                .hasMessageContaining("e2.onnx")
                .hasMessageContaining("missing");
    }

    @Test
    void shouldRefuseAChecksumMismatchAfterOneByteChanged() throws IOException {
        TinyBundles.linear(dir);
        Path f = dir.resolve("1/experts/e1.onnx");
        byte[] bytes = Files.readAllBytes(f);
        bytes[bytes.length - 3] ^= 1;
        Files.write(f, bytes);
        assertThatThrownBy(() -> BundleLoader.load(dir))
                .isInstanceOf(BundleValidationException.class)
                .hasMessageContaining("e1.onnx")
                .hasMessageContaining("SHA-256 mismatch");
    }

    @Test
    void shouldLeaveTheReferenceToTheClientWhenLoadingForServingButCheckEveryServedModel() throws IOException {
        Path b = dir.resolve("served");
        io.polyroute.kit.synthetic.SyntheticBundleBuilder.create()
                .inputDim(8)
                .hidden(8)
                .experts(3)
                .topK(2)
                .build(b);
        flipOneBit(b.resolve("1/reference.onnx"));
        assertThatThrownBy(() -> BundleLoader.load(b))
                .isInstanceOf(BundleValidationException.class)
                .hasMessageContaining("reference.onnx")
                .hasMessageContaining("SHA-256 mismatch");
        assertThat(BundleLoader.loadForServing(b).stage(0).expertCount()).isEqualTo(3);

        flipOneBit(b.resolve("1/experts/e01.onnx"));
        assertThatThrownBy(() -> BundleLoader.loadForServing(b))
                .isInstanceOf(BundleValidationException.class)
                .hasMessageContaining("e01.onnx")
                .hasMessageContaining("SHA-256 mismatch");
        // The manifest alone reads no model file.
        assertThat(BundleLoader.loadManifest(b).stage(0).expertCount()).isEqualTo(3);
    }

    @Test
    void shouldStillRefuseABadManifestWhenLoadingTheManifestAlone() throws IOException {
        TinyBundles.linear(dir);
        Files.writeString(
                dir.resolve(BundleManifest.FILE_NAME),
                Files.readString(dir.resolve(BundleManifest.FILE_NAME)) + "unknown_key: 1\n");
        assertThatThrownBy(() -> BundleLoader.loadManifest(dir))
                .isInstanceOf(BundleValidationException.class)
                .hasMessageContaining("unknown_key");
    }

    private static void flipOneBit(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length - 3] ^= 1;
        Files.write(file, bytes);
    }

    @Test
    void shouldRefuseCorruptOnnxBytesEvenWithAMatchingChecksum() throws IOException {
        TinyBundles.linear(dir);
        Files.write(dir.resolve("1/experts/e0.onnx"), new byte[] {1, 2, 3, 4, 5, 6, 7});
        rewriteChecksums();
        assertThatThrownBy(() -> BundleLoader.load(dir))
                .isInstanceOf(BundleValidationException.class)
                .hasMessageContaining("e0.onnx")
                .hasMessageContaining("not a loadable ONNX model");
    }

    @Test
    void shouldRefuseAnExpertWithTheWrongInputWidth() throws IOException {
        TinyBundles.linear(dir);
        TinyBundles.linearModel(new Random(1), TinyBundles.D + 1, TinyBundles.P, "y")
                .save(dir.resolve("1/experts/e3.onnx"));
        rewriteChecksums();
        assertThatThrownBy(() -> BundleLoader.load(dir))
                .isInstanceOf(BundleValidationException.class)
                .hasMessageContaining("e3.onnx")
                .hasMessageContaining("input 'x' has width 7, but the manifest implies 6");
    }

    @Test
    void shouldRefuseAnExpertWithTheWrongOutputWidth() throws IOException {
        TinyBundles.linear(dir);
        TinyBundles.linearModel(new Random(1), TinyBundles.D, TinyBundles.P + 2, "y")
                .save(dir.resolve("1/experts/e3.onnx"));
        rewriteChecksums();
        assertThatThrownBy(() -> BundleLoader.load(dir))
                .isInstanceOf(BundleValidationException.class)
                .hasMessageContaining("e3.onnx")
                .hasMessageContaining("output 'y' has width 5, but the manifest implies 3");
    }

    @Test
    void shouldRefuseAModelWithTheWrongElementType() throws IOException {
        TinyBundles.linear(dir);
        OnnxGraph g = new OnnxGraph("double-in");
        String x = g.input("x", TinyBundles.D, OnnxMl.TensorProto.DataType.DOUBLE);
        String xf = g.op("Cast", io.polyroute.kit.onnx.Attrs.of().i("to", 1), x);
        g.output(
                g.dense(xf, new float[TinyBundles.D * TinyBundles.P], null, TinyBundles.D, TinyBundles.P, false),
                "y",
                TinyBundles.P);
        g.save(dir.resolve("1/experts/e1.onnx"));
        rewriteChecksums();
        assertThatThrownBy(() -> BundleLoader.load(dir))
                .isInstanceOf(BundleValidationException.class)
                .hasMessageContaining("e1.onnx")
                .hasMessageContaining("element type DOUBLE, but float32");
    }

    @Test
    void shouldRefuseAnUnknownCombineMode() throws IOException {
        TinyBundles.linear(dir);
        editStage(s -> withCombine(s, "mean"));
        assertThatThrownBy(() -> BundleLoader.load(dir))
                .isInstanceOf(BundleValidationException.class)
                .hasMessageContaining("bundle.yaml")
                .hasMessageContaining("unknown combine mode 'mean'")
                .hasMessageContaining("weighted_sum, tensorpoly_rank, tensorpoly_order");
    }

    @Test
    void shouldRefuseTopKLargerThanTheExpertCount() throws IOException {
        TinyBundles.linear(dir);
        editStage(s -> new StageSpec(
                s.name(),
                s.input(),
                s.encoder(),
                s.routing(),
                s.gateInput(),
                s.gate(),
                9,
                s.combine(),
                s.order(),
                s.leafDim(),
                s.expertOutputDim(),
                s.outputDim(),
                s.experts(),
                s.sharedExpert()));
        assertThatThrownBy(() -> BundleLoader.load(dir))
                .isInstanceOf(BundleValidationException.class)
                .hasMessageContaining("top_k 9 must be between 1 and the expert count 4");
    }

    @Test
    void shouldRefuseInheritRoutingFromAStageWithADifferentExpertCount() throws IOException {
        TinyBundles.linear(dir);
        BundleManifest m = ManifestIO.read(dir.resolve("bundle.yaml"));
        StageSpec s0 = m.stages().get(0);
        List<ExpertSpec> three = new ArrayList<>(s0.experts().subList(0, 3));
        StageSpec s1 = new StageSpec(
                "s1",
                "previous",
                null,
                "inherit",
                null,
                null,
                2,
                "weighted_sum",
                null,
                null,
                TinyBundles.P,
                TinyBundles.P,
                three,
                null);
        write(new BundleManifest(
                m.format(),
                m.name(),
                m.version(),
                m.description(),
                m.input(),
                m.outputDim(),
                List.of(s0, s1),
                m.reference(),
                m.checksums(),
                m.quality()));
        assertThatThrownBy(() -> BundleLoader.load(dir))
                .isInstanceOf(BundleValidationException.class)
                .hasMessageContaining("routing 'inherit' needs the same expert count as stage 's0' (4)")
                .hasMessageContaining("has 3");
    }

    @Test
    void shouldRefuseAPathThatLeavesTheBundleFolder() throws IOException {
        TinyBundles.linear(dir);
        editStage(s -> new StageSpec(
                s.name(),
                s.input(),
                s.encoder(),
                s.routing(),
                s.gateInput(),
                ModelRef.of("../../etc/passwd"),
                s.topK(),
                s.combine(),
                s.order(),
                s.leafDim(),
                s.expertOutputDim(),
                s.outputDim(),
                s.experts(),
                s.sharedExpert()));
        assertThatThrownBy(() -> BundleLoader.load(dir))
                .isInstanceOf(BundleValidationException.class)
                .hasMessageContaining("points outside the bundle folder");
    }

    @Test
    void shouldRefuseAnUnknownManifestKeyWithItsLine() throws IOException {
        TinyBundles.linear(dir);
        Path manifest = dir.resolve("bundle.yaml");
        Files.writeString(manifest, Files.readString(manifest) + "colour: blue\n");
        assertThatThrownBy(() -> BundleLoader.load(dir))
                .isInstanceOf(BundleValidationException.class)
                .hasMessageContaining("colour")
                .hasMessageContaining("line");
    }

    @Test
    void shouldLoadOutputNamesAndShowThemInTheSummary() throws IOException {
        TinyBundles.linear(dir);
        withOutputNames(List.of("pressure", "wear", "heat"));

        ModelBundle b = BundleLoader.load(dir);

        assertThat(b.manifest().outputNames()).containsExactly("pressure", "wear", "heat");
        assertThat(BundleSummary.of(b)).contains("output      3 values: pressure, wear, heat");
        assertThat(Files.readString(dir.resolve("bundle.yaml"))).contains("output:\n  names:");
    }

    @Test
    void shouldReadABundleWithoutOutputNamesAsNamingNone() throws IOException {
        TinyBundles.linear(dir);
        assertThat(BundleLoader.load(dir).manifest().outputNames()).isEmpty();
        assertThat(BundleSummary.of(BundleLoader.load(dir))).contains("output      3 values\n");
    }

    @Test
    void shouldRefuseOutputNamesOfTheWrongLengthNamingTheFileAndTheKey() throws IOException {
        TinyBundles.linear(dir);
        withOutputNames(List.of("pressure", "wear"));
        assertThatThrownBy(() -> BundleLoader.load(dir))
                .isInstanceOf(BundleValidationException.class)
                .hasMessageContaining(dir.resolve("bundle.yaml").toString())
                .hasMessageContaining("output.names has 2 entries but output_dim is 3");
    }

    @Test
    void shouldRefuseDuplicateOrBlankOutputNames() throws IOException {
        TinyBundles.linear(dir);
        withOutputNames(List.of("wear", "heat", "wear"));
        assertThatThrownBy(() -> BundleLoader.load(dir))
                .isInstanceOf(BundleValidationException.class)
                .hasMessageContaining("output.names[2] 'wear' is used twice");
        withOutputNames(List.of("wear", " ", "heat"));
        assertThatThrownBy(() -> BundleLoader.load(dir))
                .isInstanceOf(BundleValidationException.class)
                .hasMessageContaining("output.names[1] is blank");
        withOutputNames(List.of());
        assertThatThrownBy(() -> BundleLoader.load(dir))
                .isInstanceOf(BundleValidationException.class)
                .hasMessageContaining("output.names is missing or empty");
    }

    @Test
    void shouldRefuseAnUnknownKeyUnderOutput() throws IOException {
        TinyBundles.linear(dir);
        Path manifest = dir.resolve("bundle.yaml");
        Files.writeString(manifest, Files.readString(manifest) + "output:\n  labels: [a, b, c]\n");
        assertThatThrownBy(() -> BundleLoader.load(dir))
                .isInstanceOf(BundleValidationException.class)
                .hasMessageContaining("labels");
    }

    private void withOutputNames(List<String> names) throws IOException {
        BundleManifest m = ManifestIO.read(dir.resolve("bundle.yaml"));
        write(new BundleManifest(
                m.format(),
                m.name(),
                m.version(),
                m.description(),
                m.input(),
                m.outputDim(),
                new OutputSpec(names),
                m.stages(),
                m.reference(),
                m.checksums(),
                m.quality()));
    }

    private void rewriteChecksums() throws IOException {
        BundleManifest m = ManifestIO.read(dir.resolve("bundle.yaml"));
        write(new BundleManifest(
                m.format(),
                m.name(),
                m.version(),
                m.description(),
                m.input(),
                m.outputDim(),
                m.output(),
                m.stages(),
                m.reference(),
                Checksums.ofTree(dir.resolve("1")),
                m.quality()));
    }

    private void editStage(UnaryOperator<StageSpec> edit) throws IOException {
        BundleManifest m = ManifestIO.read(dir.resolve("bundle.yaml"));
        write(new BundleManifest(
                m.format(),
                m.name(),
                m.version(),
                m.description(),
                m.input(),
                m.outputDim(),
                m.output(),
                List.of(edit.apply(m.stages().get(0))),
                m.reference(),
                m.checksums(),
                m.quality()));
    }

    private void write(BundleManifest m) throws IOException {
        ManifestIO.write(m, dir.resolve("bundle.yaml"));
    }

    private static StageSpec withCombine(StageSpec s, String combine) {
        return new StageSpec(
                s.name(),
                s.input(),
                s.encoder(),
                s.routing(),
                s.gateInput(),
                s.gate(),
                s.topK(),
                combine,
                s.order(),
                s.leafDim(),
                s.expertOutputDim(),
                s.outputDim(),
                s.experts(),
                s.sharedExpert());
    }
}
