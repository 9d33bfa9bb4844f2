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

import io.polyroute.kit.onnx.ModelFragment;
import io.polyroute.kit.onnx.StageModels;
import io.polyroute.kit.reference.DenseReference;
import io.polyroute.runtime.bundle.BundleManifest;
import io.polyroute.runtime.bundle.BundleWriter;
import io.polyroute.runtime.bundle.ExpertSpec;
import io.polyroute.runtime.bundle.ModelBundle;
import io.polyroute.runtime.bundle.ModelRef;
import io.polyroute.runtime.bundle.StageSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Writes a bundle from a manifest and the model fragments of its stages: every model to the file
 * the manifest names (with the manifest's input/output names and the widths it implies), the dense
 * {@code reference.onnx} when asked, then {@code bundle.yaml} with checksums, validated by loading.
 *
 * <pre>{@code
 * ModelBundle bundle = KitBundles.write(Path.of("models/demo"), manifest, stageModels, true);
 * }</pre>
 */
public final class KitBundles {
    /** Reference file used when the manifest asks for none but a reference is requested. */
    public static final String DEFAULT_REFERENCE_FILE = "reference.onnx";

    private KitBundles() {}

    /** {@link #write(Path, BundleManifest, List, boolean, Consumer)} without progress messages. */
    public static ModelBundle write(
            Path bundleDir, BundleManifest manifestWithoutChecksums, List<StageModels> models, boolean withReference)
            throws IOException {
        return write(bundleDir, manifestWithoutChecksums, models, withReference, message -> {});
    }

    /**
     * Writes the bundle into {@code bundleDir} and returns it loaded and validated.
     *
     * @param bundleDir the bundle folder; its version folder must not exist yet or be empty
     * @param manifestWithoutChecksums the manifest; its checksums are ignored and recomputed
     * @param models the model fragments of each stage, in the manifest's order
     * @param withReference whether to build the dense reference; when true the reference is saved
     *     to the file {@code manifest.reference()} names ({@value #DEFAULT_REFERENCE_FILE} if none),
     *     when false the manifest is written without a reference entry
     * @param progress receives one line per step, for long builds
     * @throws IllegalArgumentException when the models do not fit the manifest or the version
     *     folder already holds files
     * @throws io.polyroute.runtime.bundle.BundleValidationException when the written bundle fails
     *     validation
     */
    public static ModelBundle write(
            Path bundleDir,
            BundleManifest manifestWithoutChecksums,
            List<StageModels> models,
            boolean withReference,
            Consumer<String> progress)
            throws IOException {
        if (manifestWithoutChecksums.version() == null
                || manifestWithoutChecksums.version().isBlank()) {
            throw new IllegalArgumentException("The manifest declares no version; it names the version folder.");
        }
        BundleManifest manifest = withReferenceEntry(manifestWithoutChecksums, withReference);
        BundleModels bundle = BundleModels.of(manifest, models);
        Path versionDir = bundleDir.resolve(manifest.version());
        requireEmpty(versionDir);
        for (int s = 0; s < bundle.stageCount(); s++) {
            saveStage(versionDir, bundle, s, progress);
        }
        if (withReference) {
            progress.accept(
                    "Building the dense reference " + manifest.reference().file() + ".");
            DenseReference.build(manifest, models)
                    .save(versionDir.resolve(manifest.reference().file()));
        }
        progress.accept("Writing " + BundleManifest.FILE_NAME + " and validating the bundle.");
        return BundleWriter.finish(bundleDir, manifest);
    }

    private static void saveStage(Path versionDir, BundleModels bundle, int s, Consumer<String> progress)
            throws IOException {
        StageSpec st = bundle.spec(s);
        StageModels sm = bundle.models(s);
        String stage = st.name();
        if (sm.encoder() != null) {
            save(
                    versionDir,
                    sm.encoder(),
                    st.encoder().model(),
                    stage + "-encoder",
                    bundle.stageInputDim(s),
                    st.encoder().outputDim(),
                    ModelRef.DEFAULT_OUTPUT);
        }
        if (sm.gate() != null) {
            save(
                    versionDir,
                    sm.gate(),
                    st.gate(),
                    stage + "-gate",
                    bundle.gateInputDim(s),
                    st.groups() * st.expertCount(),
                    ModelRef.GATE_OUTPUT);
        }
        int width = bundle.stageWidth(s);
        for (int e = 0; e < st.expertCount(); e++) {
            ExpertSpec spec = st.experts().get(e);
            save(
                    versionDir,
                    sm.experts().get(e),
                    spec.model(),
                    stage + "-" + spec.id(),
                    width,
                    st.expertOutputDim(),
                    ModelRef.DEFAULT_OUTPUT);
            if ((e + 1) % 16 == 0 || e + 1 == st.expertCount()) {
                progress.accept("Stage " + stage + ": " + (e + 1) + "/" + st.expertCount() + " experts written.");
            }
        }
        if (sm.shared() != null) {
            save(
                    versionDir,
                    sm.shared(),
                    st.sharedExpert(),
                    stage + "-shared",
                    width,
                    st.outputDim(),
                    ModelRef.DEFAULT_OUTPUT);
        }
    }

    private static void save(
            Path versionDir,
            ModelFragment fragment,
            ModelRef ref,
            String graphName,
            int inWidth,
            int outWidth,
            String defaultOutput)
            throws IOException {
        fragment.save(
                versionDir.resolve(ref.file()),
                graphName,
                inWidth,
                ref.inputName(),
                outWidth,
                ref.outputName(defaultOutput));
    }

    private static BundleManifest withReferenceEntry(BundleManifest m, boolean withReference) {
        ModelRef ref =
                !withReference ? null : m.reference() != null ? m.reference() : ModelRef.of(DEFAULT_REFERENCE_FILE);
        return new BundleManifest(
                m.format(),
                m.name(),
                m.version(),
                m.description(),
                m.input(),
                m.outputDim(),
                m.output(),
                m.stages(),
                ref,
                null,
                m.quality());
    }

    private static void requireEmpty(Path versionDir) throws IOException {
        if (!Files.isDirectory(versionDir)) {
            return;
        }
        try (Stream<Path> entries = Files.list(versionDir)) {
            if (entries.findAny().isPresent()) {
                throw new IllegalArgumentException("The version folder " + versionDir + " already holds files; "
                        + "write a bundle into a new or empty version folder so that no stale file is checksummed.");
            }
        }
    }
}
