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

    private InputOptions() {}

    /** The options and checks of this component. */
    public static OptionGroup group() {
        return new OptionGroup(
                "input", List.of(MAX_RECORD_BYTES, BOUNDED), List.of(OptionCheck.atLeast(MAX_RECORD_BYTES, 1)));
    }
}
