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

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.kafka.clients.CommonClientConfigs;

/**
 * Turns raw key/value text into a checked Flink {@link Configuration}: rejects unknown keys with a
 * suggestion, normalises and parses every value, then runs every group's {@link OptionCheck}s.
 */
final class JobConfigValidator {

    private JobConfigValidator() {}

    /**
     * Validates {@code raw} and returns the normalised values, sorted by key.
     *
     * @throws ConfigException for the first problem found, naming its key
     */
    static Map<String, String> validate(Map<String, String> raw) {
        Map<String, String> normalised = new TreeMap<>();
        raw.forEach((key, value) -> normalised.put(key, normaliseEntry(key, value)));
        Configuration configuration = Configuration.fromMap(normalised);
        OptionsRegistry.options().forEach(option -> parse(configuration, option, raw.get(option.key())));
        OptionsRegistry.groups().forEach(group -> group.checks().forEach(check -> check.check(configuration)));
        return normalised;
    }

    private static String normaliseEntry(String key, String value) {
        if (value == null) {
            throw new ConfigException(key, "The option '" + key + "' has no value.");
        }
        if (key.startsWith(KafkaOptions.PROPERTIES_PREFIX)) {
            checkPassThrough(key);
            return value;
        }
        Optional<ConfigOption<?>> option = OptionsRegistry.find(key);
        if (option.isEmpty()) {
            throw unknownKey(key);
        }
        return OptionValues.normalise(option.get(), value);
    }

    private static void checkPassThrough(String key) {
        String property = key.substring(KafkaOptions.PROPERTIES_PREFIX.length());
        if (property.isBlank()) {
            throw new ConfigException(
                    key,
                    "The key '" + key + "' names no Kafka property; write for example " + KafkaOptions.PROPERTIES_PREFIX
                            + "security.protocol=SSL.");
        }
        if (property.equals(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG)) {
            throw new ConfigException(
                    key, "Set the brokers with '" + KafkaOptions.BOOTSTRAP_SERVERS.key() + "', not '" + key + "'.");
        }
    }

    private static ConfigException unknownKey(String key) {
        String hint = OptionsRegistry.suggest(key)
                .map(s -> " Did you mean '" + s + "'?")
                .orElse(" Run 'polyroute run --help' to list every option; Kafka client properties go under '"
                        + KafkaOptions.PROPERTIES_PREFIX + "'.");
        return new ConfigException(key, "Unknown configuration key '" + key + "'." + hint);
    }

    private static void parse(Configuration configuration, ConfigOption<?> option, String rawValue) {
        try {
            configuration.get(option);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(
                    option.key(),
                    "Invalid value '" + rawValue + "' for '" + option.key() + "': expected "
                            + OptionValues.expectedForm(option) + ".",
                    e);
        }
    }
}
