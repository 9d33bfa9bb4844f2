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

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Fuzzes {@link BundleLoader} with corrupted manifests, hostile model paths and corrupted model
 * files. Whatever the bundle folder holds, loading either succeeds or throws a
 * {@link BundleValidationException}: never another exception, never a crash. Paths that leave the
 * version folder and files whose bytes disagree with their checksum are always refused. The number
 * of bundles tried is printed after the properties ran.
 */
class BundleLoaderFuzzProperties {
    private static final Map<String, LongAdder> OUTCOMES = new ConcurrentHashMap<>();
    private static Path base;

    @BeforeContainer
    static void buildBaseBundle() throws IOException {
        base = Files.createTempDirectory("polyroute-fuzz-base-");
        TinyBundles.linear(base);
    }

    @AfterContainer
    static void report() throws IOException {
        long total = OUTCOMES.values().stream().mapToLong(LongAdder::sum).sum();
        System.out.printf("bundle loader fuzz: %d bundles tried, outcomes %s%n", total, new TreeMap<>(OUTCOMES));
        deleteTree(base);
    }

    @Property(tries = 300)
    void mutatedManifestsAreLoadedOrRefused(
            @ForAll @Size(min = 1, max = 4) List<@IntRange(min = 0, max = 10_000) Integer> lines,
            @ForAll @Size(min = 1, max = 4) List<@IntRange(min = 0, max = 3) Integer> edits,
            @ForAll @Size(min = 4, max = 4) List<@From("tokens") String> tokens)
            throws IOException {
        inCopy(dir -> {
            Path manifest = dir.resolve(BundleManifest.FILE_NAME);
            List<String> text = new ArrayList<>(Files.readAllLines(manifest, StandardCharsets.UTF_8));
            for (int i = 0; i < edits.size() && !text.isEmpty(); i++) {
                int at = Math.floorMod(lines.get(i % lines.size()), text.size());
                String line = text.get(at);
                switch (edits.get(i)) {
                    case 0 -> text.remove(at);
                    case 1 -> text.add(at, line);
                    case 2 ->
                        text.set(
                                at,
                                line.contains(":")
                                        ? line.substring(0, line.indexOf(':') + 1) + " " + tokens.get(i)
                                        : tokens.get(i));
                    default -> text.set(at, line.substring(0, Math.floorMod(lines.get(0), line.length() + 1)));
                }
            }
            Files.write(manifest, text, StandardCharsets.UTF_8);
            loadOrRefuse(dir, "manifest");
        });
    }

    @Property(tries = 300)
    void modelPathsThatLeaveTheBundleAreRefused(@ForAll("paths") String path) throws IOException {
        inCopy(dir -> {
            BundleManifest m = ManifestIO.read(dir.resolve(BundleManifest.FILE_NAME));
            StageSpec s = m.stages().get(0);
            List<ExpertSpec> experts = new ArrayList<>(s.experts());
            experts.set(0, ExpertSpec.of("e0", path));
            StageSpec edited = new StageSpec(
                    s.name(),
                    s.input(),
                    s.encoder(),
                    s.routing(),
                    s.gateInput(),
                    s.gate(),
                    s.topK(),
                    s.combine(),
                    s.order(),
                    s.leafDim(),
                    s.expertOutputDim(),
                    s.outputDim(),
                    experts,
                    s.sharedExpert());
            ManifestIO.write(
                    new BundleManifest(
                            m.format(),
                            m.name(),
                            m.version(),
                            m.description(),
                            m.input(),
                            m.outputDim(),
                            List.of(edited),
                            m.reference(),
                            m.checksums(),
                            m.quality()),
                    dir.resolve(BundleManifest.FILE_NAME));
            Path version = dir.resolve("1").toAbsolutePath().normalize();
            boolean escapes;
            try {
                Path p = Path.of(path);
                escapes = p.isAbsolute() || !version.resolve(p).normalize().startsWith(version);
            } catch (RuntimeException invalidPath) {
                escapes = false;
            }
            if (escapes) {
                assertThatThrownBy(() -> BundleLoader.load(dir))
                        .isInstanceOf(BundleValidationException.class)
                        .hasMessageContaining("outside the bundle folder");
                count("path refused as outside");
            } else {
                loadOrRefuse(dir, "path");
            }
        });
    }

    @Property(tries = 150)
    void corruptedModelFilesAreRefusedEvenWithMatchingChecksums(
            @ForAll @IntRange(min = 0, max = 4) int file,
            @ForAll @Size(min = 1, max = 8) List<Integer> positions,
            @ForAll @Size(min = 8, max = 8) byte[] values,
            @ForAll boolean truncate)
            throws IOException {
        inCopy(dir -> {
            Path f = dir.resolve(file == 0 ? "1/gate.onnx" : "1/experts/e" + (file - 1) + ".onnx");
            byte[] bytes = Files.readAllBytes(f);
            for (int i = 0; i < positions.size(); i++) {
                bytes[Math.floorMod(positions.get(i), bytes.length)] = values[i];
            }
            Files.write(
                    f,
                    truncate ? java.util.Arrays.copyOf(bytes, Math.floorMod(positions.get(0), bytes.length)) : bytes);
            BundleManifest m = ManifestIO.read(dir.resolve(BundleManifest.FILE_NAME));
            ManifestIO.write(
                    new BundleManifest(
                            m.format(),
                            m.name(),
                            m.version(),
                            m.description(),
                            m.input(),
                            m.outputDim(),
                            m.stages(),
                            m.reference(),
                            Checksums.ofTree(dir.resolve("1")),
                            m.quality()),
                    dir.resolve(BundleManifest.FILE_NAME));
            loadOrRefuse(dir, "model bytes");
        });
    }

    @Property(tries = 150)
    void anyChangedByteIsRefusedAsAChecksumMismatch(
            @ForAll @IntRange(min = 0, max = 4) int file,
            @ForAll int position,
            @ForAll @IntRange(min = 1, max = 255) int xor)
            throws IOException {
        inCopy(dir -> {
            Path f = dir.resolve(file == 0 ? "1/gate.onnx" : "1/experts/e" + (file - 1) + ".onnx");
            byte[] bytes = Files.readAllBytes(f);
            bytes[Math.floorMod(position, bytes.length)] ^= (byte) xor;
            Files.write(f, bytes);
            assertThatThrownBy(() -> BundleLoader.load(dir))
                    .isInstanceOf(BundleValidationException.class)
                    .hasMessageContaining("SHA-256 mismatch")
                    .hasMessageContaining(f.getFileName().toString());
            count("checksum mismatch refused");
        });
    }

    @Provide
    Arbitrary<String> tokens() {
        return Arbitraries.oneOf(
                Arbitraries.of(
                        "",
                        "null",
                        "~",
                        "[]",
                        "{}",
                        "-1",
                        "0",
                        "99999999999999999999",
                        "1e309",
                        "NaN",
                        "../../etc/passwd",
                        "/etc/passwd",
                        "experts/../../x.onnx",
                        "weighted_sum",
                        "inherit",
                        "!!binary AAAA",
                        "&a",
                        "*a",
                        "'unterminated",
                        "\"\\u0000\"",
                        "- - -",
                        "? x"),
                Arbitraries.strings().ofMaxLength(30));
    }

    @Provide
    Arbitrary<String> paths() {
        Arbitrary<String> segment = Arbitraries.of(
                "..",
                ".",
                "experts",
                "e0.onnx",
                "e1.onnx",
                "gate.onnx",
                "1",
                "etc",
                "passwd",
                "~",
                "%2e%2e",
                "..\\..",
                "",
                " ",
                "x".repeat(40));
        return Arbitraries.oneOf(
                segment.list().ofMinSize(1).ofMaxSize(6).map(l -> String.join("/", l)),
                segment.list().ofMinSize(1).ofMaxSize(4).map(l -> "/" + String.join("/", l)),
                Arbitraries.strings().ofMinLength(1).ofMaxLength(40));
    }

    /** Loading must succeed or fail with a {@link BundleValidationException}; anything else fails the property. */
    private static void loadOrRefuse(Path dir, String kind) {
        try {
            BundleLoader.load(dir);
            count(kind + " loaded");
        } catch (BundleValidationException e) {
            assertThat(e.getMessage()).isNotBlank();
            count(kind + " refused");
        }
    }

    private static void count(String outcome) {
        OUTCOMES.computeIfAbsent(outcome, k -> new LongAdder()).increment();
    }

    private interface BundleAction {
        void run(Path dir) throws IOException;
    }

    /** Runs {@code action} on a fresh copy of the base bundle and deletes the copy afterwards. */
    private static void inCopy(BundleAction action) throws IOException {
        Path dir = Files.createTempDirectory("polyroute-fuzz-");
        try (Stream<Path> files = Files.walk(base)) {
            for (Path p : files.toList()) {
                Path target = dir.resolve(base.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
            action.run(dir);
        } finally {
            deleteTree(dir);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
