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

import io.polyroute.kit.reference.ReferenceComposer;
import io.polyroute.runtime.bundle.BundleLoader;
import io.polyroute.runtime.bundle.BundleManifest;
import io.polyroute.runtime.bundle.BundleValidationException;
import io.polyroute.runtime.bundle.Checksums;
import io.polyroute.runtime.bundle.ExpertSpec;
import io.polyroute.runtime.bundle.ManifestIO;
import io.polyroute.runtime.bundle.ModelBundle;
import io.polyroute.runtime.bundle.ModelRef;
import io.polyroute.runtime.bundle.StageSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Finishes a bundle whose ONNX files and {@code bundle.yaml} were written by hand or by another
 * tool (for example the PyTorch exporter): writes the SHA-256 of every file the manifest names,
 * validates every model's inputs and outputs against the manifest ({@link BundleLoader}), and
 * optionally composes {@code reference.onnx} from the bundle's own graphs ({@link
 * ReferenceComposer}).
 *
 * <p>The manifest may have no {@code checksums} or stale ones; they are replaced by the checksums of
 * the named files (files the manifest does not name are not listed). When anything is refused, the
 * original {@code bundle.yaml} is put back and the {@link BundleValidationException} names the file.
 *
 * <pre>{@code
 * ModelBundle packed = BundlePacker.pack(Path.of("my-moe"), true, null, System.out::println);
 * }</pre>
 */
public final class BundlePacker {
    private BundlePacker() {}

    /**
     * Packs the bundle in {@code bundleDir}.
     *
     * @param bundleDir the folder holding {@code bundle.yaml} and the version folder it names
     * @param withReference whether to compose the dense reference from the bundle's graphs, saved to
     *     the file the manifest's {@code reference} names ({@value KitBundles#DEFAULT_REFERENCE_FILE}
     *     if none); without it a reference the manifest names is kept and validated as it is
     * @param out null to pack in place, else a new or empty folder that receives a copy of {@code
     *     bundle.yaml} and the version folder, packed; {@code bundleDir} is then left unchanged
     * @param progress receives one line per step
     * @return the packed bundle, loaded and fully validated
     * @throws BundleValidationException naming the offending file
     */
    public static ModelBundle pack(Path bundleDir, boolean withReference, Path out, Consumer<String> progress)
            throws IOException {
        Path source = bundleDir.toAbsolutePath().normalize();
        Path manifestFile = source.resolve(BundleManifest.FILE_NAME);
        BundleManifest original = ManifestIO.read(manifestFile);
        if (original.version() == null || original.version().isBlank()) {
            throw new BundleValidationException(
                    manifestFile, "version is missing; it names the version folder holding the models");
        }
        Path dir = source;
        if (out != null) {
            dir = out.toAbsolutePath().normalize();
            copy(source, original.version(), dir);
            progress.accept("Copied " + source + " to " + dir + ".");
        }
        Path target = dir.resolve(BundleManifest.FILE_NAME);
        byte[] before = Files.readAllBytes(target);
        try {
            return pack(dir, target, original, withReference, progress);
        } catch (IOException | RuntimeException e) {
            Files.write(target, before);
            throw e;
        }
    }

    private static ModelBundle pack(
            Path dir, Path manifestFile, BundleManifest original, boolean withReference, Consumer<String> progress)
            throws IOException {
        Path versionDir = dir.resolve(original.version());
        ModelRef reference = withReference
                ? (original.reference() != null ? original.reference() : ModelRef.of(KitBundles.DEFAULT_REFERENCE_FILE))
                : original.reference();

        // First the models alone: checksums, then every model's I/O against the manifest.
        BundleManifest models = with(original, withReference ? null : reference, null);
        ModelBundle bundle = write(manifestFile, models, versionDir);
        Set<String> files = namedFiles(models);
        progress.accept("Checked " + files.size() + " model file(s) against " + BundleManifest.FILE_NAME + ".");
        if (!withReference) {
            return bundle;
        }
        progress.accept("Composing " + reference.file() + " from the bundle's own graphs.");
        Path referenceFile = bundle.resolve(reference.file());
        if (files.contains(reference.file())) {
            throw new BundleValidationException(
                    manifestFile, "reference file '" + reference.file() + "' is also a model of a stage; name another");
        }
        ReferenceComposer.compose(bundle).save(referenceFile);
        ModelBundle packed = write(manifestFile, with(original, reference, null), versionDir);
        progress.accept("Wrote " + reference.file() + " and the checksums of " + (files.size() + 1) + " file(s).");
        return packed;
    }

    /** Writes {@code manifest} with the checksums of the files it names, then loads and validates the bundle. */
    private static ModelBundle write(Path manifestFile, BundleManifest manifest, Path versionDir) throws IOException {
        if (!Files.isDirectory(versionDir)) {
            throw new BundleValidationException(
                    versionDir, "version folder '" + manifest.version() + "' named by the manifest not found");
        }
        Map<String, String> sums = new TreeMap<>();
        for (String rel : namedFiles(manifest)) {
            Path f = versionDir.resolve(rel).normalize();
            // A missing or escaping path is left for the loader, which names it precisely.
            if (f.startsWith(versionDir) && Files.isRegularFile(f)) {
                sums.put(rel, Checksums.sha256(f));
            }
        }
        ManifestIO.write(with(manifest, manifest.reference(), sums), manifestFile);
        return BundleLoader.load(manifestFile.getParent());
    }

    /** Every model file the manifest names, relative to the version folder. */
    static Set<String> namedFiles(BundleManifest m) {
        Set<String> files = new LinkedHashSet<>();
        if (m.stages() != null) {
            for (StageSpec st : m.stages()) {
                if (st == null) {
                    continue;
                }
                if (st.encoder() != null) {
                    add(files, st.encoder().model());
                }
                add(files, st.gate());
                if (st.experts() != null) {
                    for (ExpertSpec e : st.experts()) {
                        add(files, e == null ? null : e.model());
                    }
                }
                add(files, st.sharedExpert());
            }
        }
        add(files, m.reference());
        return files;
    }

    private static void add(Set<String> files, ModelRef ref) {
        if (ref != null && ref.file() != null && !ref.file().isBlank()) {
            files.add(ref.file());
        }
    }

    private static BundleManifest with(BundleManifest m, ModelRef reference, Map<String, String> checksums) {
        return new BundleManifest(
                m.format(),
                m.name(),
                m.version(),
                m.description(),
                m.input(),
                m.outputDim(),
                m.output(),
                m.stages(),
                reference,
                checksums == null ? Map.of() : checksums,
                m.quality());
    }

    /** Copies {@code bundle.yaml} and the version folder of {@code source} into the new or empty {@code out}. */
    private static void copy(Path source, String version, Path out) throws IOException {
        if (out.startsWith(source) || source.startsWith(out)) {
            throw new IllegalArgumentException(
                    "--out " + out + " must lie outside the bundle folder " + source + " and must not contain it");
        }
        if (Files.isDirectory(out)) {
            try (Stream<Path> entries = Files.list(out)) {
                if (entries.findAny().isPresent()) {
                    throw new IllegalArgumentException(
                            "--out " + out + " already holds files; name a new or empty folder");
                }
            }
        }
        Path versionDir = source.resolve(version).normalize();
        if (!versionDir.startsWith(source) || versionDir.equals(source) || !Files.isDirectory(versionDir)) {
            throw new BundleValidationException(
                    source.resolve(BundleManifest.FILE_NAME),
                    "version folder '" + version + "' named by the manifest not found in " + source);
        }
        Files.createDirectories(out);
        Files.copy(source.resolve(BundleManifest.FILE_NAME), out.resolve(BundleManifest.FILE_NAME));
        Path target = out.resolve(source.relativize(versionDir));
        try (Stream<Path> tree = Files.walk(versionDir)) {
            for (Path p : (Iterable<Path>) tree.sorted()::iterator) {
                Path t = target.resolve(versionDir.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }
}
