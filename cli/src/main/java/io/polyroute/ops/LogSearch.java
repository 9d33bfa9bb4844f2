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
