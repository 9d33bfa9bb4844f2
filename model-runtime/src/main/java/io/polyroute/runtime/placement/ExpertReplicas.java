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
 * The replicas of one expert: the slots that host it and the share of the expert's traffic each
 * slot receives. Immutable. Replicas are kept in ascending slot order, shares are non-negative and
 * sum to 1 (they are normalised on construction, so a sum within 1e-6 of 1 is accepted).
 *
 * <pre>{@code
 * ExpertReplicas hot = ExpertReplicas.of(new int[] {0, 3}, new double[] {0.75, 0.25});
 * ExpertReplicas cold = ExpertReplicas.single(1);
 * }</pre>
 */
public final class ExpertReplicas {
    /** Tolerance of the share sum accepted on construction. */
    static final double SHARE_SUM_TOLERANCE = 1e-6;

    /** Hosting slots, ascending and distinct. */
    private final int[] slots;
    /** Traffic share of each slot in {@link #slots}; sums to 1. */
    private final double[] shares;
    /** Cumulative shares; the last positive-share replica ends at exactly 1. */
    private final double[] cumulative;

    private ExpertReplicas(int[] slots, double[] shares) {
        this.slots = slots;
        this.shares = shares;
        this.cumulative = cumulative(shares);
    }

    /**
     * Replicas on {@code slots} with traffic {@code shares} (same length, any slot order).
     *
     * @throws IllegalArgumentException if there is no replica, a slot is negative or repeated, a
     *     share is negative or not finite, or the shares do not sum to 1 within 1e-6
     */
    public static ExpertReplicas of(int[] slots, double[] shares) {
        if (slots == null || shares == null || slots.length == 0 || slots.length != shares.length) {
            throw new IllegalArgumentException("An expert needs at least one replica and one share per replica, got "
                    + (slots == null ? "no slots" : slots.length + " slots") + " and "
                    + (shares == null ? "no shares" : shares.length + " shares") + ".");
        }
        Integer[] order = new Integer[slots.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Integer.compare(slots[a], slots[b]));
        int[] s = new int[slots.length];
        double[] w = new double[slots.length];
        double sum = 0;
        for (int i = 0; i < order.length; i++) {
            s[i] = slots[order[i]];
            w[i] = shares[order[i]];
            if (s[i] < 0 || (i > 0 && s[i] == s[i - 1])) {
                throw new IllegalArgumentException(
                        "Replica slots must be distinct and >= 0, got " + Arrays.toString(slots) + ".");
            }
            if (!(w[i] >= 0) || Double.isInfinite(w[i])) {
                throw new IllegalArgumentException(
                        "Traffic shares must be finite and >= 0, got " + Arrays.toString(shares) + ".");
            }
            sum += w[i];
        }
        if (Math.abs(sum - 1.0) > SHARE_SUM_TOLERANCE) {
            throw new IllegalArgumentException(
                    "Traffic shares must sum to 1, but " + Arrays.toString(shares) + " sums to " + sum + ".");
        }
        for (int i = 0; i < w.length; i++) {
            w[i] /= sum;
        }
        return new ExpertReplicas(s, w);
    }

    /** One replica on {@code slot} that takes all of the expert's traffic. */
    public static ExpertReplicas single(int slot) {
        return of(new int[] {slot}, new double[] {1.0});
    }

    /** Replicas on {@code slots} with equal shares. */
    public static ExpertReplicas even(int... slots) {
        double[] shares = new double[slots.length];
        Arrays.fill(shares, 1.0 / Math.max(1, slots.length));
        return of(slots, shares);
    }

    /** Number of replicas (at least 1). */
    public int count() {
        return slots.length;
    }

    /** Slot of the {@code i}-th replica (ascending in {@code i}). */
    public int slot(int i) {
        return slots[i];
    }

    /** Traffic share of the {@code i}-th replica. */
    public double share(int i) {
        return shares[i];
    }

    /** The hosting slots, ascending. */
    public int[] slots() {
        return slots.clone();
    }

    /** The shares aligned with {@link #slots()}. */
    public double[] shares() {
        return shares.clone();
    }

    /** Whether {@code slot} hosts a replica. */
    public boolean hosts(int slot) {
        return Arrays.binarySearch(slots, slot) >= 0;
    }

    /** The traffic share of {@code slot}, 0 when it hosts no replica. */
    public double shareOn(int slot) {
        int i = Arrays.binarySearch(slots, slot);
        return i >= 0 ? shares[i] : 0.0;
    }

    /** The replica whose cumulative share interval contains {@code u} in [0, 1). */
    int slotAt(double u) {
        for (int i = 0; i < slots.length; i++) {
            if (u < cumulative[i]) {
                return slots[i];
            }
        }
        return slots[lastPositive(shares)];
    }

    private static double[] cumulative(double[] shares) {
        double[] c = new double[shares.length];
        double acc = 0;
        for (int i = 0; i < shares.length; i++) {
            acc += shares[i];
            c[i] = acc;
        }
        // Rounding must never leave a gap below 1 that no replica covers.
        c[lastPositive(shares)] = 1.0;
        for (int i = lastPositive(shares) + 1; i < c.length; i++) {
            c[i] = 1.0;
        }
        return c;
    }

    private static int lastPositive(double[] shares) {
        for (int i = shares.length - 1; i >= 0; i--) {
            if (shares[i] > 0) {
                return i;
            }
        }
        return shares.length - 1;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ExpertReplicas r && Arrays.equals(slots, r.slots) && Arrays.equals(shares, r.shares);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(slots) + Arrays.hashCode(shares);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < slots.length; i++) {
            sb.append(i == 0 ? "" : ", ")
                    .append(slots[i])
                    .append(':')
                    .append(String.format(java.util.Locale.ROOT, "%.3f", shares[i]));
        }
        return sb.append('}').toString();
    }
}
