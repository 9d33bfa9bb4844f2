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
package io.polyroute.cli;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.jar.Manifest;
import picocli.CommandLine;

/**
 * Reports the version and the commit the CLI jar was built from, both taken from the jar manifest
 * ({@code Implementation-Version}, {@code Polyroute-Commit}, {@code Polyroute-Dirty}), e.g.
 * {@code polyroute 0.2.0 (commit 1a2b3c4)}. Classes run outside the jar report a development build.
 */
final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        Manifest manifest = manifest();
        String version = attribute(manifest, "Implementation-Version");
        if (version == null) {
            return new String[] {"polyroute (development build, not from a packaged jar)"};
        }
        String commit = attribute(manifest, "Polyroute-Commit");
        String build = commit == null
                ? "commit unknown: built outside a git checkout"
                : "commit " + commit
                        + ("true".equals(attribute(manifest, "Polyroute-Dirty")) ? ", with local changes" : "");
        return new String[] {"polyroute " + version + " (" + build + ")"};
    }

    /** The manifest of the jar this class was loaded from, or null. */
    private static Manifest manifest() {
        URL self = VersionProvider.class.getResource(VersionProvider.class.getSimpleName() + ".class");
        if (self == null || !"jar".equals(self.getProtocol())) {
            return null;
        }
        String url = self.toString();
        String manifestUrl = url.substring(0, url.indexOf('!') + 1) + "/META-INF/MANIFEST.MF";
        try (InputStream in = new URL(manifestUrl).openStream()) {
            return new Manifest(in);
        } catch (IOException e) {
            return null;
        }
    }

    /** A main attribute, or null when absent or left unfilled by the build (a literal {@code ${...}}). */
    private static String attribute(Manifest manifest, String name) {
        if (manifest == null) {
            return null;
        }
        String value = manifest.getMainAttributes().getValue(name);
        return value == null || value.isBlank() || value.startsWith("${") ? null : value;
    }
}
