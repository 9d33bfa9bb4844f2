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

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.polyroute.runtime.bundle.ModelBundle;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Records for {@code polyroute score}: a JSON-lines file ({@code {"event_id": "...", "features":
 * [...], "task": "..."}} per line) or {@code random:N} (standard normal features, uniform tasks).
 */
final class ScoreInput {
    final List<String> ids = new ArrayList<>();
    final List<float[]> features = new ArrayList<>();
    final List<Integer> tasks = new ArrayList<>();

    static ScoreInput read(String spec, ModelBundle bundle, long seed) throws IOException {
        ScoreInput in = new ScoreInput();
        if (spec.startsWith("random:")) {
            int n = parseCount(spec.substring("random:".length()));
            Random rnd = new Random(seed);
            int t = bundle.tasks().size();
            for (int i = 0; i < n; i++) {
                float[] f = new float[bundle.inputDim()];
                for (int j = 0; j < f.length; j++) {
                    f[j] = (float) rnd.nextGaussian();
                }
                in.add("random-" + i, f, t == 0 ? -1 : rnd.nextInt(t));
            }
            return in;
        }
        ObjectMapper json = new ObjectMapper();
        Path file = Path.of(spec);
        try (BufferedReader r = Files.newBufferedReader(file)) {
            String line;
            int lineNo = 0;
            while ((line = r.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                in.parseLine(json, line, file, lineNo, bundle);
            }
        }
        return in;
    }

    private void parseLine(ObjectMapper json, String line, Path file, int lineNo, ModelBundle bundle)
            throws IOException {
        JsonNode node = json.readTree(line);
        String where = file + ":" + lineNo + ": ";
        JsonNode f = node.get("features");
        if (f == null || !f.isArray()) {
            throw new IllegalArgumentException(where + "missing 'features' array");
        }
        if (f.size() != bundle.inputDim()) {
            throw new IllegalArgumentException(
                    where + "has " + f.size() + " features, bundle " + bundle.name() + " expects " + bundle.inputDim());
        }
        float[] v = new float[f.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) f.get(i).asDouble();
        }
        int task = -1;
        if (bundle.routesOnTask()) {
            String t = node.path("task").asText(null);
            task = bundle.taskIndex(t);
            if (task < 0) {
                throw new IllegalArgumentException(where + "task '" + t + "' is not one of " + bundle.tasks());
            }
        }
        add(node.path("event_id").asText("line-" + lineNo), v, task);
    }

    private void add(String id, float[] f, int task) {
        ids.add(id);
        features.add(f);
        tasks.add(task);
    }

    int size() {
        return ids.size();
    }

    private static int parseCount(String s) {
        try {
            int n = Integer.parseInt(s.trim());
            if (n < 1) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--input random:N needs a positive count, got '" + s + "'");
        }
    }
}
