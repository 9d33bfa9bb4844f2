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
import java.util.regex.Pattern;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ReadableConfig;

/**
 * A constraint on option values, declared next to the options in their {@code *Options} class
 * and checked once when a {@link JobConfig} is built.
 */
@FunctionalInterface
public interface OptionCheck {

    /**
     * Checks the configuration.
     *
     * @throws ConfigException naming the key when the constraint does not hold
     */
    void check(ReadableConfig config);

    /** The integer option, when set, must be at least {@code min}. */
    static OptionCheck atLeast(ConfigOption<Integer> option, int min) {
        return config -> {
            Integer value = config.get(option);
            if (value != null && value < min) {
                throw new ConfigException(
                        option.key(),
                        "Invalid value " + value + " for '" + option.key() + "': it must be at least " + min + ".");
            }
        };
    }

    /** The duration option must be greater than zero. */
    static OptionCheck positive(ConfigOption<Duration> option) {
        return config -> {
            Duration value = config.get(option);
            if (value.isNegative() || value.isZero()) {
                throw new ConfigException(
                        option.key(),
                        "Invalid value " + value.toMillis() + " ms for '" + option.key()
                                + "': it must be greater than zero.");
            }
        };
    }

    /** The duration option must not be negative. */
    static OptionCheck notNegative(ConfigOption<Duration> option) {
        return config -> {
            Duration value = config.get(option);
            if (value.isNegative()) {
                throw new ConfigException(
                        option.key(),
                        "Invalid value " + value.toMillis() + " ms for '" + option.key()
                                + "': it must not be negative.");
            }
        };
    }

    /** The string option, when set, must not be blank. */
    static OptionCheck notBlank(ConfigOption<String> option) {
        return config -> config.getOptional(option).ifPresent(value -> {
            if (value.isBlank()) {
                throw new ConfigException(option.key(), "The option '" + option.key() + "' must not be blank.");
            }
        });
    }

    /** The string option must be a legal Kafka topic name. */
    static OptionCheck topicName(ConfigOption<String> option) {
        Pattern legal = Pattern.compile("[a-zA-Z0-9._-]{1,249}");
        return config -> {
            String value = TopicsOptions.topic(config, option);
            if (!legal.matcher(value).matches() || value.equals(".") || value.equals("..")) {
                throw new ConfigException(
                        option.key(),
                        "Invalid topic name '" + value + "' for '" + option.key()
                                + "': use 1 to 249 letters, digits, '.', '_' or '-'.");
            }
        };
    }
}
