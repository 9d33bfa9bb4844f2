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

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.flink.configuration.ConfigOption;

/**
 * Every option of a Polyroute job, grouped by component. The command line prints
 * {@link #helpText()} for {@code polyroute run --help}, and {@link JobConfig} accepts exactly these
 * keys plus the {@value KafkaOptions#PROPERTIES_PREFIX} pass-through.
 *
 * <p>A new component adds its {@code *Options} class to {@link #GROUPS}.
 */
public final class OptionsRegistry {

    private static final List<OptionGroup> GROUPS = List.of(
            KafkaOptions.group(),
            TopicsOptions.group(),
            JobOptions.group(),
            BundleOptions.group(),
            ModelRuntimeOptions.group(),
            BatchingOptions.group(),
            DedupeOptions.group(),
            CombineOptions.group(),
            InputOptions.group(),
            OutputOptions.group(),
            RegistryOptions.group(),
            RebalanceOptions.group(),
            BalancingOptions.group(),
            RolloutOptions.group(),
            MonitorOptions.group());

    private static final Map<String, ConfigOption<?>> BY_KEY = index(GROUPS);

    private OptionsRegistry() {}

    /** The option groups in the order the help lists them. */
    public static List<OptionGroup> groups() {
        return GROUPS;
    }

    /** Every registered option, in help order. */
    public static List<ConfigOption<?>> options() {
        return List.copyOf(BY_KEY.values());
    }

    /** Every registered key. */
    public static Set<String> keys() {
        return BY_KEY.keySet();
    }

    /** The option registered under {@code key}, if any. */
    public static Optional<ConfigOption<?>> find(String key) {
        return Optional.ofNullable(BY_KEY.get(key));
    }

    /** The registered key closest to a mistyped {@code key}, for "did you mean" hints. */
    public static Optional<String> suggest(String key) {
        return KeySuggester.closest(key, BY_KEY.keySet());
    }

    /** The option's description as plain text. */
    public static String description(ConfigOption<?> option) {
        return new PlainTextFormatter().format(option.description());
    }

    /** The option's default as a user would write it, or {@code (none)}. */
    public static String defaultText(ConfigOption<?> option) {
        return option.hasDefaultValue() ? OptionValues.format(option.defaultValue()) : "(none)";
    }

    /** Width of the {@link #helpText()} lines: no line is longer, and no word is split. */
    public static final int HELP_WIDTH = 110;

    /**
     * A listing of every option with its default and description, for {@code --help}, without a
     * heading: the command that prints it gives one. Descriptions are word-wrapped to
     * {@link #HELP_WIDTH}, so option names in them are never broken across lines.
     */
    public static String helpText() {
        String nl = System.lineSeparator();
        StringBuilder out = new StringBuilder();
        for (OptionGroup group : GROUPS) {
            out.append(nl);
            for (ConfigOption<?> option : group.options()) {
                out.append("  ")
                        .append(option.key())
                        .append("  (default: ")
                        .append(defaultText(option))
                        .append(')')
                        .append(nl)
                        .append(wrap(description(option), "      ", HELP_WIDTH))
                        .append(nl);
            }
            if (group.name().equals("kafka")) {
                out.append("  ")
                        .append(KafkaOptions.PROPERTIES_PREFIX)
                        .append('*')
                        .append(nl)
                        .append(wrap(
                                "Any Kafka client property, passed without the prefix to every client, e.g. "
                                        + "kafka.properties.security.protocol=SSL.",
                                "      ",
                                HELP_WIDTH))
                        .append(nl);
            }
        }
        return out.toString();
    }

    /** Word-wraps {@code text} with {@code indent} before every line; a word is never split. */
    static String wrap(String text, String indent, int width) {
        StringBuilder out = new StringBuilder();
        StringBuilder line = new StringBuilder(indent);
        for (String word : text.strip().split("\\s+")) {
            if (line.length() > indent.length() && line.length() + 1 + word.length() > width) {
                out.append(line).append(System.lineSeparator());
                line = new StringBuilder(indent);
            }
            if (line.length() > indent.length()) {
                line.append(' ');
            }
            line.append(word);
        }
        return out.append(line).toString();
    }

    private static Map<String, ConfigOption<?>> index(List<OptionGroup> groups) {
        Map<String, ConfigOption<?>> byKey = new LinkedHashMap<>();
        for (OptionGroup group : groups) {
            for (ConfigOption<?> option : group.options()) {
                if (byKey.put(option.key(), option) != null) {
                    throw new IllegalStateException("The option key '" + option.key() + "' is registered twice.");
                }
                if (!option.key().startsWith(group.name() + ".")) {
                    throw new IllegalStateException("The option '" + option.key() + "' does not start with its group "
                            + "prefix '" + group.name() + ".'.");
                }
            }
        }
        return Collections.unmodifiableMap(byKey);
    }
}
