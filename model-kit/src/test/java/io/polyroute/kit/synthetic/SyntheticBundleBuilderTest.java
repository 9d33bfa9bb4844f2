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
package io.polyroute.kit.synthetic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.polyroute.runtime.bundle.BundleLoader;
import io.polyroute.runtime.bundle.CombineMode;
import io.polyroute.runtime.bundle.ModelBundle;
import io.polyroute.runtime.bundle.StageInput;
import io.polyroute.runtime.bundle.StageSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class SyntheticBundleBuilderTest {
    @TempDir
    Path dir;

    @Test
    void shouldWriteTheDesignLayoutWithDefaults() throws IOException {
        ModelBundle bundle = SyntheticBundleBuilder.create().build(dir.resolve("default"));
        StageSpec st = bundle.stage(0);
        assertThat(bundle.inputDim()).isEqualTo(32);
        assertThat(bundle.outputDim()).isEqualTo(32);
        assertThat(st.expertCount()).isEqualTo(8);
        assertThat(st.topK()).isEqualTo(2);
        assertThat(st.combine()).isEqualTo("weighted_sum");
        assertThat(bundle.manifest().checksums())
                .containsOnlyKeys(
                        "gate.onnx",
                        "reference.onnx",
                        "experts/e00.onnx",
                        "experts/e01.onnx",
                        "experts/e02.onnx",
                        "experts/e03.onnx",
                        "experts/e04.onnx",
                        "experts/e05.onnx",
                        "experts/e06.onnx",
                        "experts/e07.onnx");
        assertThat(BundleLoader.load(dir.resolve("default")).manifest()).isEqualTo(bundle.manifest());
    }

    @Test
    void shouldPutLaterStagesInTheirOwnFolders() throws IOException {
        ModelBundle bundle = SyntheticBundleBuilder.create()
                .experts(2)
                .topK(1)
                .stages(3)
                .stageInput(StageInput.CONCAT)
                .encoder(8, Activation.RELU)
                .sharedExpert(true)
                .inheritRouting(true)
                .build(dir.resolve("deep"));
        assertThat(bundle.manifest().checksums())
                .containsKeys(
                        "gate.onnx",
                        "encoder.onnx",
                        "shared.onnx",
                        "experts/e00.onnx",
                        "s1/encoder.onnx",
                        "s1/shared.onnx",
                        "s1/experts/e01.onnx",
                        "s2/experts/e00.onnx")
                .doesNotContainKeys("s1/gate.onnx", "s2/gate.onnx");
        assertThat(bundle.stage(1).routing()).isEqualTo("inherit");
        assertThat(bundle.stage(2).input()).isEqualTo("concat");
        assertThat(bundle.stageInputDim(1)).isEqualTo(32 + 32);
    }

    @Test
    void shouldDefaultTheTensorShapes() throws IOException {
        StageSpec order3 = SyntheticBundleBuilder.create()
                .combine(CombineMode.TENSORPOLY_RANK)
                .order(3)
                .reference(false)
                .build(dir.resolve("rank"))
                .stage(0);
        assertThat(order3.leafDim()).isEqualTo(4);
        assertThat(order3.expertOutputDim()).isEqualTo(12);
        assertThat(order3.outputDim()).isEqualTo(64);
        StageSpec order4 = SyntheticBundleBuilder.create()
                .combine(CombineMode.TENSORPOLY_ORDER)
                .order(4)
                .reference(false)
                .build(dir.resolve("order"))
                .stage(0);
        assertThat(order4.outputDim()).isEqualTo(64); // min(4^4, 64)
        assertThat(order4.order()).isEqualTo(4);
    }

    @Test
    void shouldWriteIdenticalFilesForTheSameSeed() throws IOException {
        SyntheticBundleBuilder b = SyntheticBundleBuilder.create()
                .combine(CombineMode.TENSORPOLY_ORDER)
                .seed(99);
        ModelBundle first = b.build(dir.resolve("a"));
        ModelBundle second = b.build(dir.resolve("b"));
        ModelBundle other = b.seed(100).build(dir.resolve("c"));
        assertThat(second.manifest().checksums()).isEqualTo(first.manifest().checksums());
        assertThat(other.manifest().checksums().get("gate.onnx"))
                .isNotEqualTo(first.manifest().checksums().get("gate.onnx"));
    }

    @Test
    void shouldKeepAnExpertsWeightsWhenTheExpertCountChanges() throws IOException {
        ModelBundle four =
                SyntheticBundleBuilder.create().experts(4).reference(false).build(dir.resolve("four"));
        ModelBundle six =
                SyntheticBundleBuilder.create().experts(6).reference(false).build(dir.resolve("six"));
        assertThat(six.manifest().checksums().get("experts/e03.onnx"))
                .isEqualTo(four.manifest().checksums().get("experts/e03.onnx"));
    }

    @Test
    @Timeout(300)
    void shouldReportProgressOnALargeBuild() throws IOException {
        List<String> lines = new ArrayList<>();
        long start = System.nanoTime();
        SyntheticBundleBuilder.create()
                .experts(64)
                .hidden(4096)
                .progress(lines::add)
                .build(dir.resolve("large"));
        System.out.printf("E=64, hidden=4096 built in %.1f s%n", (System.nanoTime() - start) / 1e9);
        assertThat(lines).first().asString().startsWith("Generating 1 stage(s) of 64 experts (hidden 4096");
        assertThat(lines)
                .contains(
                        "Stage s0: 16/64 experts written.",
                        "Stage s0: 64/64 experts written.",
                        "Building the dense reference reference.onnx.");
        assertThat(lines).last().asString().contains("written and validated");
    }

    @Test
    void shouldCountTheParametersOfDeepExperts() {
        SyntheticSpec spec = SyntheticBundleBuilder.create()
                .inputDim(8)
                .hidden(16)
                .hiddenLayers(3)
                .outputDim(4)
                .sharedExpert(true)
                .experts(2)
                .spec();
        // 8 -> 16 -> 16 -> 16 -> 4 with biases.
        long expert = 8 * 16 + 16 + 2 * (16 * 16 + 16) + 16 * 4 + 4;
        assertThat(spec.expertParameters(0)).isEqualTo(expert);
        assertThat(spec.totalParameters()).isEqualTo(3 * expert + 8 * 2);
    }

    @Test
    void shouldNameTheOffendingOption() {
        assertRefused(b -> b.experts(0), "experts must be at least 1, but is 0.");
        assertRefused(b -> b.experts(4).topK(5), "topK must be between 1 and experts (4), but is 5.");
        assertRefused(b -> b.order(2), "order and leafDim apply only to the tensor combines");
        assertRefused(
                b -> b.combine(CombineMode.TENSORPOLY_RANK).order(2).leafDim(3).outputDim(10),
                "outputDim (the truncation d of tensorpoly_rank) must be between 1 and leafDim^order = 3^2 = 9");
        assertRefused(b -> b.combine(CombineMode.TENSORPOLY_ORDER).order(0), "order must be at least 1");
        assertRefused(b -> b.stageInput(StageInput.CONCAT), "stageInput applies to stages after the first");
        assertRefused(b -> b.stages(2).stageInput(StageInput.FEATURES), "stageInput must be PREVIOUS or CONCAT");
        assertRefused(b -> b.inheritRouting(true), "inheritRouting needs at least 2 stages");
        assertRefused(
                b -> b.encoder(32, Activation.TANH),
                "encoder width 32 must be smaller than the input width 32 of stage s0.");
        assertRefused(
                b -> b.stages(2).outputDim(8).encoder(10, Activation.TANH),
                "encoder width 10 must be smaller than the input width 8 of stage s1.");
        assertRefused(b -> b.gateOnTask(List.of("a", "a")), "gateOnTask lists a task twice");
        assertRefused(b -> b.version("../x"), "version '../x' must be a plain folder name");
        assertRefused(b -> b.experts(64).hidden(200_000), "reference.onnx would hold");
        assertRefused(b -> b.hiddenLayers(0), "hiddenLayers must be at least 1, but is 0.");
    }

    private void assertRefused(java.util.function.UnaryOperator<SyntheticBundleBuilder> options, String message) {
        assertThatThrownBy(() -> options.apply(SyntheticBundleBuilder.create()).build(dir.resolve("refused")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }
}
