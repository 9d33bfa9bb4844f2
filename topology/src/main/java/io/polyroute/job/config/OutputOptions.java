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

/** How predictions are written: what keys them, and so how they are partitioned. */
public final class OutputOptions {

    /** The Kafka record key of each prediction. */
    public enum OutputKey {
        /** The reading's {@code event_id}: predictions spread evenly over the output partitions. */
        EVENT_ID,
        /**
         * The reading's {@code source_id}: every prediction of one machine lands in the same output
         * partition, so a consumer of that partition sees one machine's predictions together.
         */
        SOURCE_ID
    }

    public static final ConfigOption<OutputKey> KEY = ConfigOptions.key("output.key")
            .enumType(OutputKey.class)
            .defaultValue(OutputKey.EVENT_ID)
            .withDescription("Kafka record key of every prediction, which decides its output partition: event-id "
                    + "(spread evenly) or source-id (all predictions of one machine share a partition). The key "
                    + "is the UTF-8 bytes of the field; the producer's default partitioner hashes it.");

    private OutputOptions() {}

    /** The options and checks of this component. */
    public static OptionGroup group() {
        return new OptionGroup("output", List.of(KEY), List.of());
    }
}
