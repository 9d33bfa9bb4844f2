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
