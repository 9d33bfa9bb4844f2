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

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Finishes a bundle whose model files are written: computes the checksum of every file in the
 * version folder, writes {@code bundle.yaml}, and validates the result with {@link BundleLoader}.
 */
public final class BundleWriter {
    private BundleWriter() {}

    /** The version folder for {@code manifest} under {@code bundleDir}, created if needed. */
    public static Path versionDir(Path bundleDir, String version) throws IOException {
        return Files.createDirectories(bundleDir.resolve(version));
    }

    /**
     * Writes {@code manifest} (its checksums replaced by those of the files now in the version
     * folder) and returns the validated bundle.
     */
    public static ModelBundle finish(Path bundleDir, BundleManifest manifest) throws IOException {
        Path versionDir = bundleDir.resolve(manifest.version());
        Map<String, String> sums = Checksums.ofTree(versionDir);
        BundleManifest withSums = new BundleManifest(
                manifest.format(),
                manifest.name(),
                manifest.version(),
                manifest.description(),
                manifest.input(),
                manifest.outputDim(),
                manifest.output(),
                manifest.stages(),
                manifest.reference(),
                sums,
                manifest.quality());
        ManifestIO.write(withSums, bundleDir.resolve(BundleManifest.FILE_NAME));
        return BundleLoader.load(bundleDir);
    }
}
