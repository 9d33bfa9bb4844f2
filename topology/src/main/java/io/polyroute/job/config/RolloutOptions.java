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
import java.util.List;
import java.util.regex.Pattern;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.ReadableConfig;

/** Versioned rollouts on a running job (docs/rollouts.md): the switch and the three topics. */
public final class RolloutOptions {

    public static final ConfigOption<Boolean> ENABLED = ConfigOptions.key("rollout.enabled")
            .booleanType()
            .defaultValue(false)
            .withDescription("Let 'polyroute rollout' change the model version of the running job: the job reads "
                    + "rollout.topic and writes rollout.status-topic and rollout.shadow-topic. Switch, canary and "
                    + "shadow rollouts are served in both modes.");

    /** Read through {@link #topic(ReadableConfig)}: unset, it is {@code <job.name>.rollouts}. */
    public static final ConfigOption<String> TOPIC = ConfigOptions.key("rollout.topic")
            .stringType()
            .noDefaultValue()
            .withDescription("Topic of the rollout commands (one partition). Default: <job.name>.rollouts.");

    /** Read through {@link #statusTopic(ReadableConfig)}: unset, it is {@code <job.name>.rollout-status}. */
    public static final ConfigOption<String> STATUS_TOPIC = ConfigOptions.key("rollout.status-topic")
            .stringType()
            .noDefaultValue()
            .withDescription(
                    "Topic the job reports every subtask's rollout state to. Default: " + "<job.name>.rollout-status.");

    /** Read through {@link #shadowTopic(ReadableConfig)}: unset, it is {@code <job.name>.shadow}. */
    public static final ConfigOption<String> SHADOW_TOPIC = ConfigOptions.key("rollout.shadow-topic")
            .stringType()
            .noDefaultValue()
            .withDescription("Topic of the shadow pairs of a shadow rollout, written exactly once. Default: "
                    + "<job.name>.shadow.");

    public static final ConfigOption<Duration> VOTE_TIMEOUT = ConfigOptions.key("rollout.vote-timeout")
            .durationType()
            .defaultValue(Duration.ofMinutes(5))
            .withDescription("How long a serving subtask waits, from the start of its load of a new version, for "
                    + "every serving subtask's vote on it; then it votes the version down, naming the subtasks it "
                    + "has not heard from, and every subtask refuses it (docs/rollouts.md).");

    private static final Pattern LEGAL_TOPIC = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

    private RolloutOptions() {}

    /** The rollouts topic: {@code rollout.topic}, else {@code <job.name>.rollouts}. */
    public static String topic(ReadableConfig config) {
        return config.getOptional(TOPIC).orElseGet(() -> config.get(JobOptions.NAME) + ".rollouts");
    }

    /** The status topic: {@code rollout.status-topic}, else {@code <job.name>.rollout-status}. */
    public static String statusTopic(ReadableConfig config) {
        return config.getOptional(STATUS_TOPIC).orElseGet(() -> config.get(JobOptions.NAME) + ".rollout-status");
    }

    /** The shadow topic: {@code rollout.shadow-topic}, else {@code <job.name>.shadow}. */
    public static String shadowTopic(ReadableConfig config) {
        return config.getOptional(SHADOW_TOPIC).orElseGet(() -> config.get(JobOptions.NAME) + ".shadow");
    }

    /** The rollouts topic of a job configuration. */
    public static String topic(JobConfig config) {
        return config.getOptional(TOPIC).orElseGet(() -> config.get(JobOptions.NAME) + ".rollouts");
    }

    /** The status topic of a job configuration. */
    public static String statusTopic(JobConfig config) {
        return config.getOptional(STATUS_TOPIC).orElseGet(() -> config.get(JobOptions.NAME) + ".rollout-status");
    }

    /** The shadow topic of a job configuration. */
    public static String shadowTopic(JobConfig config) {
        return config.getOptional(SHADOW_TOPIC).orElseGet(() -> config.get(JobOptions.NAME) + ".shadow");
    }

    /** The options and checks of this component. */
    public static OptionGroup group() {
        return new OptionGroup(
                "rollout",
                List.of(ENABLED, TOPIC, STATUS_TOPIC, SHADOW_TOPIC, VOTE_TIMEOUT),
                List.of(
                        config -> legal(TOPIC, topic(config)),
                        config -> legal(STATUS_TOPIC, statusTopic(config)),
                        config -> legal(SHADOW_TOPIC, shadowTopic(config)),
                        config -> positive(VOTE_TIMEOUT, config.get(VOTE_TIMEOUT))));
    }

    private static void positive(ConfigOption<Duration> option, Duration value) {
        if (value.isNegative() || value.isZero()) {
            throw new ConfigException(option.key(), "'" + option.key() + "' must be positive, not " + value + ".");
        }
    }

    private static void legal(ConfigOption<String> option, String value) {
        if (!LEGAL_TOPIC.matcher(value).matches() || value.equals(".") || value.equals("..")) {
            throw new ConfigException(
                    option.key(),
                    "Invalid topic name '" + value + "' for '" + option.key()
                            + "': use 1 to 249 letters, digits, '.', '_' or '-'.");
        }
    }
}
