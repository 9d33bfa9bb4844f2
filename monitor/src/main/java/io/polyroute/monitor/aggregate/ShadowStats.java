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
package io.polyroute.monitor.aggregate;

import java.nio.ByteBuffer;

/**
 * How far a shadow version agreed with the serving version over one window: the shadow pairs, how
 * many agreed within the tolerance (largest absolute output difference at most the tolerance), how
 * many chose the same experts, and the mean and largest output difference. A pair whose outputs
 * differ in width (an infinite difference) never agrees and is left out of the mean and maximum.
 *
 * <p>Mutable: the {@code add} methods change these statistics and return them.
 */
public final class ShadowStats {

    private static final String TYPE = "ShadowStats";
    private static final int BYTES = 1 + 8 + 8 + 8 + 8 + 8 + 8;

    private long pairs;
    private long agreeing;
    private long sameRouting;
    private long measured;
    private double differenceSum;
    private double differenceMax;

    /** Statistics of no pairs. */
    public static ShadowStats empty() {
        return new ShadowStats();
    }

    /**
     * Adds one pair whose outputs differ by at most {@code maxAbsDifference}, agreeing when that is
     * at most {@code tolerance}.
     */
    public ShadowStats add(double maxAbsDifference, boolean sameRouting, double tolerance) {
        pairs++;
        if (sameRouting) {
            this.sameRouting++;
        }
        if (Double.isFinite(maxAbsDifference)) {
            measured++;
            differenceSum += maxAbsDifference;
            differenceMax = Math.max(differenceMax, maxAbsDifference);
            if (maxAbsDifference <= tolerance) {
                agreeing++;
            }
        }
        return this;
    }

    /** Adds the pairs counted in {@code other}. */
    public ShadowStats add(ShadowStats other) {
        pairs += other.pairs;
        agreeing += other.agreeing;
        sameRouting += other.sameRouting;
        measured += other.measured;
        differenceSum += other.differenceSum;
        differenceMax = Math.max(differenceMax, other.differenceMax);
        return this;
    }

    /** Pairs counted. */
    public long pairs() {
        return pairs;
    }

    /** Pairs whose outputs agreed within the tolerance. */
    public long agreeing() {
        return agreeing;
    }

    /** Pairs whose two versions chose the same experts. */
    public long sameRouting() {
        return sameRouting;
    }

    /** Share of pairs that agreed (0 to 1), or NaN with no pairs. */
    public double agreement() {
        return pairs == 0 ? Double.NaN : (double) agreeing / pairs;
    }

    /** Share of pairs with the same routing (0 to 1), or NaN with no pairs. */
    public double sameRoutingShare() {
        return pairs == 0 ? Double.NaN : (double) sameRouting / pairs;
    }

    /** Mean of the largest absolute output difference over the pairs of equal width, or NaN with none. */
    public double meanDifference() {
        return measured == 0 ? Double.NaN : differenceSum / measured;
    }

    /** Largest absolute output difference over the pairs of equal width, or NaN with none. */
    public double maxDifference() {
        return measured == 0 ? Double.NaN : differenceMax;
    }

    /** The statistics in a fixed-size binary form behind a format version byte. */
    public byte[] toBytes() {
        return ByteBuffer.allocate(BYTES)
                .put(Encoding.VERSION)
                .putLong(pairs)
                .putLong(agreeing)
                .putLong(sameRouting)
                .putLong(measured)
                .putDouble(differenceSum)
                .putDouble(differenceMax)
                .array();
    }

    /**
     * Reads statistics written by {@link #toBytes()}.
     *
     * @throws IllegalArgumentException if the bytes are not such statistics
     */
    public static ShadowStats fromBytes(byte[] bytes) {
        if (bytes.length != BYTES) {
            throw new IllegalArgumentException(
                    "An encoded " + TYPE + " has " + BYTES + " bytes, not " + bytes.length + ".");
        }
        ByteBuffer buffer = Encoding.open(bytes, TYPE);
        ShadowStats stats = new ShadowStats();
        stats.pairs = buffer.getLong();
        stats.agreeing = buffer.getLong();
        stats.sameRouting = buffer.getLong();
        stats.measured = buffer.getLong();
        stats.differenceSum = buffer.getDouble();
        stats.differenceMax = buffer.getDouble();
        return stats;
    }

    /** The serde of this type, for state stores and their changelogs. */
    public static AggregateSerde<ShadowStats> serde() {
        return AggregateSerde.of(ShadowStats.class, ShadowStats::toBytes, ShadowStats::fromBytes);
    }

    @Override
    public String toString() {
        return "ShadowStats{pairs=" + pairs + ", agreeing=" + agreeing + ", sameRouting=" + sameRouting
                + ", meanDifference=" + meanDifference() + ", maxDifference=" + maxDifference() + "}";
    }
}
