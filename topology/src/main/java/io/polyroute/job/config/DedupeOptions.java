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

/** Dropping input records whose event id was already seen. */
public final class DedupeOptions {

    public static final ConfigOption<Duration> HORIZON = ConfigOptions.key("dedupe.horizon")
            .durationType()
            .defaultValue(Duration.ofMinutes(5))
            .withDescription(
                    "How long an event_id is remembered (from its first sighting, processing time) so that a repeated "
                            + "input record goes to the dead-letter topic as DUPLICATE instead of being answered twice. "
                            + "Costs about 150 bytes of state per distinct id in the horizon; 0 turns deduplication off.");

    private DedupeOptions() {}

    /** The options and checks of this component. */
    public static OptionGroup group() {
        return new OptionGroup("dedupe", List.of(HORIZON), List.of(OptionCheck.notNegative(HORIZON)));
    }
}
