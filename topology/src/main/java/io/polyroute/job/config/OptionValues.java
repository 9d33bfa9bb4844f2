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
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.util.TimeUtils;

/**
 * Converts option values between the text users write and the form Flink parses: enum constants
 * are written in lower case with hyphens ({@code expert-parallel}) but parsed by constant name.
 */
final class OptionValues {

    private OptionValues() {}

    /** The raw text as Flink's {@code Configuration} can parse it for this option. */
    static String normalise(ConfigOption<?> option, String raw) {
        String value = raw.trim();
        return enumClass(option) != null ? value.replace('-', '_').toUpperCase(Locale.ROOT) : value;
    }

    /** A typed value as a user would write it. */
    static String format(Object value) {
        if (value instanceof Enum<?> e) {
            return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
        if (value instanceof Duration d) {
            return TimeUtils.formatWithHighestUnit(d);
        }
        return String.valueOf(value);
    }

    /** What a valid value looks like, for error messages. */
    static String expectedForm(ConfigOption<?> option) {
        Class<?> enumType = enumClass(option);
        if (enumType != null) {
            return "one of "
                    + Arrays.stream(enumType.getEnumConstants())
                            .map(OptionValues::format)
                            .collect(Collectors.joining(", "));
        }
        Object sample = option.hasDefaultValue() ? option.defaultValue() : null;
        if (sample instanceof Duration) {
            return "a duration such as 500 ms, 5 s or 1 min";
        }
        if (sample instanceof org.apache.flink.configuration.MemorySize) {
            return "a size such as 0, 512 mb or 2 gb";
        }
        if (sample instanceof Integer) {
            return "a whole number";
        }
        if (sample instanceof Boolean) {
            return "true or false";
        }
        return "a value of the option's type";
    }

    private static Class<?> enumClass(ConfigOption<?> option) {
        if (option.hasDefaultValue() && option.defaultValue() instanceof Enum<?> e) {
            return e.getDeclaringClass();
        }
        return null;
    }
}
