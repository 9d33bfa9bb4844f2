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

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/** Where a run's files go: {@code <results>/<kind>-<workload>-<yyyyMMdd-HHmmss>.json} and its charts beside it. */
final class BenchOutput {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path dir;
    private final String stem;

    BenchOutput(Path dir, String kind, String label) {
        this.dir = dir;
        this.stem =
                kind + "-" + label + "-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    }

    /** A file of this run: {@code <stem>-<suffix>}. */
    Path file(String suffix) {
        return dir.resolve(stem + "-" + suffix);
    }

    Path writeJson(Object report) {
        Path p = dir.resolve(stem + ".json");
        try {
            Files.createDirectories(dir);
            JSON.writeValue(p.toFile(), report);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write " + p + ": " + e.getMessage(), e);
        }
    }
}
