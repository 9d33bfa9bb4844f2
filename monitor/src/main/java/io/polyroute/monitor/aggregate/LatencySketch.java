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
import org.HdrHistogram.Histogram;

/**
 * A mergeable quantile sketch of end-to-end latencies: an HdrHistogram of microseconds with two
 * significant digits, so every quantile it reports is within 1% of the exact value. Windows and
 * the partial aggregates of different stream tasks merge by adding their histograms, which keeps
 * the quantiles of the merged range exact to the same 1%.
 *
 * <p>Mutable: {@link #recordMillis} and {@link #add} change this sketch and return it.
 */
public final class LatencySketch {

    /** Two significant digits: 1% relative error at a few kilobytes per window. */
    static final int SIGNIFICANT_DIGITS = 2;

    private static final String TYPE = "LatencySketch";

    private final Histogram micros;

    private LatencySketch(Histogram micros) {
        this.micros = micros;
    }

    /** An empty sketch. */
    public static LatencySketch empty() {
        return new LatencySketch(new Histogram(SIGNIFICANT_DIGITS));
    }

    /** A sketch of the given latencies in milliseconds. */
    public static LatencySketch ofMillis(double... latenciesMs) {
        LatencySketch sketch = empty();
        for (double latency : latenciesMs) {
            sketch.recordMillis(latency);
        }
        return sketch;
    }

    /**
     * Records one latency. Negative values (clock skew between machines) count as zero; values
     * that are not finite are ignored.
     */
    public LatencySketch recordMillis(double latencyMs) {
        if (Double.isFinite(latencyMs)) {
            micros.recordValue(Math.max(0L, Math.round(latencyMs * 1000.0)));
        }
        return this;
    }

    /** Adds every value of {@code other} to this sketch. */
    public LatencySketch add(LatencySketch other) {
        micros.add(other.micros);
        return this;
    }

    /** Number of latencies recorded. */
    public long count() {
        return micros.getTotalCount();
    }

    /** The latency at quantile {@code q} (0 to 1) in milliseconds, or NaN when the sketch is empty. */
    public double quantileMillis(double q) {
        if (q < 0 || q > 1 || Double.isNaN(q)) {
            throw new IllegalArgumentException("A quantile must be between 0 and 1, but was " + q + ".");
        }
        return count() == 0 ? Double.NaN : micros.getValueAtPercentile(q * 100.0) / 1000.0;
    }

    /** The largest latency in milliseconds (within the sketch's precision), or NaN when empty. */
    public double maxMillis() {
        return count() == 0 ? Double.NaN : micros.getMaxValue() / 1000.0;
    }

    /** The mean latency in milliseconds, or NaN when empty. */
    public double meanMillis() {
        return count() == 0 ? Double.NaN : micros.getMean() / 1000.0;
    }

    /** The sketch in HdrHistogram's portable (uncompressed) encoding, behind a format version byte. */
    public byte[] toBytes() {
        ByteBuffer buffer = ByteBuffer.allocate(1 + micros.getNeededByteBufferCapacity());
        buffer.put(Encoding.VERSION);
        micros.encodeIntoByteBuffer(buffer);
        byte[] out = new byte[buffer.position()];
        buffer.flip().get(out);
        return out;
    }

    /**
     * Reads a sketch written by {@link #toBytes()}.
     *
     * @throws IllegalArgumentException if the bytes are not such a sketch
     */
    public static LatencySketch fromBytes(byte[] bytes) {
        ByteBuffer buffer = Encoding.open(bytes, TYPE);
        Histogram histogram;
        try {
            histogram = Histogram.decodeFromByteBuffer(buffer, 0);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("An encoded " + TYPE + " holds no valid histogram: " + e, e);
        }
        histogram.setAutoResize(true);
        return new LatencySketch(histogram);
    }

    /** The serde of this type, for state stores and their changelogs. */
    public static AggregateSerde<LatencySketch> serde() {
        return AggregateSerde.of(LatencySketch.class, LatencySketch::toBytes, LatencySketch::fromBytes);
    }

    @Override
    public String toString() {
        return "LatencySketch{count=" + count() + ", p50=" + quantileMillis(0.5) + " ms, p99=" + quantileMillis(0.99)
                + " ms}";
    }
}
