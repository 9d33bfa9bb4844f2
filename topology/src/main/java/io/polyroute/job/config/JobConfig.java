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

import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.kafka.clients.CommonClientConfigs;

/**
 * The validated configuration of one Polyroute job: the options of {@link OptionsRegistry} plus
 * Kafka client properties under {@value KafkaOptions#PROPERTIES_PREFIX}. Immutable and
 * serializable, so operators can carry it.
 *
 * <pre>{@code
 * JobConfig config = JobConfigLoader.load(Path.of("job.yaml"), List.of("job.slots=4"));
 * int slots = config.get(JobOptions.SLOTS);
 * Properties kafka = config.kafkaClientProperties();
 * LOG.info("Starting with {}", config.redacted());
 * }</pre>
 *
 * <p>Every instance has passed validation: unknown keys, unparsable values and values out of
 * range are rejected when it is built, with a {@link ConfigException} naming the key.
 */
public final class JobConfig implements Serializable {

    private static final long serialVersionUID = 1L;

    /** The values as given (normalised), sorted by key. */
    private final Map<String, String> values;

    private final Configuration configuration;

    private JobConfig(Map<String, String> values) {
        this.values = Collections.unmodifiableMap(new TreeMap<>(values));
        this.configuration = Configuration.fromMap(values);
    }

    /** A configuration with every option at its default. */
    public static JobConfig defaults() {
        return of(Map.of());
    }

    /**
     * Validates {@code values} (dotted keys to value text) and wraps them.
     *
     * @throws ConfigException for the first problem, naming its key
     */
    public static JobConfig of(Map<String, String> values) {
        return new JobConfig(JobConfigValidator.validate(values));
    }

    /** The value of {@code option}, or its default when not set. */
    public <T> T get(ConfigOption<T> option) {
        return configuration.get(option);
    }

    /** The value of {@code option} if set or defaulted. */
    public <T> Optional<T> getOptional(ConfigOption<T> option) {
        return Optional.ofNullable(configuration.get(option));
    }

    /**
     * The value of an option that has no default and must be set for the current command.
     *
     * @throws ConfigException naming the key when it is not set
     */
    public <T> T require(ConfigOption<T> option) {
        return getOptional(option)
                .orElseThrow(() -> new ConfigException(
                        option.key(),
                        "The option '" + option.key() + "' is required; set it in the job file or with --set "
                                + option.key() + "=..."));
    }

    /** A copy with one more value, validated like the original. */
    public JobConfig with(String key, String value) {
        Map<String, String> copy = new TreeMap<>(values);
        copy.put(key, value);
        return of(copy);
    }

    /** Only the values that were set explicitly, sorted by key (secrets included). */
    public Map<String, String> explicitValues() {
        return values;
    }

    /**
     * Properties for every Kafka client of the job: {@code bootstrap.servers} from
     * {@link KafkaOptions#BOOTSTRAP_SERVERS} plus each pass-through property without its prefix.
     * A fresh copy on each call.
     */
    public Properties kafkaClientProperties() {
        Properties props = new Properties();
        values.forEach((key, value) -> {
            if (key.startsWith(KafkaOptions.PROPERTIES_PREFIX)) {
                props.setProperty(key.substring(KafkaOptions.PROPERTIES_PREFIX.length()), value);
            }
        });
        props.setProperty(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, get(KafkaOptions.BOOTSTRAP_SERVERS));
        return props;
    }

    /**
     * Every option's effective value (set or default) as a user would write it, followed by the
     * pass-through Kafka properties. Options without a default that were not set are left out.
     * Secrets are included: use {@link #redacted()} for anything that is logged or shown.
     */
    public Map<String, String> effectiveValues() {
        Map<String, String> out = new LinkedHashMap<>();
        for (ConfigOption<?> option : OptionsRegistry.options()) {
            Object value = configuration.get(option);
            if (value != null) {
                out.put(option.key(), OptionValues.format(value));
            }
        }
        values.forEach((key, value) -> {
            if (key.startsWith(KafkaOptions.PROPERTIES_PREFIX)) {
                out.put(key, value);
            }
        });
        return out;
    }

    /** {@link #effectiveValues()} with passwords, secrets and JAAS configs masked. */
    public Map<String, String> redacted() {
        return Redaction.redact(effectiveValues());
    }

    /** A copy of the values as a Flink configuration, e.g. to merge into the job's configuration. */
    public Configuration toConfiguration() {
        return new Configuration(configuration);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof JobConfig other && values.equals(other.values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }

    /** The redacted effective values; safe to log. */
    @Override
    public String toString() {
        return "JobConfig" + redacted();
    }
}
