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
