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

import java.time.Duration;
import java.util.List;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.ReadableConfig;

/** How long COMBINE waits for the parts of a record in the expert-parallel mode. */
public final class CombineOptions {

    public static final ConfigOption<Duration> TIMEOUT = ConfigOptions.key("combine.timeout")
            .durationType()
            .defaultValue(Duration.ofMinutes(1))
            .withDescription("Longest a record may take from being read by the source to having every expert "
                    + "result at a COMBINE (expert-parallel mode). A record still incomplete then goes to the "
                    + "dead-letter topic as INCOMPLETE and its state is dropped. Must be shorter than "
                    + "dedupe.horizon, so two records with the same event_id never meet at COMBINE.");

    private CombineOptions() {}

    /** The options and checks of this component. */
    public static OptionGroup group() {
        return new OptionGroup(
                "combine",
                List.of(TIMEOUT),
                List.of(OptionCheck.positive(TIMEOUT), CombineOptions::checkShorterThanDedupeHorizon));
    }

    /**
     * In the expert-parallel mode COMBINE keys by event id: two records with the same id in flight
     * at once would have their results mixed into one prediction. Deduplication keeps a repeat out
     * for {@code dedupe.horizon} after the first sighting; COMBINE drops a record at the latest
     * {@code combine.timeout} after it was read. So the horizon must be on and longer than the timeout.
     */
    private static void checkShorterThanDedupeHorizon(ReadableConfig config) {
        if (config.get(JobOptions.MODE) != JobMode.EXPERT_PARALLEL) {
            return;
        }
        Duration horizon = config.get(DedupeOptions.HORIZON);
        Duration timeout = config.get(TIMEOUT);
        if (horizon.compareTo(timeout) <= 0) {
            throw new ConfigException(
                    DedupeOptions.HORIZON.key(),
                    "Invalid value " + horizon.toMillis() + " ms for '" + DedupeOptions.HORIZON.key()
                            + "': in the expert-parallel mode it must be longer than '" + TIMEOUT.key() + "' ("
                            + timeout.toMillis() + " ms), or two records with the same event_id could meet at "
                            + "COMBINE and be mixed into one prediction. Turning deduplication off (0) needs "
                            + "job.mode=fused.");
        }
    }
}
