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

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a YAML job file into dotted keys: nested mappings and dotted keys are equivalent, so
 * {@code batching: {gate: {size: 32}}} and {@code batching.gate.size: 32} both give
 * {@code batching.gate.size=32}. Lists become Flink's {@code a;b;c} list syntax.
 */
final class YamlFlattener {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private YamlFlattener() {}

    /**
     * Flattens {@code yaml}; {@code source} names the file in error messages.
     *
     * @throws ConfigException if the text is not YAML, is not a mapping, or sets a key twice
     */
    static Map<String, String> flatten(String yaml, String source) {
        JsonNode root;
        try {
            root = YAML.readTree(yaml);
        } catch (JsonProcessingException e) {
            throw new ConfigException(
                    null,
                    "The job file " + source + " is not valid YAML: " + e.getOriginalMessage() + locationOf(e),
                    e);
        }
        Map<String, String> out = new LinkedHashMap<>();
        if (root == null || root.isMissingNode() || root.isNull()) {
            return out;
        }
        if (!root.isObject()) {
            throw new ConfigException(
                    null,
                    "The job file " + source + " must be a mapping of option keys to "
                            + "values, but its top level is a "
                            + root.getNodeType().name().toLowerCase() + ".");
        }
        flattenInto(out, "", root, source);
        return out;
    }

    private static void flattenInto(Map<String, String> out, String prefix, JsonNode node, String source) {
        for (Map.Entry<String, JsonNode> field : node.properties()) {
            String key = prefix + field.getKey();
            JsonNode value = field.getValue();
            if (value.isObject()) {
                flattenInto(out, key + ".", value, source);
            } else {
                put(out, key, scalarText(key, value, source), source);
            }
        }
    }

    private static String scalarText(String key, JsonNode value, String source) {
        if (value.isNull()) {
            throw new ConfigException(key, "The option '" + key + "' in " + source + " has no value.");
        }
        if (value.isArray()) {
            List<String> items = new ArrayList<>();
            value.forEach(item -> items.add(scalarText(key, item, source)));
            return String.join(";", items);
        }
        return value.asText();
    }

    private static void put(Map<String, String> out, String key, String value, String source) {
        if (out.putIfAbsent(key, value) != null) {
            throw new ConfigException(
                    key,
                    "The option '" + key + "' is set twice in " + source
                            + " (once nested, once as a dotted key); keep one.");
        }
    }

    private static String locationOf(JsonProcessingException e) {
        return e.getLocation() == null ? "." : " (line " + e.getLocation().getLineNr() + ").";
    }
}
