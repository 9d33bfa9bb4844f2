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
package io.polyroute.monitor.drift;

import io.polyroute.monitor.aggregate.AggregateSerde;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;

/**
 * The routing of one source: which experts its records went to, and with which gate weights, per
 * stage, over a reference period and over a sliding current window; its alert state; and its
 * recent drift scores.
 *
 * <p>Its size is fixed by the configuration and the model, not by the traffic: stages × experts ×
 * (1 + buckets) counters, plus {@code history} scores per stage. The current window is a ring of
 * {@code buckets} time buckets; a record lands in the bucket of its time, and buckets older than
 * the window are reused.
 *
 * <p>Mutable; {@link DriftProcessor} owns it between a read from and a write to its store.
 */
public final class RoutingProfile {

    private static final byte VERSION = 1;

    long firstSeen = Long.MAX_VALUE;
    long lastSeen = Long.MIN_VALUE;
    long records;
    int stages;
    int experts;
    // reference, per stage (and expert)
    long[] refRecords = new long[0];
    long[][] refCount = new long[0][0];
    double[][] refWeight = new double[0][0];
    // current window: ring of buckets
    long bucketMs;
    long[] bucketId;
    int[] bucketPredictions;
    int[] bucketDeadLetters;
    int[][] bucketStageRecords; // [bucket][stage]
    int[][][] bucketCount; // [bucket][stage][expert]
    float[][][] bucketWeight;
    // alert state
    boolean[] driftOpen = new boolean[0];
    long[] driftSince = new long[0];
    long silenceSince = -1;
    long deadLetterSince = -1;
    double[] lastScore = new double[0];
    // score history (ring)
    int historyNext;
    int historySize;
    long[] historyTime;
    float[][] historyScore; // [entry][stage]

    private RoutingProfile() {}

    /** An empty profile whose current window has {@code buckets} buckets of {@code bucketMs}. */
    public static RoutingProfile empty(int buckets, long bucketMs, int history) {
        RoutingProfile p = new RoutingProfile();
        p.bucketMs = bucketMs;
        p.bucketId = new long[buckets];
        Arrays.fill(p.bucketId, Long.MIN_VALUE);
        p.bucketPredictions = new int[buckets];
        p.bucketDeadLetters = new int[buckets];
        p.bucketStageRecords = new int[buckets][0];
        p.bucketCount = new int[buckets][0][0];
        p.bucketWeight = new float[buckets][0][0];
        p.historyTime = new long[history];
        p.historyScore = new float[history][0];
        return p;
    }

    /** Whether the shape of the current window and history matches the configuration. */
    boolean shaped(int buckets, long bucketMs, int history) {
        return bucketId.length == buckets && this.bucketMs == bucketMs && historyTime.length == history;
    }

    /** Adds one record at {@code timeMs}; {@code inReference} when it belongs to the reference. */
    public void add(RoutingEvent event, long timeMs, boolean inReference) {
        firstSeen = Math.min(firstSeen, timeMs);
        lastSeen = Math.max(lastSeen, timeMs);
        records++;
        for (int i = 0; i < event.size(); i++) {
            grow(event.stages()[i] + 1, event.experts()[i] + 1);
        }
        int b = bucket(timeMs);
        if (event.deadLetter()) {
            if (b >= 0) {
                bucketDeadLetters[b]++;
            }
            return;
        }
        if (b >= 0) {
            bucketPredictions[b]++;
        }
        boolean[] seenStage = new boolean[stages];
        for (int i = 0; i < event.size(); i++) {
            int s = event.stages()[i];
            int e = event.experts()[i];
            float w = event.weights()[i];
            if (s < 0 || e < 0) {
                continue;
            }
            if (!seenStage[s]) {
                seenStage[s] = true;
                if (inReference) {
                    refRecords[s]++;
                }
                if (b >= 0) {
                    bucketStageRecords[b][s]++;
                }
            }
            if (inReference) {
                refCount[s][e]++;
                refWeight[s][e] += w;
            }
            if (b >= 0) {
                bucketCount[b][s][e]++;
                bucketWeight[b][s][e] += w;
            }
        }
    }

    /** The ring slot of the bucket holding {@code timeMs}, reset if it held an older bucket; -1 if too old. */
    private int bucket(long timeMs) {
        long id = Math.floorDiv(timeMs, bucketMs);
        int slot = (int) Math.floorMod(id, (long) bucketId.length);
        if (bucketId[slot] == id) {
            return slot;
        }
        if (bucketId[slot] > id) {
            return -1;
        }
        bucketId[slot] = id;
        bucketPredictions[slot] = 0;
        bucketDeadLetters[slot] = 0;
        Arrays.fill(bucketStageRecords[slot], 0);
        for (int s = 0; s < stages; s++) {
            Arrays.fill(bucketCount[slot][s], 0);
            Arrays.fill(bucketWeight[slot][s], 0f);
        }
        return slot;
    }

    private void grow(int minStages, int minExperts) {
        if (minStages <= stages && minExperts <= experts) {
            return;
        }
        int s2 = Math.max(stages, minStages);
        int e2 = Math.max(experts, minExperts);
        refRecords = Arrays.copyOf(refRecords, s2);
        refCount = grow(refCount, s2, e2);
        refWeight = grow(refWeight, s2, e2);
        for (int b = 0; b < bucketId.length; b++) {
            bucketStageRecords[b] = Arrays.copyOf(bucketStageRecords[b], s2);
            int[][] c = new int[s2][e2];
            float[][] w = new float[s2][e2];
            for (int s = 0; s < stages; s++) {
                System.arraycopy(bucketCount[b][s], 0, c[s], 0, experts);
                System.arraycopy(bucketWeight[b][s], 0, w[s], 0, experts);
            }
            bucketCount[b] = c;
            bucketWeight[b] = w;
        }
        driftOpen = Arrays.copyOf(driftOpen, s2);
        driftSince = Arrays.copyOf(driftSince, s2);
        int old = lastScore.length;
        lastScore = Arrays.copyOf(lastScore, s2);
        Arrays.fill(lastScore, old, s2, Double.NaN);
        for (int h = 0; h < historyScore.length; h++) {
            int before = historyScore[h].length;
            historyScore[h] = Arrays.copyOf(historyScore[h], s2);
            Arrays.fill(historyScore[h], before, s2, Float.NaN);
        }
        stages = s2;
        experts = e2;
    }

    private long[][] grow(long[][] a, int s2, int e2) {
        long[][] out = new long[s2][e2];
        for (int s = 0; s < a.length; s++) {
            System.arraycopy(a[s], 0, out[s], 0, a[s].length);
        }
        return out;
    }

    private double[][] grow(double[][] a, int s2, int e2) {
        double[][] out = new double[s2][e2];
        for (int s = 0; s < a.length; s++) {
            System.arraycopy(a[s], 0, out[s], 0, a[s].length);
        }
        return out;
    }

    /**
     * Whether ring slot {@code b} lies in the current window ending at {@code nowMs}: the
     * {@code buckets} buckets up to and including the one that holds {@code nowMs - 1}.
     */
    boolean live(int b, long nowMs) {
        long nowId = Math.floorDiv(nowMs - 1, bucketMs);
        return bucketId[b] > nowId - bucketId.length && bucketId[b] <= nowId;
    }

    /** Start of the current window ending at {@code nowMs} (the start of its oldest bucket). */
    public long windowStart(long nowMs) {
        return (Math.floorDiv(nowMs - 1, bucketMs) - bucketId.length + 1) * bucketMs;
    }

    /** Selections per expert of stage {@code s} in the current window ending at {@code nowMs}. */
    public double[] currentCounts(int s, long nowMs) {
        double[] out = new double[experts];
        for (int b = 0; b < bucketId.length; b++) {
            if (live(b, nowMs)) {
                for (int e = 0; e < experts; e++) {
                    out[e] += bucketCount[b][s][e];
                }
            }
        }
        return out;
    }

    /** Sum of gate weights per expert of stage {@code s} in the current window. */
    public double[] currentWeights(int s, long nowMs) {
        double[] out = new double[experts];
        for (int b = 0; b < bucketId.length; b++) {
            if (live(b, nowMs)) {
                for (int e = 0; e < experts; e++) {
                    out[e] += bucketWeight[b][s][e];
                }
            }
        }
        return out;
    }

    /** Records of stage {@code s} in the current window. */
    public long currentRecords(int s, long nowMs) {
        long n = 0;
        for (int b = 0; b < bucketId.length; b++) {
            if (live(b, nowMs)) {
                n += bucketStageRecords[b][s];
            }
        }
        return n;
    }

    /** Predictions and dead letters in the current window: {@code {predictions, deadLetters}}. */
    public long[] currentTotals(long nowMs) {
        long[] out = new long[2];
        for (int b = 0; b < bucketId.length; b++) {
            if (live(b, nowMs)) {
                out[0] += bucketPredictions[b];
                out[1] += bucketDeadLetters[b];
            }
        }
        return out;
    }

    /** Selections per expert of stage {@code s} in the reference. */
    public double[] referenceCounts(int s) {
        double[] out = new double[experts];
        for (int e = 0; e < experts; e++) {
            out[e] = refCount[s][e];
        }
        return out;
    }

    /** Sum of gate weights per expert of stage {@code s} in the reference. */
    public double[] referenceWeights(int s) {
        return refWeight[s].clone();
    }

    /** Records of stage {@code s} in the reference. */
    public long referenceRecords(int s) {
        return refRecords[s];
    }

    /** Appends one evaluation's scores (NaN where a stage was not scored) to the history. */
    void record(long nowMs, double[] scores) {
        historyTime[historyNext] = nowMs;
        float[] row = new float[stages];
        for (int s = 0; s < stages; s++) {
            row[s] = (float) scores[s];
        }
        historyScore[historyNext] = row;
        historyNext = (historyNext + 1) % historyTime.length;
        historySize = Math.min(historySize + 1, historyTime.length);
        lastScore = scores.clone();
    }

    /** History entry {@code i}, oldest first: its time. */
    public long historyTime(int i) {
        return historyTime[historyIndex(i)];
    }

    /** History entry {@code i}, oldest first: score of stage {@code s} (NaN if not scored). */
    public double historyScore(int i, int s) {
        float[] row = historyScore[historyIndex(i)];
        return s < row.length ? row[s] : Double.NaN;
    }

    private int historyIndex(int i) {
        return Math.floorMod(historyNext - historySize + i, historyTime.length);
    }

    public int historySize() {
        return historySize;
    }

    public int stages() {
        return stages;
    }

    public int experts() {
        return experts;
    }

    public long firstSeen() {
        return firstSeen;
    }

    public long lastSeen() {
        return lastSeen;
    }

    public long records() {
        return records;
    }

    /** The latest score of stage {@code s}, NaN before the first scored evaluation. */
    public double lastScore(int s) {
        return s < lastScore.length ? lastScore[s] : Double.NaN;
    }

    /** The highest latest score over the stages, NaN if none was scored. */
    public double maxScore() {
        double max = Double.NaN;
        for (double v : lastScore) {
            if (!Double.isNaN(v) && (Double.isNaN(max) || v > max)) {
                max = v;
            }
        }
        return max;
    }

    public boolean driftOpen(int s) {
        return driftOpen[s];
    }

    public boolean silenceOpen() {
        return silenceSince >= 0;
    }

    public boolean deadLetterOpen() {
        return deadLetterSince >= 0;
    }

    // ---- encoding ----

    byte[] toBytes() {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeByte(VERSION);
            out.writeLong(firstSeen);
            out.writeLong(lastSeen);
            out.writeLong(records);
            out.writeInt(stages);
            out.writeInt(experts);
            out.writeInt(bucketId.length);
            out.writeLong(bucketMs);
            out.writeInt(historyTime.length);
            for (int s = 0; s < stages; s++) {
                out.writeLong(refRecords[s]);
                for (int e = 0; e < experts; e++) {
                    out.writeLong(refCount[s][e]);
                    out.writeDouble(refWeight[s][e]);
                }
                out.writeBoolean(driftOpen[s]);
                out.writeLong(driftSince[s]);
                out.writeDouble(lastScore[s]);
            }
            for (int b = 0; b < bucketId.length; b++) {
                out.writeLong(bucketId[b]);
                out.writeInt(bucketPredictions[b]);
                out.writeInt(bucketDeadLetters[b]);
                for (int s = 0; s < stages; s++) {
                    out.writeInt(bucketStageRecords[b][s]);
                    for (int e = 0; e < experts; e++) {
                        out.writeInt(bucketCount[b][s][e]);
                        out.writeFloat(bucketWeight[b][s][e]);
                    }
                }
            }
            out.writeLong(silenceSince);
            out.writeLong(deadLetterSince);
            out.writeInt(historyNext);
            out.writeInt(historySize);
            for (int h = 0; h < historyTime.length; h++) {
                out.writeLong(historyTime[h]);
                for (int s = 0; s < stages; s++) {
                    out.writeFloat(s < historyScore[h].length ? historyScore[h][s] : Float.NaN);
                }
            }
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static RoutingProfile fromBytes(byte[] bytes) {
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
            byte version = in.readByte();
            if (version != VERSION) {
                throw new IllegalArgumentException("Unsupported RoutingProfile format version " + version + ".");
            }
            RoutingProfile p = new RoutingProfile();
            p.firstSeen = in.readLong();
            p.lastSeen = in.readLong();
            p.records = in.readLong();
            int stages = in.readInt();
            int experts = in.readInt();
            int buckets = in.readInt();
            p.bucketMs = in.readLong();
            int history = in.readInt();
            if (stages < 0 || experts < 0 || buckets < 1 || history < 1 || stages > 1024 || experts > 65536) {
                throw new IllegalArgumentException("An encoded RoutingProfile has an impossible shape.");
            }
            p.stages = stages;
            p.experts = experts;
            p.refRecords = new long[stages];
            p.refCount = new long[stages][experts];
            p.refWeight = new double[stages][experts];
            p.driftOpen = new boolean[stages];
            p.driftSince = new long[stages];
            p.lastScore = new double[stages];
            for (int s = 0; s < stages; s++) {
                p.refRecords[s] = in.readLong();
                for (int e = 0; e < experts; e++) {
                    p.refCount[s][e] = in.readLong();
                    p.refWeight[s][e] = in.readDouble();
                }
                p.driftOpen[s] = in.readBoolean();
                p.driftSince[s] = in.readLong();
                p.lastScore[s] = in.readDouble();
            }
            p.bucketId = new long[buckets];
            p.bucketPredictions = new int[buckets];
            p.bucketDeadLetters = new int[buckets];
            p.bucketStageRecords = new int[buckets][stages];
            p.bucketCount = new int[buckets][stages][experts];
            p.bucketWeight = new float[buckets][stages][experts];
            for (int b = 0; b < buckets; b++) {
                p.bucketId[b] = in.readLong();
                p.bucketPredictions[b] = in.readInt();
                p.bucketDeadLetters[b] = in.readInt();
                for (int s = 0; s < stages; s++) {
                    p.bucketStageRecords[b][s] = in.readInt();
                    for (int e = 0; e < experts; e++) {
                        p.bucketCount[b][s][e] = in.readInt();
                        p.bucketWeight[b][s][e] = in.readFloat();
                    }
                }
            }
            p.silenceSince = in.readLong();
            p.deadLetterSince = in.readLong();
            p.historyNext = in.readInt();
            p.historySize = in.readInt();
            p.historyTime = new long[history];
            p.historyScore = new float[history][stages];
            for (int h = 0; h < history; h++) {
                p.historyTime[h] = in.readLong();
                for (int s = 0; s < stages; s++) {
                    p.historyScore[h][s] = in.readFloat();
                }
            }
            if (in.available() > 0) {
                throw new IllegalArgumentException(
                        "An encoded RoutingProfile has " + in.available() + " trailing bytes.");
            }
            return p;
        } catch (IOException e) {
            throw new IllegalArgumentException("An encoded RoutingProfile is truncated.", e);
        }
    }

    /** The serde of the profile store and its changelog. */
    public static AggregateSerde<RoutingProfile> serde() {
        return AggregateSerde.of(RoutingProfile.class, RoutingProfile::toBytes, RoutingProfile::fromBytes);
    }
}
