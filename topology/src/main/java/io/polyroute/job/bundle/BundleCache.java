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
package io.polyroute.job.bundle;

import io.polyroute.runtime.bundle.BundleLoader;
import io.polyroute.runtime.bundle.BundleManifest;
import io.polyroute.runtime.bundle.BundleValidationException;
import io.polyroute.runtime.bundle.ManifestIO;
import io.polyroute.runtime.bundle.ModelBundle;
import io.polyroute.runtime.onnx.RuntimeOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.flink.core.fs.FileSystem;

/**
 * Loads the bundle that {@code bundle.path} names, from a local folder or from any file system
 * Flink supports ({@code file://}, {@code s3://}, {@code hdfs://}, ... with the matching Flink
 * file-system plugin installed on the client and every TaskManager).
 *
 * <p>A plain path is loaded where it is. A URI is copied once per machine into a local cache,
 * {@code <cache>/<name>/<version>-<sha>}, keyed by the bundle's name, version and the SHA-256 of its
 * {@code bundle.yaml} (which holds the checksum of every file, so a changed bundle gets a new
 * entry); the cache is the {@value #CACHE_DIR_PROPERTY} system property, else {@code
 * <java.io.tmpdir>/polyroute-bundle-cache}. Only {@code bundle.yaml} and the files its {@code
 * checksums} list are copied, so object stores without folders work. The local copy is then
 * validated by {@link BundleLoader} as usual, checksums included; a cached copy that fails is
 * fetched once more before the bundle is refused.
 *
 * <pre>{@code
 * ModelBundle bundle = BundleCache.loadForServing("s3://models/factory-moe");
 * }</pre>
 */
public final class BundleCache {
    /** System property naming the local cache folder. */
    public static final String CACHE_DIR_PROPERTY = "polyroute.bundle.cache-dir";

    /** A URI scheme of two or more characters (so that a Windows drive letter is not taken for one). */
    private static final Pattern SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]+:.*");

    private static final Pattern UNSAFE = Pattern.compile("[^A-Za-z0-9_.-]");

    /** One lock per cache entry, so that the subtasks of one TaskManager copy a bundle once. */
    private static final Map<Path, Object> LOCKS = new ConcurrentHashMap<>();

    private BundleCache() {}

    /** Whether {@code location} is a file-system URI ({@code scheme://...}) rather than a local path. */
    public static boolean isUri(String location) {
        return location != null && SCHEME.matcher(location).matches();
    }

    /** {@link BundleLoader#load} of the bundle at {@code location}, through the cache for a URI. */
    public static ModelBundle load(String location) {
        return load(location, cacheRoot(), BundleLoader::load);
    }

    /** {@link BundleLoader#loadForServing} of the bundle at {@code location}, through the cache for a URI. */
    public static ModelBundle loadForServing(String location) {
        return load(location, cacheRoot(), BundleLoader::loadForServing);
    }

    /** {@link BundleLoader#load(Path, RuntimeOptions)}: validation with the serving sessions' options. */
    public static ModelBundle load(String location, RuntimeOptions options) {
        return load(location, cacheRoot(), dir -> BundleLoader.load(dir, options));
    }

    /** {@link BundleLoader#loadForServing(Path, RuntimeOptions)}, through the cache for a URI. */
    public static ModelBundle loadForServing(String location, RuntimeOptions options) {
        return load(location, cacheRoot(), dir -> BundleLoader.loadForServing(dir, options));
    }

    /** {@link BundleLoader#loadManifest} of the bundle at {@code location}, through the cache for a URI. */
    public static ModelBundle loadManifest(String location) {
        return load(location, cacheRoot(), BundleLoader::loadManifest);
    }

    /**
     * Loads the bundle at {@code location} with {@code loader}: directly for a local path, else from
     * its copy under {@code cacheRoot} (fetched when missing, fetched again once when it fails).
     *
     * @throws BundleValidationException naming the file when the bundle is refused
     * @throws UncheckedIOException naming {@code location} when it cannot be read
     */
    public static ModelBundle load(String location, Path cacheRoot, Function<Path, ModelBundle> loader) {
        if (!isUri(location)) {
            return loader.apply(Path.of(location));
        }
        Path local = fetch(location, cacheRoot);
        try {
            return loader.apply(local);
        } catch (BundleValidationException e) {
            // A damaged cached copy: copy it again; a second refusal is the bundle's own.
            synchronized (LOCKS.computeIfAbsent(local, k -> new Object())) {
                deleteTree(local);
            }
            return loader.apply(fetch(location, cacheRoot));
        }
    }

    /** The local cached copy of the bundle at the URI {@code location}, copied first when missing. */
    public static Path fetch(String location, Path cacheRoot) {
        String base = location.endsWith("/") ? location.substring(0, location.length() - 1) : location;
        try {
            URI uri = URI.create(base);
            FileSystem fs = FileSystem.get(uri);
            org.apache.flink.core.fs.Path root = new org.apache.flink.core.fs.Path(uri);
            byte[] manifestBytes = read(fs, new org.apache.flink.core.fs.Path(root, BundleManifest.FILE_NAME));
            Files.createDirectories(cacheRoot);
            Path staging = Files.createTempDirectory(cacheRoot, ".fetch-");
            try {
                Path stagedManifest = staging.resolve(BundleManifest.FILE_NAME);
                Files.write(stagedManifest, manifestBytes);
                BundleManifest m = ManifestIO.read(stagedManifest);
                if (m.name() == null || m.version() == null || m.checksums() == null) {
                    throw new BundleValidationException(
                            stagedManifest,
                            "the manifest at " + base + " lacks name, version or checksums; pack it with "
                                    + "'polyroute bundle pack'");
                }
                Path entry = cacheRoot
                        .resolve(safe(m.name()))
                        .resolve(safe(m.version()) + "-" + sha256(manifestBytes).substring(0, 16));
                synchronized (LOCKS.computeIfAbsent(entry, k -> new Object())) {
                    if (Files.isDirectory(entry)) {
                        return entry;
                    }
                    copyFiles(fs, root, m, staging);
                    Files.createDirectories(entry.getParent());
                    try {
                        Files.move(staging, entry, StandardCopyOption.ATOMIC_MOVE);
                    } catch (FileAlreadyExistsException | DirectoryNotEmptyException raced) {
                        // Another process on this machine cached it first; its copy is as good.
                    }
                    return entry;
                }
            } finally {
                if (Files.exists(staging)) {
                    deleteTree(staging);
                }
            }
        } catch (IOException | IllegalArgumentException e) {
            throw new UncheckedIOException(new IOException(
                    "Cannot copy the bundle at " + location + " into the local cache " + cacheRoot + ": " + e
                            + " (for s3://, hdfs:// and other schemes the matching Flink file-system plugin "
                            + "must be installed on the client and on every TaskManager)",
                    e));
        }
    }

    private static void copyFiles(FileSystem fs, org.apache.flink.core.fs.Path root, BundleManifest m, Path staging)
            throws IOException {
        Path manifestFile = staging.resolve(BundleManifest.FILE_NAME);
        Path versionDir = inside(manifestFile, staging, m.version());
        Files.createDirectories(versionDir);
        for (String rel : m.checksums().keySet()) {
            Path target = inside(manifestFile, versionDir, rel);
            Files.createDirectories(target.getParent());
            org.apache.flink.core.fs.Path source =
                    new org.apache.flink.core.fs.Path(root, m.version() + "/" + rel.replace('\\', '/'));
            try (InputStream in = fs.open(source)) {
                Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    /** {@code rel} resolved under {@code base}, refused when it would leave it. */
    private static Path inside(Path manifestFile, Path base, String rel) {
        Path p = base.resolve(rel).normalize();
        if (Path.of(rel).isAbsolute() || !p.startsWith(base) || p.equals(base)) {
            throw new BundleValidationException(
                    manifestFile, "path '" + rel + "' points outside the bundle folder; paths must be relative");
        }
        return p;
    }

    private static byte[] read(FileSystem fs, org.apache.flink.core.fs.Path file) throws IOException {
        try (InputStream in = fs.open(file)) {
            return in.readAllBytes();
        }
    }

    private static Path cacheRoot() {
        String configured = System.getProperty(CACHE_DIR_PROPERTY);
        return configured != null && !configured.isBlank()
                ? Path.of(configured)
                : Path.of(System.getProperty("java.io.tmpdir"), "polyroute-bundle-cache");
    }

    private static String safe(String s) {
        return UNSAFE.matcher(s).replaceAll("_");
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available in this JVM", e);
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> tree = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) tree.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot delete " + dir + " from the bundle cache: " + e, e);
        }
    }
}
