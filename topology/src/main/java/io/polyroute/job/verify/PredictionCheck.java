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
package io.polyroute.job.verify;

import io.polyroute.avro.ExpertChoice;
import io.polyroute.avro.Prediction;
import io.polyroute.job.operators.Balancing;
import io.polyroute.runtime.bundle.ModelBundle;
import io.polyroute.runtime.eval.MoeEvaluator;
import io.polyroute.runtime.eval.ReferenceModel;
import io.polyroute.runtime.onnx.RuntimeOptions;
import io.polyroute.runtime.routing.RoutingDecision;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks committed predictions against the bundle. A prediction that followed the gate alone is
 * compared with the dense {@code reference.onnx}. One whose routing optional balancing changed
 * (flag {@code bias_balanced} or {@code capacity_overflow}) cannot match the reference, which
 * follows the plain gate; it is recomputed instead with the experts and weights it recorded, and
 * compared with that. Both comparisons use {@link ReferenceModel#TOLERANCE}.
 */
public final class PredictionCheck {
    private static final int BATCH = 1024;

    private PredictionCheck() {}

    /**
     * The outcome.
     *
     * @param referenceChecked predictions compared with the reference model
     * @param replayed flagged predictions compared with a recompute of their recorded routing
     * @param mismatches predictions of either kind above the tolerance
     * @param maxReferenceError largest relative error against the reference
     * @param maxReplayError largest relative error against the recompute
     */
    public record Result(
            long referenceChecked, long replayed, long mismatches, double maxReferenceError, double maxReplayError) {}

    /** Whether optional balancing changed this prediction's routing. */
    public static boolean isRebalanced(Prediction p) {
        for (CharSequence f : p.getFlags()) {
            String s = f.toString();
            if (s.equals(Balancing.BIAS_BALANCED) || s.equals(Balancing.CAPACITY_OVERFLOW)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Checks {@code predictions[r]} against input row {@code r} of {@code features}.
     *
     * @param features row-major {@code n × inputDim}
     * @param tasks each record's task index, -1 when none
     */
    public static Result check(ModelBundle bundle, float[] features, int[] tasks, List<Prediction> predictions) {
        int d = bundle.inputDim();
        List<Integer> plain = new ArrayList<>();
        List<Integer> flagged = new ArrayList<>();
        for (int r = 0; r < predictions.size(); r++) {
            (isRebalanced(predictions.get(r)) ? flagged : plain).add(r);
        }
        double[] refWorst = new double[1];
        double[] replayWorst = new double[1];
        long mismatches = 0;
        if (!plain.isEmpty()) {
            try (ReferenceModel ref = ReferenceModel.open(bundle, RuntimeOptions.cpu())) {
                mismatches += inBatches(
                        plain,
                        features,
                        d,
                        predictions,
                        refWorst,
                        (x, rows) -> ref.predict(x, rows.size(), taskSlice(tasks, rows)));
            }
        }
        if (!flagged.isEmpty()) {
            try (MoeEvaluator eval = MoeEvaluator.open(bundle, RuntimeOptions.cpu())) {
                mismatches += inBatches(
                        flagged,
                        features,
                        d,
                        predictions,
                        replayWorst,
                        (x, rows) -> eval.replay(x, rows.size(), routing(bundle, predictions, rows))
                                .output());
            }
        }
        return new Result(plain.size(), flagged.size(), mismatches, refWorst[0], replayWorst[0]);
    }

    private interface Scorer {
        float[] score(float[] x, List<Integer> rows);
    }

    private static long inBatches(
            List<Integer> rows, float[] features, int d, List<Prediction> predictions, double[] worst, Scorer scorer) {
        long mismatches = 0;
        for (int start = 0; start < rows.size(); start += BATCH) {
            List<Integer> part = rows.subList(start, Math.min(rows.size(), start + BATCH));
            float[] x = new float[part.size() * d];
            for (int i = 0; i < part.size(); i++) {
                System.arraycopy(features, part.get(i) * d, x, i * d, d);
            }
            float[] want = scorer.score(x, part);
            int od = want.length / part.size();
            float[] got = new float[od];
            for (int i = 0; i < part.size(); i++) {
                List<Float> out = predictions.get(part.get(i)).getOutput();
                if (out.size() != od) {
                    mismatches++;
                    continue;
                }
                for (int j = 0; j < od; j++) {
                    got[j] = out.get(j);
                }
                double err = ReferenceModel.relativeError(got, 0, want, i * od, od);
                worst[0] = Math.max(worst[0], err);
                if (!(err <= ReferenceModel.TOLERANCE)) {
                    mismatches++;
                }
            }
        }
        return mismatches;
    }

    private static int[] taskSlice(int[] tasks, List<Integer> rows) {
        int[] out = new int[rows.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = tasks == null ? -1 : tasks[rows.get(i)];
        }
        return out;
    }

    private static RoutingDecision[][] routing(ModelBundle bundle, List<Prediction> predictions, List<Integer> rows) {
        RoutingDecision[][] out = new RoutingDecision[bundle.stageCount()][rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            RoutingDecision[] stages = recordedRouting(predictions.get(rows.get(i)), bundle.stageCount());
            for (int s = 0; s < stages.length; s++) {
                out[s][i] = stages[s];
            }
        }
        return out;
    }

    /**
     * The routing a prediction recorded, one decision per stage, rebuilt in the order the
     * experts were recorded (which is the order they were combined in).
     */
    public static RoutingDecision[] recordedRouting(Prediction p, int stageCount) {
        RoutingDecision[] out = new RoutingDecision[stageCount];
        for (int s = 0; s < stageCount; s++) {
            int groups = 0;
            int count = 0;
            for (ExpertChoice c : p.getExperts()) {
                if (c.getStage() == s) {
                    groups = Math.max(groups, c.getGroup() + 1);
                    count++;
                }
            }
            if (count == 0 || count % groups != 0) {
                throw new IllegalArgumentException("Prediction " + p.getEventId() + " records " + count + " experts in "
                        + groups + " groups at stage " + s + "; cannot rebuild its routing.");
            }
            int k = count / groups;
            int[] experts = new int[count];
            float[] weights = new float[count];
            int[] seen = new int[groups];
            for (ExpertChoice c : p.getExperts()) {
                if (c.getStage() == s) {
                    int at = c.getGroup() * k + seen[c.getGroup()]++;
                    experts[at] = c.getExpert();
                    weights[at] = c.getWeight();
                }
            }
            out[s] = new RoutingDecision(groups, k, experts, weights, 0);
        }
        return out;
    }
}
