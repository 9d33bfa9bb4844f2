package io.polyroute.job.config;

import java.util.List;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/** Which model bundle the job serves. */
public final class BundleOptions {

    public static final ConfigOption<String> PATH = ConfigOptions.key("bundle.path")
            .stringType()
            .noDefaultValue()
            .withDescription("Directory of the model bundle to serve (models/<bundle-name>, with bundle.yaml).");

    private BundleOptions() {}

    /** The options and checks of this component. */
    public static OptionGroup group() {
        return new OptionGroup("bundle", List.of(PATH), List.of(OptionCheck.notBlank(PATH)));
    }
}
