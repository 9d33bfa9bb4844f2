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
import static org.assertj.core.api.Assertions.within;

import io.polyroute.kit.onnx.ModelFragment;
import io.polyroute.kit.onnx.StageModels;
import io.polyroute.runtime.bundle.BundleManifest;
import io.polyroute.runtime.bundle.ExpertSpec;
import io.polyroute.runtime.bundle.InputSpec;
import io.polyroute.runtime.bundle.ModelBundle;
import io.polyroute.runtime.bundle.ModelRef;
import io.polyroute.runtime.bundle.StageSpec;
import io.polyroute.runtime.onnx.ModelSession;
import io.polyroute.runtime.onnx.RuntimeOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bundles written from hand-made fragments: a gate with fixed logits and experts that return the
 * one-hot of their own index, so that the reference's output is the routing weight vector itself.
 */
class KitBundlesTest {
    private static final int D = 3;

    @TempDir
    Path dir;

    @Test
    void shouldSelectTheLowestIndicesAmongEqualLogits() throws IOException {
        assertThat(referenceOutput("all-equal", new float[] {2f, 2f, 2f, 2f, 2f}, 2))
                .containsExactly(0.5f, 0.5f, 0f, 0f, 0f);
    }

    @Test
    void shouldSelectTheLowestIndicesAmongTiedRunnersUp() throws IOException {
        assertThat(referenceOutput("runners-up", new float[] {1f, 3f, 3f, 3f, 0f}, 2))
                .containsExactly(0f, 0.5f, 0.5f, 0f, 0f);
        float[] three = referenceOutput("three-of-four", new float[] {0f, 1f, 1f, 1f, 1f}, 3);
        assertThat(three[0]).isZero();
        assertThat(three[4]).isZero();
        for (int e = 1; e <= 3; e++) {
            assertThat(three[e]).isCloseTo(1f / 3, within(1e-7f));
        }
    }

    @Test
    void shouldWriteModelsUnderTheNamesTheManifestGives() throws IOException {
        BundleManifest m = manifest(
                5,
                2,
                new ModelRef("gate.onnx", "features", "scores"),
                new ModelRef("reference.onnx", "features", "prediction"));
        ModelBundle bundle = KitBundles.write(dir.resolve("named"), m, List.of(stage(new float[5], 5)), true);
        try (ModelSession s = ModelSession.open(bundle.resolve("gate.onnx"), "gate", RuntimeOptions.cpu())) {
            assertThat(s.inputs().get(0).name()).isEqualTo("features");
            assertThat(s.outputs().get(0).name()).isEqualTo("scores");
        }
        assertThat(bundle.manifest().checksums()).containsKeys("gate.onnx", "reference.onnx", "experts/e0.onnx");
    }

    @Test
    void shouldLeaveOutTheReferenceWhenNotAsked() throws IOException {
        ModelBundle bundle = KitBundles.write(
                dir.resolve("plain"),
                manifest(5, 2, ModelRef.of("gate.onnx"), ModelRef.of("reference.onnx")),
                List.of(stage(new float[5], 5)),
                false);
        assertThat(bundle.hasReference()).isFalse();
        assertThat(bundle.versionDir().resolve("reference.onnx")).doesNotExist();
    }

    @Test
    void shouldRefuseModelsThatDoNotFitTheManifest() {
        BundleManifest m = manifest(5, 2, ModelRef.of("gate.onnx"), null);
        StageModels fourExperts = new StageModels(null, constant(new float[5]), experts(4), null);
        assertThatThrownBy(() -> KitBundles.write(dir.resolve("a"), m, List.of(fourExperts), true))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("declares 5 experts, but 4 expert models were given");
        StageModels noGate = new StageModels(null, null, experts(5), null);
        assertThatThrownBy(() -> KitBundles.write(dir.resolve("b"), m, List.of(noGate), true))
                .hasMessageContaining("routes with its own gate, but no gate model was given");
        assertThatThrownBy(() -> KitBundles.write(dir.resolve("c"), m, List.of(), true))
                .hasMessageContaining("declares 1 stages, but models for 0 stages were given");
    }

    @Test
    void shouldRefuseAVersionFolderThatAlreadyHoldsFiles() throws IOException {
        Files.createDirectories(dir.resolve("old/1"));
        Files.writeString(dir.resolve("old/1/stale.onnx"), "stale");
        BundleManifest m = manifest(5, 2, ModelRef.of("gate.onnx"), null);
        assertThatThrownBy(() -> KitBundles.write(dir.resolve("old"), m, List.of(stage(new float[5], 5)), true))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("already holds files");
    }

    private float[] referenceOutput(String name, float[] logits, int k) throws IOException {
        int experts = logits.length;
        BundleManifest m = manifest(experts, k, ModelRef.of("gate.onnx"), ModelRef.of("reference.onnx"));
        ModelBundle bundle = KitBundles.write(dir.resolve(name), m, List.of(stage(logits, experts)), true);
        try (ModelSession s = ModelSession.open(bundle.resolve("reference.onnx"), name, RuntimeOptions.cpu())) {
            return s.run("x", new float[] {0.3f, -1.2f, 2.5f}, 1, "y");
        }
    }

    private static BundleManifest manifest(int experts, int k, ModelRef gate, ModelRef reference) {
        List<ExpertSpec> specs = new ArrayList<>();
        for (int e = 0; e < experts; e++) {
            specs.add(ExpertSpec.of("e" + e, "experts/e" + e + ".onnx"));
        }
        StageSpec stage = new StageSpec(
                "s0", null, null, null, null, gate, k, "weighted_sum", null, null, experts, experts, specs, null);
        return new BundleManifest(
                BundleManifest.FORMAT,
                "ties",
                "1",
                null,
                new InputSpec(D, null, null),
                experts,
                List.of(stage),
                reference,
                null,
                null);
    }

    private static StageModels stage(float[] logits, int experts) {
        return new StageModels(null, constant(logits), experts(experts), null);
    }

    private static List<ModelFragment> experts(int count) {
        List<ModelFragment> out = new ArrayList<>();
        for (int e = 0; e < count; e++) {
            float[] oneHot = new float[count];
            oneHot[e] = 1f;
            out.add(constant(oneHot));
        }
        return out;
    }

    /** A model whose output is {@code value} for every record: {@code x · 0 + value}. */
    private static ModelFragment constant(float[] value) {
        return (g, x) -> g.op(
                "Add",
                g.op("MatMul", x, g.constant("zeros", new float[D * value.length], D, value.length)),
                g.constant("value", value, value.length));
    }
}
