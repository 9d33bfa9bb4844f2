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

/** Dropping input records whose event id was already seen. */
public final class DedupeOptions {

    public static final ConfigOption<Duration> HORIZON = ConfigOptions.key("dedupe.horizon")
            .durationType()
            .defaultValue(Duration.ofMinutes(5))
            .withDescription(
                    "How long an event_id is remembered (from its first sighting, processing time) so that a repeated "
                            + "input record goes to the dead-letter topic as DUPLICATE instead of being answered twice. "
                            + "Costs about 150 bytes of state per distinct id in the horizon; 0 turns deduplication off.");

    public static final ConfigOption<DedupeScope> SCOPE = ConfigOptions.key("dedupe.scope")
            .enumType(DedupeScope.class)
            .defaultValue(DedupeScope.GLOBAL)
            .withDescription(
                    "Where a repeat of an event_id is looked for. global: among all input records (the records "
                            + "are shuffled by event_id to the dedupe operator). partition: among the records of the same "
                            + "Kafka partition only, right after decoding and without a shuffle; correct only when producers "
                            + "key their records by event_id, so that every copy of an id lands on the same partition: a "
                            + "repeat written to another partition is NOT caught and is served again. fused mode only.");

    private DedupeOptions() {}

    /** The options and checks of this component. */
    public static OptionGroup group() {
        return new OptionGroup(
                "dedupe",
                List.of(HORIZON, SCOPE),
                List.of(OptionCheck.notNegative(HORIZON), DedupeOptions::checkPartitionScopeIsFused));
    }

    /**
     * In the expert-parallel mode COMBINE keys by event id and relies on deduplication to keep two
     * records with the same id apart; partition scope cannot promise that when producers do not
     * key by id, so it is refused there rather than risk mixing two records into one prediction.
     */
    private static void checkPartitionScopeIsFused(ReadableConfig config) {
        if (config.get(SCOPE) == DedupeScope.PARTITION && config.get(JobOptions.MODE) != JobMode.FUSED) {
            throw new ConfigException(
                    SCOPE.key(),
                    "Invalid value 'partition' for '" + SCOPE.key() + "': partition scope needs job.mode=fused. "
                            + "In the expert-parallel mode COMBINE keys by event_id, and a repeat on another Kafka "
                            + "partition, which partition scope does not catch, could be mixed with the first "
                            + "record into one prediction. Use dedupe.scope=global or job.mode=fused.");
        }
    }
}
