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
package io.polyroute.cli;

import io.polyroute.kit.factory.FactoryBuild;
import io.polyroute.kit.factory.FactoryModelKit;
import io.polyroute.kit.synthetic.Activation;
import io.polyroute.kit.synthetic.SyntheticBundleBuilder;
import io.polyroute.kit.tlora.TloraModelKit;
import io.polyroute.runtime.bundle.CombineMode;
import io.polyroute.runtime.bundle.ModelBundle;
import io.polyroute.runtime.bundle.StageInput;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code polyroute bundle build}: write a complete bundle (models, manifest, checksums, reference). */
@Command(
        name = "build",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Build a complete bundle with its dense reference.onnx, made by Polyroute's own code:",
            "  --synthetic  random ReLU-MLP experts, any combine mode, for tests and benchmarks",
            "  --factory    the trained factory health MoE the demo serves (docs/model-kit.md)",
            "  --tlora      TensorPoly-I (TLoRA) served as two stages of linear experts"
        })
final class BundleBuildCommand implements Callable<Integer> {

    static final class Kind {
        @Option(names = "--synthetic", required = true, description = "Random synthetic bundle.")
        boolean synthetic;

        @Option(names = "--factory", required = true, description = "The trained factory-moe bundle.")
        boolean factory;

        @Option(names = "--tlora", required = true, description = "A TensorPoly-I (TLoRA) bundle.")
        boolean tlora;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Kind kind;

    @Option(
            names = "--out",
            required = true,
            paramLabel = "DIR",
            description = "Bundle folder to write (new or empty).")
    Path out;

    @Option(names = "--seed", description = "Random seed (default: 1; factory: 42).")
    Long seed;

    @Option(
            names = "--bundle-version",
            paramLabel = "VERSION",
            description = "synthetic: the manifest's version, e.g. 2 for a second version to roll out (default: 1).")
    String bundleVersion;

    @Option(
            names = "--experts",
            defaultValue = "8",
            description = "synthetic: experts per stage (default: ${DEFAULT-VALUE}).")
    int experts;

    @Option(
            names = "--top-k",
            defaultValue = "2",
            description = "synthetic/tlora: experts selected per group (default: ${DEFAULT-VALUE}).")
    int topK;

    @Option(
            names = "--combine",
            defaultValue = "weighted_sum",
            description = "synthetic: weighted_sum, tensorpoly_rank or tensorpoly_order (default: ${DEFAULT-VALUE}).")
    String combine;

    @Option(
            names = "--order",
            description = "synthetic: tensor order N (default 2); tlora: factor order N (default 2).")
    Integer order;

    @Option(names = "--leaf-dim", description = "synthetic: tensor leaf width m (default 4).")
    Integer leafDim;

    @Option(
            names = "--stages",
            defaultValue = "1",
            description = "synthetic: number of stages (default: ${DEFAULT-VALUE}).")
    int stages;

    @Option(names = "--stage-input", description = "synthetic: what later stages read: previous (default) or concat.")
    String stageInput;

    @Option(names = "--inherit-routing", description = "synthetic: later stages reuse the first stage's routing.")
    boolean inherit;

    @Option(
            names = "--encoder",
            paramLabel = "WIDTH",
            description = "synthetic: add a tanh encoder of this width to every stage.")
    Integer encoder;

    @Option(names = "--shared-expert", description = "synthetic: add a shared expert every record visits.")
    boolean shared;

    @Option(names = "--input-dim", description = "synthetic: features per record (default 32); tlora: D (default 16).")
    Integer inputDim;

    @Option(
            names = "--output-dim",
            description = "synthetic: expert output width (default = input dim); tlora: output width (default 16).")
    Integer outputDim;

    @Option(
            names = "--hidden",
            defaultValue = "64",
            description = "synthetic: expert hidden width (default: ${DEFAULT-VALUE}).")
    int hidden;

    @Option(
            names = "--hidden-layers",
            defaultValue = "1",
            description =
                    "synthetic: hidden layers of each expert, all " + "--hidden wide (default: ${DEFAULT-VALUE}).")
    int hiddenLayers;

    @Option(
            names = "--skills",
            defaultValue = "4",
            description = "tlora: number of skills S (default: ${DEFAULT-VALUE}).")
    int skills;

    @Option(names = "--rank", defaultValue = "4", description = "tlora: adapter rank r (default: ${DEFAULT-VALUE}).")
    int rank;

    @Option(
            names = "--route-on-task",
            description = "tlora: route on the record's task (one-hot) instead of its features.")
    boolean routeOnTask;

    @Override
    public Integer call() throws Exception {
        long t0 = System.nanoTime();
        ModelBundle bundle;
        if (bundleVersion != null && !kind.synthetic) {
            throw new IllegalArgumentException("--bundle-version applies to --synthetic bundles only.");
        }
        if (kind.factory) {
            FactoryBuild build =
                    FactoryModelKit.build(out, seed == null ? FactoryModelKit.DEFAULT_SEED : seed, System.out::println);
            bundle = build.bundle();
        } else if (kind.tlora) {
            bundle = TloraModelKit.build(
                    out,
                    skills,
                    order == null ? 2 : order,
                    rank,
                    inputDim == null ? 16 : inputDim,
                    outputDim == null ? 16 : outputDim,
                    routeOnTask,
                    seed == null ? 1 : seed);
        } else {
            bundle = synthetic().build(out);
        }
        System.out.printf(
                "wrote bundle %s version %s to %s in %.1f s%n",
                bundle.name(), bundle.version(), bundle.root(), (System.nanoTime() - t0) / 1e9);
        return 0;
    }

    private SyntheticBundleBuilder synthetic() {
        CombineMode mode = CombineMode.parse(combine)
                .orElseThrow(() -> new IllegalArgumentException(
                        "--combine '" + combine + "' is unknown; expected one of " + CombineMode.allKeys()));
        SyntheticBundleBuilder b = SyntheticBundleBuilder.create()
                .experts(experts)
                .topK(topK)
                .combine(mode)
                .stages(stages)
                .hidden(hidden)
                .hiddenLayers(hiddenLayers)
                .seed(seed == null ? SyntheticBundleBuilder.DEFAULT_SEED : seed)
                .progress(System.out::println);
        if (bundleVersion != null) {
            b.version(bundleVersion);
        }
        if (stageInput != null) {
            b.stageInput(StageInput.parse(stageInput)
                    .orElseThrow(() -> new IllegalArgumentException(
                            "--stage-input '" + stageInput + "' is unknown; expected previous or concat")));
        }
        if (inherit) {
            b.inheritRouting(true);
        }
        if (shared) {
            b.sharedExpert(true);
        }
        if (order != null) {
            b.order(order);
        }
        if (leafDim != null) {
            b.leafDim(leafDim);
        }
        if (inputDim != null) {
            b.inputDim(inputDim);
        }
        if (outputDim != null) {
            b.outputDim(outputDim);
        }
        if (encoder != null) {
            b.encoder(encoder, Activation.TANH);
        }
        return b;
    }
}
