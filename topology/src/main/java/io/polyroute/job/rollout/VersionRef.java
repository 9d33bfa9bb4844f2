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
package io.polyroute.job.rollout;

import java.io.Serializable;
import java.util.Objects;

/**
 * One model version a job can serve: the bundle's name and version (from its manifest) and where
 * every TaskManager loads it from (a folder or a file-system URI, as {@code bundle.path}).
 *
 * @param name the bundle's name
 * @param version the bundle's version
 * @param path the bundle folder or URI
 * @param digest SHA-256 over the manifest's checksums ({@link ChecksumsDigest}); empty when unknown
 */
public record VersionRef(String name, String version, String path, String digest) implements Serializable {

    public VersionRef {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(path, "path");
        digest = digest == null ? "" : digest;
    }

    /** {@code <name>:<version>}, how status records, predictions and the demo name a version. */
    public String id() {
        return name + ":" + version;
    }

    /** Whether {@code other} is the same version (same name and version, wherever it is loaded from). */
    public boolean sameVersion(VersionRef other) {
        return other != null && name.equals(other.name) && version.equals(other.version);
    }

    @Override
    public String toString() {
        return id();
    }
}
