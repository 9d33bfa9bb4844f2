package io.polyroute.job.config;

import java.util.List;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/** Which model bundle the job serves. */
public final class BundleOptions {

    public static final ConfigOption<String> PATH = ConfigOptions.key("bundle.path")
            .stringType()
            .noDefaultValue()
            .withDescription(
                    "The model bundle to serve: its folder (models/<bundle-name>, with bundle.yaml), or a URI of"
                            + " any file system Flink supports (file://, s3://, hdfs:// with the matching plugin), which the"
                            + " client and every TaskManager copy once into a local cache and verify there.");

    private BundleOptions() {}

    /** The options and checks of this component. */
    public static OptionGroup group() {
        return new OptionGroup("bundle", List.of(PATH), List.of(OptionCheck.notBlank(PATH)));
    }
}
