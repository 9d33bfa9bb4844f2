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
package io.polyroute.runtime.placement;

import java.util.Arrays;

/**
 * Exponential smoothing of per-window load observations into a {@link LoadSnapshot}:
 * {@code smoothed = alpha × observed + (1 - alpha) × previous}, separately for demand and cost.
 *
 * <p>The first window initialises the estimate (no bias towards zero). A window in which an expert
 * served no record carries no cost sample: pass {@code NaN} as its cost and the previous estimate is
 * kept. An expert that never had a cost sample is assumed to cost the mean of the experts that had
 * one (1 ns when none had), so its demand still counts.
 *
 * <p>Mutable and not thread-safe: keep one per stage in the single rebalancer task and checkpoint
 * {@link #snapshot()}; {@link #resume(double, LoadSnapshot)} restores it.
 */
public final class LoadSmoother {
    /** Weight of the newest window, in (0, 1]. */
    private final double alpha;
    /** Smoothed demand per expert; meaningless before the first update. */
    private final double[] demand;
    /** Smoothed cost per expert; NaN while an expert has had no sample. */
    private final double[] cost;
    /** Whether at least one window has been observed. */
    private boolean started;

    /**
     * A smoother for {@code experts} experts giving weight {@code alpha} to each new window.
     *
     * @throws IllegalArgumentException if {@code experts < 1} or {@code alpha} is not in (0, 1]
     */
    public LoadSmoother(int experts, double alpha) {
        if (experts < 1) {
            throw new IllegalArgumentException("A load smoother needs at least one expert, got " + experts + ".");
        }
        if (!(alpha > 0 && alpha <= 1)) {
            throw new IllegalArgumentException("rebalance.smoothing-alpha must be in (0, 1], but is " + alpha + ".");
        }
        this.alpha = alpha;
        this.demand = new double[experts];
        this.cost = new double[experts];
        Arrays.fill(cost, Double.NaN);
    }

    /**
     * A smoother that continues from a previously {@link #snapshot() snapshotted} estimate. Costs in
     * the snapshot count as samples, including those filled in with the mean.
     */
    public static LoadSmoother resume(double alpha, LoadSnapshot smoothed) {
        LoadSmoother s = new LoadSmoother(smoothed.experts(), alpha);
        for (int e = 0; e < smoothed.experts(); e++) {
            s.demand[e] = smoothed.demand(e);
            s.cost[e] = smoothed.costNanos(e);
        }
        s.started = true;
        return s;
    }

    /**
     * Folds in one window and returns the new estimate.
     *
     * @param demand records per second routed to each expert in the window
     * @param costNanos mean service nanoseconds per record of each expert in the window, {@code NaN}
     *     for an expert that served no record
     */
    public LoadSnapshot update(double[] demand, double[] costNanos) {
        if (demand.length != this.demand.length || costNanos.length != this.cost.length) {
            throw new IllegalArgumentException("The smoother tracks " + this.demand.length + " experts, got "
                    + demand.length + " demands and " + costNanos.length + " costs.");
        }
        for (int e = 0; e < demand.length; e++) {
            if (!(demand[e] >= 0) || Double.isInfinite(demand[e])) {
                throw new IllegalArgumentException(
                        "The demand of expert " + e + " must be finite and >= 0, but is " + demand[e] + ".");
            }
            this.demand[e] = started ? alpha * demand[e] + (1 - alpha) * this.demand[e] : demand[e];
            double c = costNanos[e];
            if (c >= 0 && !Double.isInfinite(c)) {
                this.cost[e] = Double.isNaN(this.cost[e]) ? c : alpha * c + (1 - alpha) * this.cost[e];
            }
        }
        started = true;
        return snapshot();
    }

    /**
     * The current estimate; experts without a cost sample get the mean cost of the others.
     *
     * @throws IllegalStateException before the first {@link #update}
     */
    public LoadSnapshot snapshot() {
        if (!started) {
            throw new IllegalStateException(
                    "Can only take a snapshot after the first update. " + "Current state is: no window observed.");
        }
        double sum = 0;
        int known = 0;
        for (double c : cost) {
            if (!Double.isNaN(c)) {
                sum += c;
                known++;
            }
        }
        double fallback = known == 0 ? 1.0 : sum / known;
        double[] c = cost.clone();
        for (int e = 0; e < c.length; e++) {
            c[e] = Double.isNaN(c[e]) ? fallback : c[e];
        }
        return LoadSnapshot.of(demand, c);
    }
}
