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
 * Output statistics of one source over one window: how many predictions, the sum of the watched
 * output component (for the mean) and how many were anomalies.
 *
 * <p>Mutable: the {@code add} methods change these statistics and return them.
 */
public final class SourceStats {

    private static final String TYPE = "SourceStats";
    private static final int BYTES = 1 + 8 + 8 + 8;

    private long count;
    private double outputSum;
    private long anomalies;

    /** Statistics of no predictions. */
    public static SourceStats empty() {
        return new SourceStats();
    }

    /** Adds one prediction whose watched output is {@code output}. */
    public SourceStats add(double output, boolean anomaly) {
        count++;
        outputSum += output;
        if (anomaly) {
            anomalies++;
        }
        return this;
    }

    /** Adds the predictions counted in {@code other}. */
    public SourceStats add(SourceStats other) {
        count += other.count;
        outputSum += other.outputSum;
        anomalies += other.anomalies;
        return this;
    }

    /** Predictions counted. */
    public long count() {
        return count;
    }

    /** Predictions that were anomalies. */
    public long anomalies() {
        return anomalies;
    }

    /** Mean of the watched output component, or NaN with no predictions. */
    public double outputMean() {
        return count == 0 ? Double.NaN : outputSum / count;
    }

    /** Share of predictions that were anomalies (0 to 1), or NaN with no predictions. */
    public double anomalyRate() {
        return count == 0 ? Double.NaN : (double) anomalies / count;
    }

    /** The statistics in a fixed-size binary form behind a format version byte. */
    public byte[] toBytes() {
        return ByteBuffer.allocate(BYTES)
                .put(Encoding.VERSION)
                .putLong(count)
                .putDouble(outputSum)
                .putLong(anomalies)
                .array();
    }

    /**
     * Reads statistics written by {@link #toBytes()}.
     *
     * @throws IllegalArgumentException if the bytes are not such statistics
     */
    public static SourceStats fromBytes(byte[] bytes) {
        if (bytes.length != BYTES) {
            throw new IllegalArgumentException(
                    "An encoded " + TYPE + " has " + BYTES + " bytes, not " + bytes.length + ".");
        }
        ByteBuffer buffer = Encoding.open(bytes, TYPE);
        SourceStats stats = new SourceStats();
        stats.count = buffer.getLong();
        stats.outputSum = buffer.getDouble();
        stats.anomalies = buffer.getLong();
        return stats;
    }

    /** The serde of this type, for state stores and their changelogs. */
    public static AggregateSerde<SourceStats> serde() {
        return AggregateSerde.of(SourceStats.class, SourceStats::toBytes, SourceStats::fromBytes);
    }

    @Override
    public String toString() {
        return "SourceStats{count=" + count + ", outputMean=" + outputMean() + ", anomalies=" + anomalies + "}";
    }
}
