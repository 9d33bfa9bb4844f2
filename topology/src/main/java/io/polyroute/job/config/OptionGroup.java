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
