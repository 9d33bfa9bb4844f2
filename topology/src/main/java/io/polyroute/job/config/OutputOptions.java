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
