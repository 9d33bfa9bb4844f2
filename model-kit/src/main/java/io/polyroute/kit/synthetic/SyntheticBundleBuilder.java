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

import io.polyroute.kit.KitBundles;
import io.polyroute.kit.onnx.StageModels;
import io.polyroute.runtime.bundle.CombineMode;
import io.polyroute.runtime.bundle.ModelBundle;
import io.polyroute.runtime.bundle.StageInput;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Builds a bundle of random models for demos, tests and benchmarks: E experts per stage, each a
 * ReLU MLP {@code width → hidden (→ hidden ...) → P}, a linear gate with well-spread logits, optional encoder and
 * shared expert, one or more stages, and the dense {@code reference.onnx}. The same options and
 * seed always give byte-identical files.
 *
 * <pre>{@code
 * ModelBundle bundle = SyntheticBundleBuilder.create()
 *         .experts(16).topK(2)
 *         .combine(CombineMode.TENSORPOLY_ORDER).order(2).leafDim(8)
 *         .stages(2).stageInput(StageInput.CONCAT)
 *         .seed(7)
 *         .progress(System.out::println)
 *         .build(Path.of("models/demo"));
 * }</pre>
 *
 * <p>Every option is checked in {@link #build(Path)} before anything is written; a violation throws
 * an {@link IllegalArgumentException} that names the option.
 */
public final class SyntheticBundleBuilder {
    public static final String DEFAULT_NAME = "synthetic-moe";
    public static final String DEFAULT_VERSION = "1";
    public static final int DEFAULT_EXPERTS = 8;
    public static final int DEFAULT_TOP_K = 2;
    public static final int DEFAULT_ORDER = 2;
    public static final int DEFAULT_LEAF_DIM = 4;
    /** Upper bound of the default truncation d of the tensor combines. */
    public static final int DEFAULT_MAX_TENSOR_OUTPUT = 64;

    public static final int DEFAULT_INPUT_DIM = 32;
    public static final int DEFAULT_HIDDEN = 64;
    public static final long DEFAULT_SEED = 1L;
    /** Largest model (and reference) written, in bytes of float32 parameters; ONNX files stop at 2 GiB. */
    static final long MAX_MODEL_BYTES = 2_000_000_000L;

    private String name = DEFAULT_NAME;
    private String version = DEFAULT_VERSION;
    private String description;
    private long seed = DEFAULT_SEED;
    private int experts = DEFAULT_EXPERTS;
    private int topK = DEFAULT_TOP_K;
    private CombineMode combine = CombineMode.WEIGHTED_SUM;
    private Integer order;
    private Integer leafDim;
    private Integer outputDim;
    private int stages = 1;
    private StageInput stageInput;
    private int inputDim = DEFAULT_INPUT_DIM;
    private int hidden = DEFAULT_HIDDEN;
    private int hiddenLayers = 1;
    private Integer encoderDim;
    private Activation encoderActivation;
    private boolean sharedExpert;
    private boolean inheritRouting;
    private List<String> tasks = List.of();
    private boolean reference = true;
    private Consumer<String> progress = message -> {};

    private SyntheticBundleBuilder() {}

    public static SyntheticBundleBuilder create() {
        return new SyntheticBundleBuilder();
    }

    /** Bundle name in the manifest (default {@value #DEFAULT_NAME}). */
    public SyntheticBundleBuilder name(String name) {
        this.name = name;
        return this;
    }

    /** Version folder (default {@value #DEFAULT_VERSION}). */
    public SyntheticBundleBuilder version(String version) {
        this.version = version;
        return this;
    }

    /** Manifest description (default: a sentence listing the main options). */
    public SyntheticBundleBuilder description(String description) {
        this.description = description;
        return this;
    }

    /** Seed of every random weight (default {@value #DEFAULT_SEED}). */
    public SyntheticBundleBuilder seed(long seed) {
        this.seed = seed;
        return this;
    }

    /** Experts E per stage (default {@value #DEFAULT_EXPERTS}). */
    public SyntheticBundleBuilder experts(int experts) {
        this.experts = experts;
        return this;
    }

    /** Experts k selected per routing group (default {@value #DEFAULT_TOP_K}). */
    public SyntheticBundleBuilder topK(int topK) {
        this.topK = topK;
        return this;
    }

    /** How each stage combines its experts (default {@code weighted_sum}). */
    public SyntheticBundleBuilder combine(CombineMode combine) {
        this.combine = combine;
        return this;
    }

    /** Tensor order N of the tensor combines (default {@value #DEFAULT_ORDER}). */
    public SyntheticBundleBuilder order(int order) {
        this.order = order;
        return this;
    }

    /** Leaf width m of the tensor combines (default {@value #DEFAULT_LEAF_DIM}); experts output N·m values. */
    public SyntheticBundleBuilder leafDim(int leafDim) {
        this.leafDim = leafDim;
        return this;
    }

    /**
     * Width of every stage's output: the expert output width P for {@code weighted_sum} (default:
     * the input dim), the truncation d for the tensor combines (default {@code min(m^N, 64)}).
     */
    public SyntheticBundleBuilder outputDim(int outputDim) {
        this.outputDim = outputDim;
        return this;
    }

    /** Stages L (default 1). */
    public SyntheticBundleBuilder stages(int stages) {
        this.stages = stages;
        return this;
    }

    /** What stages after the first read: {@code PREVIOUS} (default) or {@code CONCAT}. */
    public SyntheticBundleBuilder stageInput(StageInput stageInput) {
        this.stageInput = stageInput;
        return this;
    }

    /** Record feature width D (default {@value #DEFAULT_INPUT_DIM}). */
    public SyntheticBundleBuilder inputDim(int inputDim) {
        this.inputDim = inputDim;
        return this;
    }

    /** Hidden width H of the expert MLPs (default {@value #DEFAULT_HIDDEN}). */
    public SyntheticBundleBuilder hidden(int hidden) {
        this.hidden = hidden;
        return this;
    }

    /**
     * Hidden layers of the expert MLPs, each {@code hidden} wide (default 1: {@code width → hidden → P}).
     * Deeper experts put their arithmetic in square {@code hidden × hidden} products, whose
     * activations stay small enough for the cache where one very wide layer streams them through memory.
     */
    public SyntheticBundleBuilder hiddenLayers(int hiddenLayers) {
        this.hiddenLayers = hiddenLayers;
        return this;
    }

    /** Gives every stage an encoder: one dense layer to {@code width} (smaller than the stage input). */
    public SyntheticBundleBuilder encoder(int width, Activation activation) {
        this.encoderDim = width;
        this.encoderActivation = activation;
        return this;
    }

    /** Gives every stage a shared expert whose output is added to the stage output (default off). */
    public SyntheticBundleBuilder sharedExpert(boolean sharedExpert) {
        this.sharedExpert = sharedExpert;
        return this;
    }

    /** Stages after the first reuse the first stage's routing ({@code routing: inherit}; default off). */
    public SyntheticBundleBuilder inheritRouting(boolean inheritRouting) {
        this.inheritRouting = inheritRouting;
        return this;
    }

    /** Gates read the one-hot of the record's task from this vocabulary ({@code gate_input: task}). */
    public SyntheticBundleBuilder gateOnTask(List<String> tasks) {
        this.tasks = tasks == null ? null : List.copyOf(tasks);
        return this;
    }

    /** Whether to write {@code reference.onnx} (default true). */
    public SyntheticBundleBuilder reference(boolean reference) {
        this.reference = reference;
        return this;
    }

    /** Receives one line per step of the build; useful for large bundles. */
    public SyntheticBundleBuilder progress(Consumer<String> progress) {
        this.progress = progress;
        return this;
    }

    /**
     * Validates the options, writes the bundle into {@code bundleDir} and returns it loaded.
     *
     * @throws IllegalArgumentException when an option is invalid (the message names it) or the
     *     version folder already holds files
     */
    public ModelBundle build(Path bundleDir) throws IOException {
        Objects.requireNonNull(bundleDir, "bundleDir");
        SyntheticSpec spec = spec();
        progress.accept("Generating " + spec.stages() + " stage(s) of " + spec.experts() + " experts (hidden "
                + spec.hidden() + (spec.hiddenLayers() > 1 ? " x " + spec.hiddenLayers() + " layers" : "") + ", "
                + spec.totalParameters() + " parameters in all), seed " + spec.seed() + ".");
        SyntheticModels generator = new SyntheticModels(spec);
        List<StageModels> models = new ArrayList<>(spec.stages());
        for (int s = 0; s < spec.stages(); s++) {
            models.add(generator.stage(s));
        }
        ModelBundle bundle =
                KitBundles.write(bundleDir, SyntheticManifest.of(spec), models, spec.reference(), progress);
        progress.accept("Bundle " + bundle + " written and validated.");
        return bundle;
    }

    /** The options with defaults applied, after {@link #sanityCheck()}. */
    SyntheticSpec spec() {
        sanityCheck();
        int m = leafDim == null ? DEFAULT_LEAF_DIM : leafDim;
        int n = order == null ? DEFAULT_ORDER : order;
        int out = outputDim != null
                ? outputDim
                : combine.isTensor() ? (int) Math.min(fullTensorWidth(m, n), DEFAULT_MAX_TENSOR_OUTPUT) : inputDim;
        SyntheticSpec spec = new SyntheticSpec(
                name,
                version,
                description,
                seed,
                experts,
                topK,
                combine,
                n,
                m,
                out,
                stages,
                stageInput == null ? StageInput.PREVIOUS : stageInput,
                inputDim,
                hidden,
                hiddenLayers,
                encoderDim == null ? 0 : encoderDim,
                encoderActivation,
                sharedExpert,
                inheritRouting,
                tasks,
                reference);
        checkDerived(spec);
        return spec;
    }

    private void sanityCheck() {
        require(name != null && !name.isBlank(), "name must not be blank.");
        require(
                version != null && version.matches("[A-Za-z0-9._-]+") && !version.matches("\\.+"),
                "version '" + version + "' must be a plain folder name (letters, digits, '.', '_', '-').");
        require(experts >= 1, "experts must be at least 1, but is " + experts + ".");
        require(
                topK >= 1 && topK <= experts,
                "topK must be between 1 and experts (" + experts + "), but is " + topK + ".");
        require(combine != null, "combine must be set.");
        checkCombine();
        require(stages >= 1, "stages must be at least 1, but is " + stages + ".");
        require(inputDim >= 1, "inputDim must be at least 1, but is " + inputDim + ".");
        require(hidden >= 1, "hidden must be at least 1, but is " + hidden + ".");
        require(hiddenLayers >= 1, "hiddenLayers must be at least 1, but is " + hiddenLayers + ".");
        if (stageInput != null) {
            require(stages >= 2, "stageInput applies to stages after the first, but stages is 1.");
            require(
                    stageInput != StageInput.FEATURES,
                    "stageInput must be PREVIOUS or CONCAT; stages after the first cannot read the features alone.");
        }
        require(
                !inheritRouting || stages >= 2,
                "inheritRouting needs at least 2 stages (the first stage has nothing to inherit), but stages is 1.");
        checkEncoder();
        require(tasks != null, "gateOnTask must not be null.");
        require(tasks.stream().noneMatch(t -> t == null || t.isBlank()), "gateOnTask has a blank task name.");
        require(new HashSet<>(tasks).size() == tasks.size(), "gateOnTask lists a task twice: " + tasks + ".");
        require(progress != null, "progress must not be null.");
    }

    private void checkCombine() {
        if (!combine.isTensor()) {
            require(
                    order == null && leafDim == null,
                    "order and leafDim apply only to the tensor combines ("
                            + CombineMode.TENSORPOLY_RANK.key() + ", " + CombineMode.TENSORPOLY_ORDER.key()
                            + "), not to " + combine.key() + ".");
            require(outputDim == null || outputDim >= 1, "outputDim must be at least 1, but is " + outputDim + ".");
            return;
        }
        int n = order == null ? DEFAULT_ORDER : order;
        int m = leafDim == null ? DEFAULT_LEAF_DIM : leafDim;
        require(n >= 1, "order must be at least 1, but is " + n + ".");
        require(m >= 1, "leafDim must be at least 1, but is " + m + ".");
        long full = fullTensorWidth(m, n);
        require(
                outputDim == null || outputDim >= 1 && outputDim <= full,
                "outputDim (the truncation d of "
                        + combine.key() + ") must be between 1 and leafDim^order = " + m + "^" + n
                        + (full == Long.MAX_VALUE ? "" : " = " + full) + ", but is " + outputDim + ".");
        require((long) n * m <= Integer.MAX_VALUE, "order × leafDim (the expert output width) is too large.");
    }

    private void checkEncoder() {
        if (encoderDim == null) {
            return;
        }
        require(encoderActivation != null, "encoder activation must be set.");
        require(encoderDim >= 1, "encoder width must be at least 1, but is " + encoderDim + ".");
    }

    /** Checks that need the defaulted options: widths of later stages and model sizes. */
    private static void checkDerived(SyntheticSpec spec) {
        for (int s = 0; s < spec.stages() && spec.encoderDim() > 0; s++) {
            require(
                    spec.encoderDim() < spec.stageInputDim(s),
                    "encoder width " + spec.encoderDim() + " must be smaller than the input width "
                            + spec.stageInputDim(s) + " of stage s" + s + ".");
        }
        for (int s = 0; s < spec.stages(); s++) {
            require(
                    spec.expertParameters(s) * Float.BYTES <= MAX_MODEL_BYTES,
                    "An expert of stage s" + s
                            + " would hold " + spec.expertParameters(s)
                            + " parameters, more than an ONNX file can store; "
                            + "lower hidden.");
            require(
                    spec.gateParameters(s) * Float.BYTES <= MAX_MODEL_BYTES,
                    "The gate of stage s" + s
                            + " would hold " + spec.gateParameters(s)
                            + " parameters, more than an ONNX file can store; "
                            + "use fewer experts.");
        }
        require(
                !spec.reference() || spec.totalParameters() * Float.BYTES <= MAX_MODEL_BYTES,
                "reference.onnx would hold " + spec.totalParameters() + " parameters, more than an ONNX file can "
                        + "store; set reference(false) or use fewer or smaller experts.");
    }

    /** {@code m^n}, or {@link Long#MAX_VALUE} when that overflows. */
    private static long fullTensorWidth(int m, int n) {
        long r = 1;
        for (int i = 0; i < n; i++) {
            if (r > Long.MAX_VALUE / m) {
                return Long.MAX_VALUE;
            }
            r *= m;
        }
        return r;
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
