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
import org.apache.flink.configuration.ReadableConfig;

/**
 * Optional load balancing that changes routing (docs/design.md §6), off by default. Unlike placement
 * rebalancing it alters predictions: a balanced record may visit experts the gate alone would not
 * have chosen. Every such prediction carries the flag {@code bias_balanced} or
 * {@code capacity_overflow}.
 */
public final class BalancingOptions {

    public static final ConfigOption<Boolean> BIAS_ENABLED = ConfigOptions.key("balancing.bias.enabled")
            .booleanType()
            .defaultValue(false)
            .withDescription("Bias balancing after DeepSeek-V3: each GATE subtask adds a per-expert bias to "
                    + "the gate logits for selection only (weights never include it) and, at the end of "
                    + "every rebalance.window, moves it by balancing.bias.gamma against the expert's load: "
                    + "b[e] -= gamma * sign(load[e] - mean load). Changes predictions; affected ones carry "
                    + "the flag bias_balanced.");

    public static final ConfigOption<Double> BIAS_GAMMA = ConfigOptions.key("balancing.bias.gamma")
            .doubleType()
            .defaultValue(0.001)
            .withDescription("Step of the balancing bias per window, in logits (the units of the gate "
                    + "output). The bias of an expert can move by at most gamma per window, so a gap of "
                    + "d logits between a busy and an idle expert closes in about d / gamma windows.");

    public static final ConfigOption<Double> CAPACITY_FACTOR = ConfigOptions.key("balancing.capacity-factor")
            .doubleType()
            .defaultValue(0.0)
            .withDescription("Capacity per expert in each GATE micro-batch, as a multiple of its even share: "
                    + "at most ceil(factor * k * records / experts) records per expert and routing group. A "
                    + "record whose expert is full goes to its next-best expert with room (flag "
                    + "capacity_overflow), or keeps its choice when none has room. 0 turns it off; "
                    + "otherwise at least 1, e.g. 1.25.");

    private BalancingOptions() {}

    /** The options and checks of this component. */
    public static OptionGroup group() {
        return new OptionGroup(
                "balancing",
                List.of(BIAS_ENABLED, BIAS_GAMMA, CAPACITY_FACTOR),
                List.of(BalancingOptions::checkGamma, BalancingOptions::checkCapacityFactor));
    }

    /** Whether any balancing that changes routing is on. */
    public static boolean anyEnabled(JobConfig config) {
        return config.get(BIAS_ENABLED) || config.get(CAPACITY_FACTOR) > 0;
    }

    private static void checkGamma(ReadableConfig config) {
        double gamma = config.get(BIAS_GAMMA);
        if (!(gamma > 0) || Double.isInfinite(gamma)) {
            throw new ConfigException(
                    BIAS_GAMMA.key(),
                    "Invalid value " + gamma + " for '" + BIAS_GAMMA.key()
                            + "': it must be a positive number of logits, e.g. 0.001.");
        }
    }

    private static void checkCapacityFactor(ReadableConfig config) {
        double factor = config.get(CAPACITY_FACTOR);
        if (!(factor == 0 || factor >= 1) || Double.isInfinite(factor)) {
            throw new ConfigException(
                    CAPACITY_FACTOR.key(),
                    "Invalid value " + factor + " for '"
                            + CAPACITY_FACTOR.key() + "': it must be 0 (no capacity) or at least 1 (a capacity below "
                            + "the even share cannot hold every record), e.g. 1.25.");
        }
    }
}
