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
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/**
 * Online rebalancing of expert placement (docs/design.md §6): load windows, the planner's thresholds and
 * how plans are applied. Placement only steers traffic; predictions never depend on it.
 */
public final class RebalanceOptions {

    public static final ConfigOption<Boolean> ENABLED = ConfigOptions.key("rebalance.enabled")
            .booleanType()
            .defaultValue(true)
            .withDescription("Run the rebalancer, which publishes new placement plans as load shifts. When "
                    + "false, the static round-robin placement holds unless a plan is pinned by hand.");

    public static final ConfigOption<Duration> WINDOW = ConfigOptions.key("rebalance.window")
            .durationType()
            .defaultValue(Duration.ofSeconds(5))
            .withDescription("Length of a load window: GATE and EXPERT report per-expert load to "
                    + "topics.load once per window, and the rebalancer plans once per window.");

    public static final ConfigOption<Double> SMOOTHING = ConfigOptions.key("rebalance.smoothing")
            .doubleType()
            .defaultValue(0.6)
            .withDescription("Weight of the newest window in the exponentially smoothed load (0 < a <= 1).");

    public static final ConfigOption<Double> HYSTERESIS = ConfigOptions.key("rebalance.hysteresis")
            .doubleType()
            .defaultValue(0.05)
            .withDescription("A new plan is published only when it improves the predicted max/mean slot load "
                    + "by more than this fraction.");

    public static final ConfigOption<Double> STICKINESS = ConfigOptions.key("rebalance.stickiness")
            .doubleType()
            .defaultValue(0.05)
            .withDescription("A plan that moves sessions is preferred over re-splitting the current one only "
                    + "when it predicts an imbalance better by more than this fraction.");

    public static final ConfigOption<Integer> COOLDOWN_WINDOWS = ConfigOptions.key("rebalance.cooldown-windows")
            .intType()
            .defaultValue(1)
            .withDescription("Windows after a published plan during which no new plan is published.");

    public static final ConfigOption<Integer> REPLICA_BUDGET = ConfigOptions.key("rebalance.replica-budget")
            .intType()
            .defaultValue(-1)
            .withDescription("Extra replicas beyond one per expert; -1 means as many as there are slots.");

    public static final ConfigOption<Integer> MIN_ROWS_PER_REPLICA_BATCH = ConfigOptions.key(
                    "rebalance.min-rows-per-replica-batch")
            .intType()
            .defaultValue(64)
            .withDescription("An expert gets no more replicas than keep each replica's expected batch at this many "
                    + "rows or more (its share of the expert's demand over the time its queue fills, at most "
                    + "batching.expert.size); 0 means no minimum.");

    public static final ConfigOption<Integer> SLOT_CAPACITY = ConfigOptions.key("rebalance.slot-capacity")
            .intType()
            .defaultValue(-1)
            .withDescription("Most expert sessions a slot may hold resident, counting one being loaded; -1 means "
                    + "no limit. Otherwise at least 1, and job.slots × this must hold every expert of each stage. "
                    + "A slot at capacity evicts its least recently used idle session to load another.");

    public static final ConfigOption<Duration> ACTIVATION_DELAY = ConfigOptions.key("rebalance.activation-delay")
            .durationType()
            .defaultValue(Duration.ofMillis(500))
            .withDescription("How long GATE waits after receiving a plan before routing by it, so that EXPERT "
                    + "slots have loaded newly assigned sessions.");

    public static final ConfigOption<Duration> RELEASE_GRACE = ConfigOptions.key("rebalance.release-grace")
            .durationType()
            .defaultValue(Duration.ofSeconds(30))
            .withDescription("How long a slot keeps a session the plan does not assign to it (one a record "
                    + "loaded on demand, or one a new plan took away) after its last use before releasing it.");

    private RebalanceOptions() {}

    /** -1 (no limit) or at least 1: a capacity of 0 leaves no room for any expert. */
    private static void checkSlotCapacity(org.apache.flink.configuration.ReadableConfig config) {
        int value = config.get(SLOT_CAPACITY);
        if (value == 0 || value < -1) {
            throw new ConfigException(
                    SLOT_CAPACITY.key(),
                    "Invalid value " + value + " for '" + SLOT_CAPACITY.key()
                            + "': it must be -1 (no limit) or at least 1.");
        }
    }

    /** The options and checks of this component. */
    public static OptionGroup group() {
        return new OptionGroup(
                "rebalance",
                List.of(
                        ENABLED,
                        WINDOW,
                        SMOOTHING,
                        HYSTERESIS,
                        STICKINESS,
                        COOLDOWN_WINDOWS,
                        REPLICA_BUDGET,
                        MIN_ROWS_PER_REPLICA_BATCH,
                        SLOT_CAPACITY,
                        ACTIVATION_DELAY,
                        RELEASE_GRACE),
                List.of(
                        OptionCheck.positive(WINDOW),
                        OptionCheck.atLeast(COOLDOWN_WINDOWS, 0),
                        OptionCheck.atLeast(REPLICA_BUDGET, -1),
                        OptionCheck.atLeast(MIN_ROWS_PER_REPLICA_BATCH, 0),
                        RebalanceOptions::checkSlotCapacity,
                        OptionCheck.notNegative(ACTIVATION_DELAY),
                        OptionCheck.notNegative(RELEASE_GRACE)));
    }
}
