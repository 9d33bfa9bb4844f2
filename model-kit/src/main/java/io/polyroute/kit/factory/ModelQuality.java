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

/**
 * Held-out figures of one model of the quality report.
 *
 * @param model what was measured, e.g. {@code MoE top-1}
 * @param parameters stored weights and biases (the shared encoder excluded)
 * @param rmse root-mean-square error of the health score
 * @param precision share of flagged records that are true anomalies
 * @param recall share of true anomalies that are flagged
 */
public record ModelQuality(String model, int parameters, double rmse, double precision, double recall) {

    /** Scores {@code predicted} against the true scores of {@code truth}, flagging at the anomaly threshold. */
    static ModelQuality measure(String model, int parameters, double[] predicted, double[] truth) {
        double se = 0.0;
        int tp = 0;
        int fp = 0;
        int fn = 0;
        double threshold = FactorySimulator.ANOMALY_THRESHOLD;
        for (int i = 0; i < truth.length; i++) {
            double d = predicted[i] - truth[i];
            se += d * d;
            boolean flagged = predicted[i] >= threshold;
            boolean anomaly = truth[i] >= threshold;
            if (flagged && anomaly) {
                tp++;
            } else if (flagged) {
                fp++;
            } else if (anomaly) {
                fn++;
            }
        }
        double precision = tp + fp == 0 ? 1.0 : tp / (double) (tp + fp);
        double recall = tp + fn == 0 ? 1.0 : tp / (double) (tp + fn);
        return new ModelQuality(model, parameters, Math.sqrt(se / truth.length), precision, recall);
    }

    /** Harmonic mean of precision and recall. */
    public double f1() {
        return precision + recall == 0.0 ? 0.0 : 2.0 * precision * recall / (precision + recall);
    }
}
