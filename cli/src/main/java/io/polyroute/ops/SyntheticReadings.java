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
package io.polyroute.ops;

import io.polyroute.avro.SensorReading;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Deterministic sensor readings for cluster tests: reading {@code i} of a run always has event id
 * {@code <prefix>-<i>} and the same features, so a checker can regenerate the input of any
 * prediction from its event id instead of storing a million inputs.
 *
 * <pre>{@code
 * SyntheticReadings gen = new SyntheticReadings("chaos", 16, 7L);
 * SensorReading r = gen.reading(42);      // event id "chaos-42"
 * float[] x = gen.features(42);           // the same features
 * }</pre>
 */
public final class SyntheticReadings {
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private final String prefix;
    private final int dim;
    private final long seed;

    /**
     * @param prefix event id prefix; ids are {@code prefix-index}
     * @param dim features per reading (the bundle's input dimension)
     * @param seed seed of the feature values
     */
    public SyntheticReadings(String prefix, int dim, long seed) {
        if (prefix == null || prefix.isBlank() || prefix.contains(" ")) {
            throw new IllegalArgumentException(
                    "The event id prefix must be a non-blank word, but is '" + prefix + "'.");
        }
        if (dim < 1) {
            throw new IllegalArgumentException("The feature dimension must be at least 1, but is " + dim + ".");
        }
        this.prefix = prefix;
        this.dim = dim;
        this.seed = seed;
    }

    public int dim() {
        return dim;
    }

    /** The event id of reading {@code index}. */
    public String eventId(long index) {
        return prefix + "-" + index;
    }

    /** The index encoded in {@code eventId}, or -1 when the id does not belong to this run. */
    public long index(String eventId) {
        if (eventId == null
                || !eventId.startsWith(prefix)
                || eventId.length() <= prefix.length() + 1
                || eventId.charAt(prefix.length()) != '-') {
            return -1;
        }
        try {
            return Long.parseLong(eventId, prefix.length() + 1, eventId.length(), 10);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The features of reading {@code index}: standard normal values times 1.5, from a per-index stream. */
    public float[] features(long index) {
        SplittableRandom rnd = new SplittableRandom(seed * GOLDEN + index);
        float[] x = new float[dim];
        for (int j = 0; j < dim; j++) {
            x[j] = (float) (rnd.nextGaussian() * 1.5);
        }
        return x;
    }

    /** Writes the features of readings {@code from .. from+n-1} row-major into {@code out}. */
    public void features(long from, int n, float[] out) {
        for (int r = 0; r < n; r++) {
            System.arraycopy(features(from + r), 0, out, r * dim, dim);
        }
    }

    /** Reading {@code index} with event time {@code now}. */
    public SensorReading reading(long index, Instant now) {
        float[] x = features(index);
        List<Float> f = new ArrayList<>(dim);
        for (float v : x) {
            f.add(v);
        }
        return SensorReading.newBuilder()
                .setEventId(eventId(index))
                .setSourceId("machine-" + (index % 16))
                .setEventTime(now)
                .setFeatures(f)
                .build();
    }
}
