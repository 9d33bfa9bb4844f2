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
package io.polyroute.monitor;

import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The tumbling window sizes at which the monitor keeps every windowed aggregate. */
public enum Resolution {
    /** One-second windows, for the live charts. */
    SECOND("1s", Duration.ofSeconds(1)),
    /** One-minute windows, for longer ranges and the tables. */
    MINUTE("1m", Duration.ofMinutes(1));

    private final String label;
    private final Duration size;

    Resolution(String label, Duration size) {
        this.label = label;
        this.size = size;
    }

    /** The short name used in store names and in the HTTP API, e.g. {@code 1s}. */
    public String label() {
        return label;
    }

    /** The window size. */
    public Duration size() {
        return size;
    }

    /** The window size in milliseconds. */
    public long sizeMs() {
        return size.toMillis();
    }

    /** Start of the window that contains {@code timestampMs}. */
    public long windowStart(long timestampMs) {
        return timestampMs - Math.floorMod(timestampMs, sizeMs());
    }

    /** The largest window size. */
    public static Resolution largest() {
        return MINUTE;
    }

    /**
     * The resolution with the given label ({@code 1s}, {@code 1m}; also {@code second}, {@code minute}).
     *
     * @throws IllegalArgumentException naming the accepted labels
     */
    public static Resolution parse(String text) {
        String wanted = text.trim().toLowerCase(Locale.ROOT);
        for (Resolution r : values()) {
            if (r.label.equals(wanted) || r.name().toLowerCase(Locale.ROOT).equals(wanted)) {
                return r;
            }
        }
        throw new IllegalArgumentException("Unknown window '" + text + "'; use one of "
                + Arrays.stream(values()).map(Resolution::label).collect(Collectors.joining(", ")) + ".");
    }
}
