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
package io.polyroute.bench;

import io.polyroute.kit.synthetic.SyntheticBundleBuilder;
import io.polyroute.runtime.bundle.BundleLoader;
import io.polyroute.runtime.bundle.BundleManifest;
import io.polyroute.runtime.bundle.BundleValidationException;
import io.polyroute.runtime.bundle.CombineMode;
import io.polyroute.runtime.bundle.ModelBundle;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The synthetic bundles of the benchmarks, built once into a cache folder and reused while they
 * still validate (the builder is deterministic, so a rebuilt bundle is byte-identical).
 */
public final class BenchBundles {
    private BenchBundles() {}

    /** The bundle of {@code w} under {@code cacheDir}, built there on first use. */
    public static ModelBundle get(Path cacheDir, Workload w, Consumer<String> progress) {
        Path dir = cacheDir.resolve(
                "synthetic-e" + w.experts() + "-h" + w.hidden() + "-d" + Workload.INPUT_DIM + "-k" + Workload.TOP_K);
        if (Files.exists(dir.resolve(BundleManifest.FILE_NAME))) {
            try {
                return BundleLoader.load(dir);
            } catch (BundleValidationException e) {
                progress.accept("cached bundle " + dir + " is invalid (" + e.getMessage() + "); rebuilding it");
                delete(dir);
            }
        } else if (Files.exists(dir)) {
            delete(dir);
        }
        progress.accept("building bundle " + w + " in " + dir);
        try {
            return SyntheticBundleBuilder.create()
                    .name("bench-" + w.name())
                    .experts(w.experts())
                    .topK(Workload.TOP_K)
                    .inputDim(Workload.INPUT_DIM)
                    .outputDim(Workload.OUTPUT_DIM)
                    .hidden(w.hidden())
                    .combine(CombineMode.WEIGHTED_SUM)
                    .seed(Workload.SEED)
                    .build(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write the benchmark bundle to " + dir + ": " + e.getMessage(), e);
        }
    }

    private static void delete(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "Could not delete the stale bundle folder " + dir + ": " + e.getMessage(), e);
        }
    }
}
