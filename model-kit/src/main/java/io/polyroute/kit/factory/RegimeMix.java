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
package io.polyroute.kit.factory;

import java.util.Arrays;

/**
 * The share of readings each machine type contributes at a point in time. Implementations return
 * non-negative weights, one per machine type; they need not sum to 1.
 *
 * <pre>{@code
 * RegimeMix.uniform();                                  // every type equally busy
 * RegimeMix.fixed(4, 1, 1, 1, 1, 1, 1, 1);              // presses produce half the readings
 * RegimeMix.linear(from, to, startMillis, 600_000);     // shift from one mix to another in 10 minutes
 * RegimeMix.rotating(startMillis, 300_000, 0.8);        // shifts come and go every 5 minutes
 * }</pre>
 */
@FunctionalInterface
public interface RegimeMix {

    /** The weights of the machine types at {@code tMillis}. */
    double[] at(long tMillis);

    /** Every machine type equally often. */
    static RegimeMix uniform() {
        double[] w = new double[FactorySimulator.MACHINE_TYPES.size()];
        Arrays.fill(w, 1.0);
        return fixed(w);
    }

    /** The same weights at every time. */
    static RegimeMix fixed(double... weights) {
        double[] w = checked(weights, "weights");
        return t -> w.clone();
    }

    /**
     * {@code from} until {@code startMillis}, then a linear shift to {@code to} over
     * {@code durationMillis}, then {@code to}.
     */
    static RegimeMix linear(double[] from, double[] to, long startMillis, long durationMillis) {
        double[] a = checked(from, "from");
        double[] b = checked(to, "to");
        if (durationMillis <= 0) {
            throw new IllegalArgumentException(
                    "The drift duration must be positive, but is " + durationMillis + " ms.");
        }
        return t -> {
            double f = Math.min(1.0, Math.max(0.0, (t - startMillis) / (double) durationMillis));
            double[] w = new double[a.length];
            for (int i = 0; i < w.length; i++) {
                w[i] = (1.0 - f) * a[i] + f * b[i];
            }
            return w;
        };
    }

    /**
     * A cyclic drift: machine type {@code r} has weight {@code 1 + amplitude · sin(2π (t − t0) / period
     * + 2π r / types)}, so busy types hand over to the next ones like shifts in a plant.
     *
     * @param amplitude in [0, 1]; 0 is uniform, 1 lets a type fall idle at its trough
     */
    static RegimeMix rotating(long t0Millis, long periodMillis, double amplitude) {
        if (periodMillis <= 0) {
            throw new IllegalArgumentException("The drift period must be positive, but is " + periodMillis + " ms.");
        }
        if (amplitude < 0.0 || amplitude > 1.0) {
            throw new IllegalArgumentException("The drift amplitude must be in [0, 1], but is " + amplitude + ".");
        }
        int types = FactorySimulator.MACHINE_TYPES.size();
        return t -> {
            double phase = 2.0 * Math.PI * ((t - t0Millis) % periodMillis) / periodMillis;
            double[] w = new double[types];
            for (int r = 0; r < types; r++) {
                w[r] = 1.0 + amplitude * Math.sin(phase + 2.0 * Math.PI * r / types);
            }
            return w;
        };
    }

    private static double[] checked(double[] weights, String what) {
        int types = FactorySimulator.MACHINE_TYPES.size();
        if (weights == null || weights.length != types) {
            throw new IllegalArgumentException("The regime mix '" + what + "' needs one weight per machine type ("
                    + types + "), but has " + (weights == null ? 0 : weights.length) + ".");
        }
        double sum = 0.0;
        for (double w : weights) {
            if (!(w >= 0.0) || Double.isInfinite(w)) {
                throw new IllegalArgumentException("The regime mix '" + what
                        + "' has a weight that is negative or not finite: " + Arrays.toString(weights) + ".");
            }
            sum += w;
        }
        if (sum <= 0.0) {
            throw new IllegalArgumentException("The regime mix '" + what + "' has no positive weight.");
        }
        return weights.clone();
    }
}
