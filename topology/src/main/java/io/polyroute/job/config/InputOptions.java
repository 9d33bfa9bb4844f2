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

import java.util.List;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/** Limits applied to input records before they are decoded. */
public final class InputOptions {

    public static final ConfigOption<Integer> MAX_RECORD_BYTES = ConfigOptions.key("input.max-record-bytes")
            .intType()
            .defaultValue(1024 * 1024)
            .withDescription("Largest accepted input record value in bytes; larger records go to the "
                    + "dead-letter topic with reason OVERSIZED.");

    public static final ConfigOption<Boolean> BOUNDED = ConfigOptions.key("input.bounded")
            .booleanType()
            .defaultValue(false)
            .withDescription("Read the input topic up to the offsets current at start, then finish the job. "
                    + "For backfills, benchmarks and tests; a production job leaves it false.");

    public static final ConfigOption<String> START = ConfigOptions.key("input.start")
            .stringType()
            .defaultValue("committed")
            .withDescription("Where the job starts reading the input topic when it starts without a checkpoint or "
                    + "savepoint (a restore always resumes from the restored offsets): committed (the offsets "
                    + "committed by the consumer group job.name; partitions without one from their earliest "
                    + "record, so a new job reads the whole topic), committed-or-latest (likewise, but partitions "
                    + "without a committed offset start at their end), earliest, latest (only records written "
                    + "after the start), or timestamp:TIME (the first record at or after TIME, an ISO-8601 instant "
                    + "such as 2026-05-01T10:00:00Z or epoch milliseconds).");

    private InputOptions() {}

    /** The options and checks of this component. */
    public static OptionGroup group() {
        return new OptionGroup(
                "input",
                List.of(MAX_RECORD_BYTES, BOUNDED, START),
                List.of(OptionCheck.atLeast(MAX_RECORD_BYTES, 1), config -> InputStart.parse(config.get(START))));
    }
}
