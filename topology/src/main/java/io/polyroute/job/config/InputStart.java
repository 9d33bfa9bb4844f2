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

import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * A parsed {@code input.start}: where a job without restored state starts reading its input.
 *
 * @param kind the starting rule
 * @param timestampMillis for {@link Kind#TIMESTAMP}, the time in epoch milliseconds; otherwise 0
 */
public record InputStart(Kind kind, long timestampMillis) {

    /** The starting rules of {@code input.start}. */
    public enum Kind {
        /** Committed offsets; partitions without one from the earliest record. */
        COMMITTED,
        /** Committed offsets; partitions without one from their end. */
        COMMITTED_OR_LATEST,
        /** The earliest record, ignoring committed offsets. */
        EARLIEST,
        /** The end of each partition, ignoring committed offsets. */
        LATEST,
        /** The first record at or after a time, ignoring committed offsets. */
        TIMESTAMP
    }

    private static final String TIMESTAMP_PREFIX = "timestamp:";

    /**
     * Parses a value of {@code input.start}.
     *
     * @throws ConfigException naming the key when the value is none of the accepted forms
     */
    public static InputStart parse(String value) {
        String v = value.strip().toLowerCase(java.util.Locale.ROOT);
        switch (v) {
            case "committed":
                return new InputStart(Kind.COMMITTED, 0);
            case "committed-or-latest":
                return new InputStart(Kind.COMMITTED_OR_LATEST, 0);
            case "earliest":
                return new InputStart(Kind.EARLIEST, 0);
            case "latest":
                return new InputStart(Kind.LATEST, 0);
            default:
                break;
        }
        if (v.startsWith(TIMESTAMP_PREFIX)) {
            String time = value.strip().substring(TIMESTAMP_PREFIX.length()).strip();
            try {
                return new InputStart(Kind.TIMESTAMP, Long.parseLong(time));
            } catch (NumberFormatException notMillis) {
                try {
                    return new InputStart(Kind.TIMESTAMP, Instant.parse(time).toEpochMilli());
                } catch (DateTimeParseException e) {
                    // reported below
                }
            }
        }
        throw new ConfigException(
                InputOptions.START.key(),
                "Invalid value '" + value + "' for '" + InputOptions.START.key() + "': use committed, "
                        + "committed-or-latest, earliest, latest or timestamp:TIME (an ISO-8601 instant such as "
                        + "2026-05-01T10:00:00Z, or epoch milliseconds).");
    }
}
