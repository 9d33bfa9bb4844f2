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
package io.polyroute.job.operators;

import io.polyroute.job.config.BalancingOptions;
import io.polyroute.job.config.JobConfig;
import io.polyroute.job.model.InFlight;
import io.polyroute.runtime.routing.BiasBalancer;
import io.polyroute.runtime.routing.RoutingDecision;
import java.io.Serializable;

/**
 * The optional balancing a routing operator applies (docs/design.md §6, {@link BalancingOptions}): a bias
 * per stage stepped once per window, and a capacity per expert and micro-batch.
 *
 * @param biasEnabled whether each stage with a gate keeps a balancing bias
 * @param gamma bias step per window, in logits
 * @param capacityFactor capacity per expert as a multiple of its even share of a batch; 0 for none
 */
public record Balancing(boolean biasEnabled, float gamma, double capacityFactor) implements Serializable {
    /** Flag of a prediction whose selection the balancing bias changed. */
    public static final String BIAS_BALANCED = "bias_balanced";
    /** Flag of a prediction moved to a next-best expert because its choice was full. */
    public static final String CAPACITY_OVERFLOW = "capacity_overflow";

    /** No balancing: routing follows the gate alone. */
    public static Balancing off() {
        return new Balancing(false, 0f, 0);
    }

    public static Balancing of(JobConfig config) {
        return new Balancing(
                config.get(BalancingOptions.BIAS_ENABLED),
                config.get(BalancingOptions.BIAS_GAMMA).floatValue(),
                config.get(BalancingOptions.CAPACITY_FACTOR));
    }

    /** A fresh bias balancer for a stage of {@code experts} experts, or null when bias balancing is off. */
    public BiasBalancer newBalancer(int experts) {
        return biasEnabled ? new BiasBalancer(experts, gamma) : null;
    }

    /** Adds to {@code rec} the flags that say how balancing changed {@code decision}. */
    public static void flag(InFlight rec, int reroutes) {
        if ((reroutes & RoutingDecision.BIAS_BALANCED) != 0) {
            rec.addFlag(BIAS_BALANCED);
        }
        if ((reroutes & RoutingDecision.CAPACITY_OVERFLOW) != 0) {
            rec.addFlag(CAPACITY_OVERFLOW);
        }
    }
}
