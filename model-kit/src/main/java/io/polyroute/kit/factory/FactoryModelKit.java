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
package io.polyroute.kit.factory;

import io.polyroute.kit.KitBundles;
import io.polyroute.kit.onnx.ModelFragment;
import io.polyroute.kit.onnx.StageModels;
import io.polyroute.runtime.bundle.BundleManifest;
import io.polyroute.runtime.bundle.EncoderSpec;
import io.polyroute.runtime.bundle.ExpertSpec;
import io.polyroute.runtime.bundle.InputSpec;
import io.polyroute.runtime.bundle.ModelBundle;
import io.polyroute.runtime.bundle.ModelRef;
import io.polyroute.runtime.bundle.OutputSpec;
import io.polyroute.runtime.bundle.StageSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Trains and writes the {@code factory-moe} bundle: a health-score model of the synthetic factory
 * ({@link FactorySimulator}) with one expert per machine type, fitted without an autograd
 * framework, plus its dense {@code reference.onnx} and held-out quality figures.
 *
 * <ul>
 *   <li>encoder: standardisation + PCA to 16 components, fitted on all training records;
 *   <li>gate: multinomial logistic regression on the encoded features, one class per machine type;
 *   <li>experts: per machine type, a projection onto the type's 3 leading local principal
 *       directions (whitened), 256 random ReLU units whose kinks pass through training points, and a
 *       ridge-fitted read-out of the health log-odds, squashed by a sigmoid;
 *   <li>combine: {@code weighted_sum}, top-1 (top-2 measured slightly worse, see the report);
 *   <li>output: the health score in (0, 1), {@code output_dim} 1; at or above
 *       {@link FactorySimulator#ANOMALY_THRESHOLD} it is an anomaly.
 * </ul>
 *
 * <pre>{@code
 * FactoryBuild b = FactoryModelKit.build(Path.of("models/factory-moe"), 42L, System.out::println);
 * System.out.println(b.report());
 * }</pre>
 */
public final class FactoryModelKit {
    /** Name of the bundle, and of its folder in a model repository. */
    public static final String BUNDLE_NAME = "factory-moe";
    /** Version folder the kit writes. */
    public static final String VERSION = "1";
    /** Seed used when the caller has no preference. */
    public static final long DEFAULT_SEED = 42L;
    /** Name of the only stage. */
    static final String STAGE = "health";

    /** The name of the factory bundle's one output ({@code output.names}): the health score, {@code >= 0.5} an anomaly. */
    public static final String OUTPUT_NAME = "health_score";

    private FactoryModelKit() {}

    /**
     * Fits the models, writes the bundle into {@code outDir} (the bundle folder: {@code
     * outDir/bundle.yaml}, {@code outDir/1/...}) and returns it with its quality report.
     *
     * @param seed chooses the training and held-out records and the random units; the factory is the
     *     same for every seed
     * @param progress receives one line per step, the quality table last
     * @throws IllegalArgumentException when {@code outDir}'s version folder already holds files
     * @throws IOException when a file cannot be written
     */
    public static FactoryBuild build(Path outDir, long seed, Consumer<String> progress) throws IOException {
        return build(outDir, seed, VERSION, FactoryFitter.Config.DEFAULT, progress);
    }

    /**
     * Like {@link #build(Path, long, Consumer)}, with the manifest version {@code version} (also the
     * version folder): another seed and version give a second version of the same model, for rollouts.
     */
    public static FactoryBuild build(Path outDir, long seed, String version, Consumer<String> progress)
            throws IOException {
        return build(outDir, seed, version, FactoryFitter.Config.DEFAULT, progress);
    }

    static FactoryBuild build(Path outDir, long seed, FactoryFitter.Config config, Consumer<String> progress)
            throws IOException {
        return build(outDir, seed, VERSION, config, progress);
    }

    static FactoryBuild build(
            Path outDir, long seed, String version, FactoryFitter.Config config, Consumer<String> progress)
            throws IOException {
        Objects.requireNonNull(outDir, "outDir");
        Consumer<String> out = progress == null ? line -> {} : progress;
        long start = System.nanoTime();
        FactoryFitter.Fitted fitted = FactoryFitter.fit(seed, config, out);
        FactoryMoe moe = fitted.moe();
        List<ModelFragment> experts = new ArrayList<>(moe.experts);
        StageModels models = new StageModels(moe.encoder, moe.gate, experts, null);
        BundleManifest manifest = manifest(moe, fitted.report().toManifest(), version);
        ModelBundle bundle = KitBundles.write(outDir, manifest, List.of(models), true, out);
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        out.accept(fitted.report().toString());
        out.accept(String.format(
                java.util.Locale.ROOT,
                "factory-moe written to %s in %.1f s",
                bundle.root(),
                elapsed.toMillis() / 1000.0));
        return new FactoryBuild(bundle, fitted.report(), elapsed);
    }

    private static BundleManifest manifest(FactoryMoe moe, Map<String, Object> quality, String version) {
        List<ExpertSpec> experts = new ArrayList<>();
        for (String type : FactorySimulator.MACHINE_TYPES) {
            experts.add(ExpertSpec.of(type, "experts/" + type + ".onnx"));
        }
        StageSpec stage = new StageSpec(
                STAGE,
                "features",
                new EncoderSpec("encoder.onnx", null, null, moe.encoder.out()),
                "gate",
                "features",
                ModelRef.of("gate.onnx"),
                moe.topK,
                "weighted_sum",
                null,
                null,
                1,
                1,
                experts,
                null);
        InputSpec input = new InputSpec(
                FactorySimulator.FEATURE_COUNT, FactorySimulator.MACHINE_TYPES, FactorySimulator.FEATURE_NAMES);
        String description = "Health score of " + FactorySimulator.MACHINE_TYPES.size()
                + " machine types from " + FactorySimulator.FEATURE_COUNT + " sensor channels: standardise+PCA"
                + " encoder, logistic-regression gate, one random-feature ReLU expert per machine type."
                + " Output: health score in (0, 1); " + FactorySimulator.ANOMALY_THRESHOLD + " or more is an anomaly."
                + " input.tasks lists the machine types (the record's task); the gate reads the features.";
        return new BundleManifest(
                BundleManifest.FORMAT,
                BUNDLE_NAME,
                version,
                description,
                input,
                1,
                new OutputSpec(List.of(OUTPUT_NAME)),
                List.of(stage),
                ModelRef.of(KitBundles.DEFAULT_REFERENCE_FILE),
                Map.of(),
                quality);
    }
}
