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
package io.polyroute.ops;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Counts the log lines, over every regular file of a folder, that contain a string. */
final class LogSearch {
    private LogSearch() {}

    static long count(Path dir, String needle) {
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(Files::isRegularFile).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list the log folder " + dir + ": " + e.getMessage(), e);
        }
        long n = 0;
        for (Path f : files) {
            try (BufferedReader r = Files.newBufferedReader(f, StandardCharsets.ISO_8859_1)) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    if (line.contains(needle)) {
                        n++;
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read the log " + f + ": " + e.getMessage(), e);
            }
        }
        return n;
    }
}
