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

import io.polyroute.runtime.onnx.ModelRuntimeException;
import io.polyroute.runtime.onnx.ModelSession;
import io.polyroute.runtime.onnx.OrtRuntime;
import io.polyroute.runtime.onnx.RuntimeOptions;
import io.polyroute.runtime.onnx.TensorSignature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Loads a model bundle and validates everything before a record is served: the manifest's
 * structure, that every file lies inside the version folder, the SHA-256 of every file, and each
 * ONNX model's input/output names, element types and widths against the manifest.
 *
 * <pre>{@code
 * ModelBundle bundle = BundleLoader.load(Path.of("models/factory-moe"));
 * }</pre>
 */
public final class BundleLoader {
    private BundleLoader() {}

    /** Loads and fully validates the bundle in {@code bundleDir}; throws {@link BundleValidationException}. */
    public static ModelBundle load(Path bundleDir) {
        return load(bundleDir, Scope.ALL, OrtRuntime.validationOptions());
    }

    /**
     * As {@link #load(Path)}, validating with the intra-op thread count of {@code options}: the
     * first session of a process fixes the size of ONNX Runtime's process-wide thread pool, so a
     * process that validates before it serves must validate with the serving options.
     */
    public static ModelBundle load(Path bundleDir, RuntimeOptions options) {
        return load(bundleDir, Scope.ALL, OrtRuntime.validationOptions(options));
    }

    /**
     * Loads the bundle for serving on a worker: validates everything {@link #load} does except the
     * dense reference model, which no operator runs. The reference is often as large as all
     * experts together; checking it in every subtask slowed the start and recovery of jobs with
     * large bundles. The client that submits the job validates the whole bundle with {@link #load}.
     */
    public static ModelBundle loadForServing(Path bundleDir) {
        return load(bundleDir, Scope.SERVING, OrtRuntime.validationOptions());
    }

    /** As {@link #loadForServing(Path)}, validating with the thread count of {@code options} (see {@link #load(Path, RuntimeOptions)}). */
    public static ModelBundle loadForServing(Path bundleDir, RuntimeOptions options) {
        return load(bundleDir, Scope.SERVING, OrtRuntime.validationOptions(options));
    }

    /**
     * Reads and validates the manifest and checks that its version folder exists, without reading a
     * model file: for operators that need the bundle's shape (stages, widths, combines) but run no
     * model.
     */
    public static ModelBundle loadManifest(Path bundleDir) {
        return load(bundleDir, Scope.MANIFEST, null);
    }

    /** How much of a bundle a load checks. */
    private enum Scope {
        ALL,
        SERVING,
        MANIFEST
    }

    private static ModelBundle load(Path bundleDir, Scope scope, RuntimeOptions validation) {
        Path root = bundleDir.toAbsolutePath().normalize();
        if (!Files.isDirectory(root)) {
            throw new BundleValidationException(root, "bundle folder not found");
        }
        Path manifestFile = root.resolve(BundleManifest.FILE_NAME);
        BundleManifest manifest = ManifestIO.read(manifestFile);
        ManifestValidator structure = new ManifestValidator(manifestFile, manifest);
        structure.validate();

        Path versionDir = safeResolve(manifestFile, root, manifest.version(), "version");
        if (!Files.isDirectory(versionDir)) {
            throw new BundleValidationException(
                    versionDir, "version folder '" + manifest.version() + "' named by the manifest not found");
        }
        ModelBundle bundle =
                new ModelBundle(root, versionDir, manifest, structure.stageInputDims, structure.stageWidths);
        if (scope == Scope.MANIFEST) {
            return bundle;
        }
        boolean withReference = scope == Scope.ALL;
        Map<String, ModelCheck> models = expectedModels(bundle, withReference);
        String skipped = withReference || !bundle.hasReference()
                ? null
                : manifest.reference().file();
        verifyChecksums(manifestFile, bundle, models.keySet(), skipped);
        for (ModelCheck check : models.values()) {
            verifyModel(bundle, check, validation);
        }
        return bundle;
    }

    /** What one model file must look like. */
    private record ModelCheck(String file, String role, List<String[]> inputs, String output, int outputWidth) {}

    private static Map<String, ModelCheck> expectedModels(ModelBundle b, boolean withReference) {
        Map<String, ModelCheck> out = new LinkedHashMap<>();
        for (int s = 0; s < b.stageCount(); s++) {
            StageSpec st = b.stage(s);
            String sn = " of stage '" + st.name() + "'";
            int width = b.stageWidth(s);
            if (st.encoder() != null) {
                ModelRef r = st.encoder().model();
                add(
                        out,
                        new ModelCheck(
                                r.file(),
                                "encoder" + sn,
                                List.<String[]>of(in(r.inputName(), b.stageInputDim(s))),
                                r.outputName(ModelRef.DEFAULT_OUTPUT),
                                st.encoder().outputDim()));
            }
            if (st.routingMode() == RoutingMode.GATE) {
                ModelRef r = st.gate();
                int gateIn = st.gateInputMode() == GateInput.TASK ? b.tasks().size() : width;
                add(
                        out,
                        new ModelCheck(
                                r.file(),
                                "gate" + sn,
                                List.<String[]>of(in(r.inputName(), gateIn)),
                                r.outputName(ModelRef.GATE_OUTPUT),
                                st.groups() * st.expertCount()));
            }
            for (ExpertSpec e : st.experts()) {
                ModelRef r = e.model();
                add(
                        out,
                        new ModelCheck(
                                r.file(),
                                "expert '" + e.id() + "'" + sn,
                                List.<String[]>of(in(r.inputName(), width)),
                                r.outputName(ModelRef.DEFAULT_OUTPUT),
                                st.expertOutputDim()));
            }
            if (st.sharedExpert() != null) {
                ModelRef r = st.sharedExpert();
                add(
                        out,
                        new ModelCheck(
                                r.file(),
                                "shared expert" + sn,
                                List.<String[]>of(in(r.inputName(), width)),
                                r.outputName(ModelRef.DEFAULT_OUTPUT),
                                st.outputDim()));
            }
        }
        if (withReference && b.hasReference()) {
            ModelRef r = b.manifest().reference();
            List<String[]> inputs = new ArrayList<>();
            inputs.add(in(r.inputName(), b.inputDim()));
            if (b.routesOnTask()) {
                inputs.add(in("task", b.tasks().size()));
            }
            add(
                    out,
                    new ModelCheck(
                            r.file(), "reference model", inputs, r.outputName(ModelRef.DEFAULT_OUTPUT), b.outputDim()));
        }
        return out;
    }

    private static String[] in(String name, int width) {
        return new String[] {name, Integer.toString(width)};
    }

    private static void add(Map<String, ModelCheck> out, ModelCheck c) {
        // The same file may serve several roles only if they expect the same signature.
        ModelCheck prev = out.putIfAbsent(c.file(), c);
        if (prev != null && (prev.outputWidth() != c.outputWidth())) {
            out.put(c.file() + "#" + c.role(), c);
        }
    }

    /** Checks that every referenced file exists and every checksummed file but {@code skipped} matches. */
    private static void verifyChecksums(Path manifestFile, ModelBundle b, Iterable<String> referenced, String skipped) {
        Map<String, String> sums = b.manifest().checksums();
        for (String key : referenced) {
            String rel = key.contains("#") ? key.substring(0, key.indexOf('#')) : key;
            Path f = safeResolve(manifestFile, b.versionDir(), rel, "file");
            if (!Files.isRegularFile(f)) {
                throw new BundleValidationException(f, "file named by the manifest is missing");
            }
            if (!sums.containsKey(rel)) {
                throw new BundleValidationException(manifestFile, "checksums has no entry for '" + rel + "'");
            }
        }
        for (Map.Entry<String, String> e : sums.entrySet()) {
            if (e.getKey().equals(skipped) && !isReferenced(referenced, skipped)) {
                continue;
            }
            Path f = safeResolve(manifestFile, b.versionDir(), e.getKey(), "checksums entry");
            if (!Files.isRegularFile(f)) {
                throw new BundleValidationException(f, "file listed in checksums is missing");
            }
            String actual;
            try {
                actual = Checksums.sha256(f);
            } catch (IOException ex) {
                throw new BundleValidationException(f, "cannot read: " + ex, ex);
            }
            if (!actual.equalsIgnoreCase(e.getValue())) {
                throw new BundleValidationException(
                        f,
                        "SHA-256 mismatch: manifest says " + e.getValue() + ", file has " + actual
                                + " (the file was changed or corrupted)");
            }
        }
    }

    private static boolean isReferenced(Iterable<String> referenced, String file) {
        for (String key : referenced) {
            if (key.equals(file) || key.startsWith(file + "#")) {
                return true;
            }
        }
        return false;
    }

    /** Resolves {@code rel} inside {@code base}, refusing absolute paths and anything that escapes. */
    static Path safeResolve(Path manifestFile, Path base, String rel, String what) {
        if (rel == null || rel.isBlank()) {
            throw new BundleValidationException(manifestFile, what + " path is empty");
        }
        Path p;
        try {
            p = Path.of(rel);
        } catch (java.nio.file.InvalidPathException e) {
            throw new BundleValidationException(
                    manifestFile,
                    what + " path '" + rel.replace("\0", "\\0") + "' is not a valid file path: " + e.getReason(),
                    e);
        }
        Path resolved = base.resolve(p).normalize();
        if (p.isAbsolute() || !resolved.startsWith(base) || resolved.equals(base) && !"version".equals(what)) {
            throw new BundleValidationException(
                    manifestFile,
                    what + " path '" + rel + "' points outside the bundle folder " + base
                            + "; paths must be relative and stay inside it");
        }
        try {
            if (Files.exists(resolved) && !resolved.toRealPath().startsWith(base.toRealPath())) {
                throw new BundleValidationException(
                        manifestFile, what + " path '" + rel + "' leaves the bundle folder through a symbolic link");
            }
        } catch (IOException e) {
            throw new BundleValidationException(resolved, "cannot resolve: " + e, e);
        }
        return resolved;
    }

    private static void verifyModel(ModelBundle b, ModelCheck check, RuntimeOptions options) {
        Path f = b.resolve(check.file());
        List<TensorSignature> ins;
        List<TensorSignature> outs;
        try (ModelSession session = ModelSession.open(f, check.role(), options)) {
            ins = session.inputs();
            outs = session.outputs();
        } catch (ModelRuntimeException e) {
            throw new BundleValidationException(
                    f, "not a loadable ONNX model (" + check.role() + "): " + rootMessage(e), e);
        }
        if (ins.size() != check.inputs().size()) {
            throw new BundleValidationException(
                    f,
                    check.role() + " has " + ins.size() + " inputs " + ins + ", expected "
                            + check.inputs().size());
        }
        for (String[] expected : check.inputs()) {
            TensorSignature sig = find(ins, expected[0]);
            if (sig == null) {
                throw new BundleValidationException(
                        f, check.role() + " has no input named '" + expected[0] + "' (it has " + ins + ")");
            }
            checkSignature(f, check.role(), "input", sig, Integer.parseInt(expected[1]));
        }
        TensorSignature out = find(outs, check.output());
        if (out == null) {
            throw new BundleValidationException(
                    f, check.role() + " has no output named '" + check.output() + "' (it has " + outs + ")");
        }
        checkSignature(f, check.role(), "output", out, check.outputWidth());
    }

    private static void checkSignature(Path f, String role, String kind, TensorSignature sig, int width) {
        if (!sig.isFloat()) {
            throw new BundleValidationException(
                    f,
                    role + ": " + kind + " '" + sig.name() + "' has element type " + sig.elementType()
                            + ", but float32 (FLOAT) is required");
        }
        long[] shape = sig.shape();
        if (shape.length != 2) {
            throw new BundleValidationException(
                    f,
                    role + ": " + kind + " '" + sig.name() + "' has rank " + shape.length + " " + sig + ", but [batch, "
                            + width + "] is required");
        }
        if (shape[1] != width) {
            throw new BundleValidationException(
                    f,
                    role + ": " + kind + " '" + sig.name() + "' has width " + shape[1] + ", but the manifest implies "
                            + width);
        }
        if (shape[0] > 1) {
            throw new BundleValidationException(
                    f,
                    role + ": " + kind + " '" + sig.name() + "' has a fixed batch dimension " + shape[0]
                            + "; the batch dimension must be dynamic");
        }
    }

    private static TensorSignature find(List<TensorSignature> sigs, String name) {
        return sigs.stream().filter(s -> s.name().equals(name)).findFirst().orElse(null);
    }

    private static String rootMessage(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null) {
            c = c.getCause();
        }
        return c.getMessage();
    }
}
