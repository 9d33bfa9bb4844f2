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
package io.polyroute.job.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds a {@link JobConfig} from an optional YAML job file and {@code --set key=value}
 * overrides. Overrides win over the file; the file wins over the defaults.
 *
 * <pre>{@code
 * # job.yaml
 * kafka:
 *   bootstrap-servers: broker-1:9092,broker-2:9092
 *   properties:
 *     security.protocol: SSL
 * job:
 *   mode: fused
 *   slots: 4
 * }</pre>
 */
public final class JobConfigLoader {

    private JobConfigLoader() {}

    /**
     * Reads {@code jobFile} (when not null), applies {@code overrides} and validates the result.
     *
     * @throws ConfigException if the file cannot be read or parsed, an override is malformed, or
     *     the merged configuration is invalid
     */
    public static JobConfig load(Path jobFile, List<String> overrides) {
        Map<String, String> merged = new LinkedHashMap<>();
        if (jobFile != null) {
            merged.putAll(readJobFile(jobFile));
        }
        merged.putAll(parseOverrides(overrides));
        return JobConfig.of(merged);
    }

    /** Reads a YAML job file into dotted keys, without validating the keys. */
    public static Map<String, String> readJobFile(Path jobFile) {
        String text;
        try {
            text = Files.readString(jobFile, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException(null, "Could not read the job file " + jobFile + ": " + e.getMessage(), e);
        }
        return YamlFlattener.flatten(text, jobFile.toString());
    }

    /** Parses YAML text into dotted keys; {@code source} names it in error messages. */
    public static Map<String, String> parseYaml(String yaml, String source) {
        return YamlFlattener.flatten(yaml, source);
    }

    /**
     * Parses {@code key=value} overrides; the value is everything after the first {@code =} and
     * may be empty. A later override of the same key wins.
     *
     * @throws ConfigException if an override has no {@code =} or an empty key
     */
    public static Map<String, String> parseOverrides(List<String> overrides) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String override : overrides) {
            int eq = override.indexOf('=');
            String key = eq < 0 ? override.trim() : override.substring(0, eq).trim();
            if (eq < 0 || key.isEmpty()) {
                throw new ConfigException(
                        key.isEmpty() ? null : key,
                        "The override '" + override + "' must have the form key=value, e.g. --set job.slots=4.");
            }
            out.put(key, override.substring(eq + 1));
        }
        return out;
    }
}
