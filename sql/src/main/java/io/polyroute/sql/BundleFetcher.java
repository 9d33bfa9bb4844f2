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
package io.polyroute.sql;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;

/**
 * Makes a bundle given as {@code bundle.path} available as a local folder. Local paths and
 * {@code file://} URIs are used in place; any other scheme is read through Flink's {@link
 * FileSystem} (so every file system plug-in of the cluster works) and copied to a temporary folder.
 */
final class BundleFetcher {
    private BundleFetcher() {}

    /** The local folder of the bundle at {@code location}; copies remote bundles first. */
    static Path localFolder(String location) throws IOException {
        URI uri = toUri(location);
        if (uri.getScheme() == null || "file".equals(uri.getScheme())) {
            return uri.getScheme() == null ? Path.of(location) : Path.of(uri);
        }
        org.apache.flink.core.fs.Path remote = new org.apache.flink.core.fs.Path(uri);
        FileSystem fs = remote.getFileSystem();
        if (!fs.exists(remote) || !fs.getFileStatus(remote).isDir()) {
            throw new IOException("No bundle folder at " + location + " (bundle.path).");
        }
        Path target = Files.createTempDirectory("polyroute-bundle-");
        copy(fs, remote, target);
        return target;
    }

    private static URI toUri(String location) {
        // A plain path has no scheme; one that is not a valid URI (spaces, say) is a local path.
        try {
            return new URI(location);
        } catch (java.net.URISyntaxException e) {
            return Path.of(location).toUri();
        }
    }

    private static void copy(FileSystem fs, org.apache.flink.core.fs.Path from, Path to) throws IOException {
        Files.createDirectories(to);
        for (FileStatus s : fs.listStatus(from)) {
            Path local = to.resolve(s.getPath().getName());
            if (s.isDir()) {
                copy(fs, s.getPath(), local);
            } else {
                try (InputStream in = fs.open(s.getPath())) {
                    Files.copy(in, local, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }
}
