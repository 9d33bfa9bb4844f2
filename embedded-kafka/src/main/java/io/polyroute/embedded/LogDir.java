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
package io.polyroute.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** The temporary log directory of an {@link EmbeddedKafka}. */
final class LogDir {

    private LogDir() {}

    static Path create() {
        try {
            return Files.createTempDirectory("polyroute-kafka-");
        } catch (IOException e) {
            throw new UncheckedIOException("Could not create a temporary log directory for the embedded broker.", e);
        }
    }

    /** Deletes the directory and everything in it; a missing directory is fine. */
    static void delete(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not delete the embedded broker's log directory " + dir + ".", e);
        }
    }

    /** Deletes the directory after a failed start, attaching any failure to {@code cause}. */
    static void deleteQuietly(Path dir, Throwable cause) {
        try {
            delete(dir);
        } catch (UncheckedIOException e) {
            cause.addSuppressed(e);
        }
    }
}
