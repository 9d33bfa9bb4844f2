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
 * The load of one stage's experts over a window, usually already smoothed by a {@link LoadSmoother}:
 * per expert the demand (records per second routed to it) and the cost (nanoseconds of expert
 * service time per record). Immutable.
 *
 * <p>The planner balances {@link #load(int) load} = demand × cost, i.e. nanoseconds of expert work
 * per second of wall time; 1e9 is one fully busy slot.
 */
public final class LoadSnapshot {
    /** Records per second routed to each expert. */
    private final double[] demand;
    /** Nanoseconds of service time per record of each expert. */
    private final double[] costNanos;

    private LoadSnapshot(double[] demand, double[] costNanos) {
        this.demand = demand;
        this.costNanos = costNanos;
    }

    /**
     * A snapshot of {@code demand} (records/s) and {@code costNanos} (ns/record) per expert.
     *
     * @throws IllegalArgumentException if the arrays are empty, differ in length, or hold a negative or
     *     non-finite value
     */
    public static LoadSnapshot of(double[] demand, double[] costNanos) {
        if (demand == null || costNanos == null || demand.length == 0 || demand.length != costNanos.length) {
            throw new IllegalArgumentException("A load snapshot needs one demand and one cost per expert, got "
                    + (demand == null ? 0 : demand.length) + " demands and "
                    + (costNanos == null ? 0 : costNanos.length) + " costs.");
        }
        check("demand", demand);
        check("cost", costNanos);
        return new LoadSnapshot(demand.clone(), costNanos.clone());
    }

    /** A snapshot whose loads are {@code loads} directly (cost 1 ns per record); handy in tests. */
    public static LoadSnapshot ofLoads(double... loads) {
        double[] ones = new double[loads.length];
        Arrays.fill(ones, 1.0);
        return of(loads, ones);
    }

    private static void check(String what, double[] values) {
        for (int e = 0; e < values.length; e++) {
            if (!(values[e] >= 0) || Double.isInfinite(values[e])) {
                throw new IllegalArgumentException(
                        "The " + what + " of expert " + e + " must be finite and >= 0, but is " + values[e] + ".");
            }
        }
    }

    public int experts() {
        return demand.length;
    }

    /** Records per second routed to {@code expert}. */
    public double demand(int expert) {
        return demand[expert];
    }

    /** Nanoseconds of service time per record of {@code expert}. */
    public double costNanos(int expert) {
        return costNanos[expert];
    }

    /** Demand × cost of {@code expert}: nanoseconds of work per second. */
    public double load(int expert) {
        return demand[expert] * costNanos[expert];
    }

    /** {@link #load(int)} of every expert. */
    public double[] loads() {
        double[] l = new double[demand.length];
        for (int e = 0; e < l.length; e++) {
            l[e] = load(e);
        }
        return l;
    }

    /** Sum of the loads of all experts. */
    public double totalLoad() {
        double sum = 0;
        for (int e = 0; e < demand.length; e++) {
            sum += load(e);
        }
        return sum;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LoadSnapshot s && Arrays.equals(demand, s.demand) && Arrays.equals(costNanos, s.costNanos);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(demand) + Arrays.hashCode(costNanos);
    }

    @Override
    public String toString() {
        return "LoadSnapshot{demand=" + Arrays.toString(demand) + ", costNanos=" + Arrays.toString(costNanos) + '}';
    }
}
