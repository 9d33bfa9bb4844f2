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
import io.polyroute.runtime.eval.Evaluation;
import io.polyroute.runtime.eval.MoeEvaluator;
import io.polyroute.runtime.eval.ReferenceModel;
import io.polyroute.runtime.routing.RoutingDecision;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Counts the committed predictions of one run per event id and keeps the first output of each, so
 * that lost, duplicated and mismatched predictions can be counted at the end. Memory: one int per
 * expected record, plus {@code outputDim} floats per record when values are kept.
 */
final class PredictionTally {
    private final SyntheticReadings readings;
    private final long from;
    private final int[] counts;
    private final int outputDim;
    private final float[] outputs;
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
        if (outputs != null) {
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

    /**
     * Compares every kept output with what the in-process evaluator computes for the same reading
     * (an uninterrupted run of the same model code): counts the predictions outside the reference
     * tolerance, those of the wrong width, and those whose event id is foreign. A prediction
     * whose routing balancing changed is compared with a replay of the routing it recorded
     * instead, since its route depends on the load history of the run.
     */
    Comparison compare(MoeEvaluator evaluator, int batch) {
        if (outputs == null) {
            throw new IllegalStateException("Values were not kept; create the tally with an output width.");
        }
        float[] x = new float[batch * readings.dim()];
        long mismatched = 0;
        long bitExact = 0;
        double worst = 0;
        for (int start = 0; start < counts.length; start += batch) {
            int n = Math.min(batch, counts.length - start);
            float[] rows = n == batch ? x : new float[n * readings.dim()];
            readings.features(from + start, n, rows);
            Evaluation want = evaluator.evaluate(rows, n, new int[n]);
            for (int r = 0; r < n; r++) {
                int i = start + r;
                if (counts[i] == 0) {
                    continue;
                }
                float[] expected = want.output();
                int at = r * outputDim;
                Prediction p = rebalanced.get(i);
                if (p != null) {
                    float[] one = Arrays.copyOfRange(rows, r * readings.dim(), (r + 1) * readings.dim());
                    RoutingDecision[] stages = PredictionCheck.recordedRouting(p, evaluator.stageCount());
                    RoutingDecision[][] routing = new RoutingDecision[stages.length][];
                    for (int s = 0; s < stages.length; s++) {
                        routing[s] = new RoutingDecision[] {stages[s]};
                    }
                    expected = evaluator.replay(one, 1, routing).output();
                    at = 0;
                }
                double err = ReferenceModel.relativeError(outputs, i * outputDim, expected, at, outputDim);
                worst = Math.max(worst, err);
                if (err > ReferenceModel.TOLERANCE) {
                    mismatched++;
                } else if (err == 0) {
                    bitExact++;
                }
            }
        }
        return new Comparison(mismatched + wrongWidth + foreign, bitExact, worst, rebalanced.size());
    }

    /** Result of {@link #compare}; {@code rebalanced} predictions were checked by replaying their routing. */
    record Comparison(long mismatched, long bitExact, double maxRelativeError, long rebalanced) {}
}
