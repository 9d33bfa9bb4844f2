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

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reads and writes {@code bundle.yaml}. Unknown keys are refused, so typos cannot pass silently. */
public final class ManifestIO {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
                    .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                    .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES))
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    private ManifestIO() {}

    public static BundleManifest read(Path manifestFile) {
        String text;
        try {
            text = Files.readString(manifestFile);
        } catch (NoSuchFileException e) {
            throw new BundleValidationException(
                    manifestFile, "manifest not found; a bundle folder must contain " + BundleManifest.FILE_NAME);
        } catch (IOException e) {
            throw new BundleValidationException(manifestFile, "cannot read the manifest: " + e, e);
        }
        try {
            BundleManifest m = YAML.readValue(text, BundleManifest.class);
            if (m == null) {
                throw new BundleValidationException(manifestFile, "the manifest is empty");
            }
            return m;
        } catch (JsonProcessingException e) {
            throw new BundleValidationException(
                    manifestFile,
                    "not a valid manifest: " + e.getOriginalMessage()
                            + (e.getLocation() == null
                                    ? ""
                                    : " (line " + e.getLocation().getLineNr() + ", column "
                                            + e.getLocation().getColumnNr() + ")"),
                    e);
        }
    }

    public static void write(BundleManifest manifest, Path manifestFile) throws IOException {
        Files.writeString(manifestFile, toYaml(manifest));
    }

    public static String toYaml(BundleManifest manifest) {
        try {
            return YAML.writeValueAsString(manifest);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot serialise manifest " + manifest.name() + ": " + e, e);
        }
    }
}
