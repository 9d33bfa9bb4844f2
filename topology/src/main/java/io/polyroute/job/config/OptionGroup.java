package io.polyroute.job.config;

import java.util.List;
import org.apache.flink.configuration.ConfigOption;

/**
 * The options of one component (one {@code *Options} class) with the checks that apply to them.
 *
 * @param name the key prefix shared by the options, e.g. {@code batching}
 * @param options every option of the component, in the order {@code --help} lists them
 * @param checks constraints on their values
 */
public record OptionGroup(String name, List<ConfigOption<?>> options, List<OptionCheck> checks) {

    /** Copies the lists so a group cannot change after it is registered. */
    public OptionGroup {
        options = List.copyOf(options);
        checks = List.copyOf(checks);
    }
}
