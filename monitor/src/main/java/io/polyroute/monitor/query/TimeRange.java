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
package io.polyroute.monitor.query;

import io.polyroute.monitor.Resolution;

/**
 * Consecutive windows of one resolution, from the window starting at {@code firstStart} to the
 * one starting at {@code lastStart}, both included.
 *
 * @param resolution the window size
 * @param firstStart start of the first window, in epoch milliseconds
 * @param lastStart start of the last window, in epoch milliseconds
 */
public record TimeRange(Resolution resolution, long firstStart, long lastStart) {

    /** Checks that the bounds are window starts in order. */
    public TimeRange {
        if (lastStart < firstStart) {
            throw new IllegalArgumentException(
                    "A time range cannot end (" + lastStart + ") before it starts (" + firstStart + ").");
        }
    }

    /**
     * The {@code count} complete windows that end at or before {@code cutoffMs}.
     *
     * @throws IllegalArgumentException if {@code count} is not positive
     */
    public static TimeRange lastWindows(Resolution resolution, long cutoffMs, int count) {
        if (count < 1) {
            throw new IllegalArgumentException(
                    "A time range needs at least one window, but " + count + " were asked for.");
        }
        long last = resolution.windowStart(cutoffMs) - resolution.sizeMs();
        return new TimeRange(resolution, last - (count - 1L) * resolution.sizeMs(), last);
    }

    /** The complete windows that cover the last {@code minutes} minutes before {@code cutoffMs}. */
    public static TimeRange lastMinutes(Resolution resolution, long cutoffMs, int minutes) {
        long windows = Math.max(1, minutes * 60_000L / resolution.sizeMs());
        return lastWindows(resolution, cutoffMs, (int) Math.min(windows, Integer.MAX_VALUE));
    }

    /** Number of windows in the range. */
    public int windowCount() {
        return (int) ((lastStart - firstStart) / resolution.sizeMs()) + 1;
    }

    /** Start of the window at {@code index} (0 is the first). */
    public long windowStart(int index) {
        return firstStart + index * resolution.sizeMs();
    }

    /** End of the last window (exclusive), in epoch milliseconds. */
    public long end() {
        return lastStart + resolution.sizeMs();
    }
}
