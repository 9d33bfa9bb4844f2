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

import io.polyroute.avro.Prediction;
import io.polyroute.job.verify.PredictionCheck;
import io.polyroute.runtime.eval.MoeEvaluator;
import io.polyroute.runtime.eval.ReferenceModel;
import io.polyroute.runtime.routing.RoutingDecision;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Counts the committed predictions of one run per event id and keeps the first output of each, so
 * that lost, duplicated and mismatched predictions can be counted at the end, each against the model
 * version it names ({@code name:version}, as a rollout switches versions). Memory: one int per
 * expected record, plus {@code outputDim} floats and one byte (the version) per record when values
 * are kept.
 */
final class PredictionTally {
    private final SyntheticReadings readings;
    private final long from;
    private final int[] counts;
    private final int outputDim;
    private final float[] outputs;
    /** The version each kept output names, as an index into {@link #versionNames}. */
    private final byte[] versions;

    private final List<String> versionNames = new ArrayList<>();
    private final Map<String, Long> perVersion = new LinkedHashMap<>();
    /** Per version: 100 ms slot of processed_time → the earliest processed_time (ms) in that slot. */
    private final Map<String, TreeMap<Long, Long>> processedSeconds = new HashMap<>();

    private long total;
    private long distinct;
    private long foreign;
    private long wrongWidth;
    /** Predictions whose routing balancing changed, by record index: checked by replaying it. */
    private final Map<Integer, Prediction> rebalanced = new HashMap<>();

    /**
     * @param outputDim the width of every output when values are checked, 0 to count only
     */
    PredictionTally(SyntheticReadings readings, long from, int records, int outputDim) {
        this.readings = readings;
        this.from = from;
        this.counts = new int[records];
        this.outputDim = outputDim;
        this.outputs = outputDim > 0 ? new float[Math.multiplyExact(records, outputDim)] : null;
        this.versions = outputDim > 0 ? new byte[records] : null;
    }

    void add(Prediction p) {
        total++;
        long index = readings.index(p.getEventId()) - from;
        if (index < 0 || index >= counts.length) {
            foreign++;
            return;
        }
        int i = (int) index;
        if (counts[i]++ > 0) {
            return;
        }
        distinct++;
        String version = p.getModel() == null
                ? "?"
                : p.getModel().getName() + ":" + p.getModel().getVersion();
        perVersion.merge(version, 1L, Long::sum);
        if (p.getProcessedTime() != null) {
            long ms = p.getProcessedTime().toEpochMilli();
            processedSeconds
                    .computeIfAbsent(version, k -> new TreeMap<>())
                    .merge(Math.floorDiv(ms, 100L), ms, Math::min);
        }
        if (outputs != null) {
            int v = versionNames.indexOf(version);
            if (v < 0) {
                if (versionNames.size() == Byte.MAX_VALUE) {
                    throw new IllegalStateException("More than " + Byte.MAX_VALUE + " model versions in one run.");
                }
                versionNames.add(version);
                v = versionNames.size() - 1;
            }
            versions[i] = (byte) v;
            List<Float> y = p.getOutput();
            if (y.size() != outputDim) {
                wrongWidth++;
                return;
            }
            for (int j = 0; j < outputDim; j++) {
                outputs[i * outputDim + j] = y.get(j);
            }
            if (PredictionCheck.isRebalanced(p)) {
                rebalanced.put(i, p);
            }
        }
    }

    /** A committed prediction that is not valid Avro: counted as foreign, hence mismatched. */
    void addUndecodable() {
        total++;
        foreign++;
    }

    int expected() {
        return counts.length;
    }

    long total() {
        return total;
    }

    long distinct() {
        return distinct;
    }

    long lost() {
        return counts.length - distinct;
    }

    /** Predictions beyond the first for an event id. */
    long duplicated() {
        return total - distinct - foreign;
    }

    /** Predictions whose event id does not belong to this run. */
    long foreign() {
        return foreign;
    }

    /** Distinct predictions per model version they name ({@code name:version}), in order of appearance. */
    Map<String, Long> perVersion() {
        return perVersion;
    }

    /**
     * The earliest processed_time of a prediction naming {@code version} at or after {@code
     * millis}, or -1 when there is none: with a rollout command's time, the switch time.
     */
    long firstProcessed(String version, long millis) {
        TreeMap<Long, Long> seconds = processedSeconds.get(version);
        if (seconds == null) {
            return -1;
        }
        for (Map.Entry<Long, Long> e :
                seconds.tailMap(Math.floorDiv(millis, 100L), true).entrySet()) {
            if (e.getValue() >= millis) {
                return e.getValue();
            }
            if (e.getKey() > Math.floorDiv(millis, 100L)) {
                return e.getValue();
            }
        }
        return -1;
    }

    /**
     * Compares every kept output with the models of the version it names: with that version's
     * {@code reference.onnx} (the tolerance check, which counts mismatches) and with the in-process
     * evaluator, an uninterrupted run of the same model code (which counts bit-identical outputs). A
     * prediction whose routing balancing changed is compared with a replay of the routing it
     * recorded instead, since its route depends on the load history of the run. Predictions of a
     * version not in {@code models}, of the wrong width, or with a foreign event id are mismatches.
     *
     * @param models the versions the run may serve, by {@code name:version}
     */
    Comparison compare(Map<String, Models> models, int batch) {
        if (outputs == null) {
            throw new IllegalStateException("Values were not kept; create the tally with an output width.");
        }
        int dim = readings.dim();
        float[] x = new float[batch * dim];
        long mismatched = 0;
        long bitExact = 0;
        long unknownVersion = 0;
        double worst = 0;
        int[] noTask = new int[batch];
        Arrays.fill(noTask, -1);
        for (int start = 0; start < counts.length; start += batch) {
            int n = Math.min(batch, counts.length - start);
            float[] rows = n == batch ? x : new float[n * dim];
            readings.features(from + start, n, rows);
            for (int v = 0; v < versionNames.size(); v++) {
                Models m = models.get(versionNames.get(v));
                float[] reference = null;
                float[] inProcess = null;
                for (int r = 0; r < n; r++) {
                    int i = start + r;
                    if (counts[i] == 0 || versions[i] != v) {
                        continue;
                    }
                    if (m == null) {
                        unknownVersion++;
                        continue;
                    }
                    float[] expected;
                    int at;
                    float[] exact = null;
                    Prediction p = rebalanced.get(i);
                    if (p != null) {
                        float[] one = Arrays.copyOfRange(rows, r * dim, (r + 1) * dim);
                        RoutingDecision[] stages =
                                PredictionCheck.recordedRouting(p, m.evaluator().stageCount());
                        RoutingDecision[][] routing = new RoutingDecision[stages.length][];
                        for (int s = 0; s < stages.length; s++) {
                            routing[s] = new RoutingDecision[] {stages[s]};
                        }
                        expected = m.evaluator().replay(one, 1, routing).output();
                        exact = expected;
                        at = 0;
                    } else {
                        if (reference == null) {
                            reference = m.reference().predict(rows, n, Arrays.copyOf(noTask, n));
                            inProcess =
                                    m.evaluator().evaluate(rows, n, new int[n]).output();
                        }
                        expected = reference;
                        at = r * outputDim;
                    }
                    double err = ReferenceModel.relativeError(outputs, i * outputDim, expected, at, outputDim);
                    worst = Math.max(worst, err);
                    if (!(err <= ReferenceModel.TOLERANCE)) {
                        mismatched++;
                    } else if (ReferenceModel.relativeError(
                                    outputs, i * outputDim, exact != null ? exact : inProcess, at, outputDim)
                            == 0) {
                        bitExact++;
                    }
                }
            }
        }
        return new Comparison(
                mismatched + unknownVersion + wrongWidth + foreign, bitExact, worst, rebalanced.size(), unknownVersion);
    }

    /** The models of one version: its reference model and its in-process evaluator. */
    record Models(ReferenceModel reference, MoeEvaluator evaluator) {}

    /**
     * Result of {@link #compare}; {@code rebalanced} predictions were checked by replaying their
     * routing, {@code unknownVersion} named a version that was not given (counted as mismatched).
     */
    record Comparison(long mismatched, long bitExact, double maxRelativeError, long rebalanced, long unknownVersion) {}
}
