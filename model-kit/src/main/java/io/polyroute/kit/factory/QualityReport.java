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

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Held-out quality of the {@code factory-moe} bundle next to a dense baseline of about the same
 * size fitted the same way. {@link #toString()} is a readable table; {@link #toManifest()} the
 * figures for the manifest's {@code quality} map.
 *
 * @param seed the build seed
 * @param trainingRecords records the models were fitted on (validation split included)
 * @param heldOutRecords records the figures are measured on, drawn apart from the training data
 * @param gateAccuracy share of held-out records whose top-1 expert is their machine type's expert
 * @param shipped the MoE as shipped (its {@code top_k})
 * @param alternative the same MoE with the other {@code top_k}, for comparison
 * @param dense the dense baseline
 */
public record QualityReport(
        long seed,
        int trainingRecords,
        int heldOutRecords,
        double gateAccuracy,
        ModelQuality shipped,
        ModelQuality alternative,
        ModelQuality dense) {

    /** The shipped MoE's RMSE divided by the dense baseline's: below 1 the MoE wins. */
    public double rmseRatio() {
        return shipped.rmse() / dense.rmse();
    }

    /** The figures as written into {@code bundle.yaml}, rounded to 4 decimals. */
    public Map<String, Object> toManifest() {
        Map<String, Object> q = new LinkedHashMap<>();
        q.put("seed", seed);
        q.put("training_records", trainingRecords);
        q.put("heldout_records", heldOutRecords);
        q.put("anomaly_threshold", FactorySimulator.ANOMALY_THRESHOLD);
        q.put("gate_regime_accuracy", round(gateAccuracy));
        put(q, "moe", shipped);
        put(q, "dense", dense);
        q.put("moe_vs_dense_rmse_ratio", round(rmseRatio()));
        return q;
    }

    private static void put(Map<String, Object> q, String prefix, ModelQuality m) {
        q.put(prefix + "_parameters", m.parameters());
        q.put(prefix + "_rmse", round(m.rmse()));
        q.put(prefix + "_anomaly_precision", round(m.precision()));
        q.put(prefix + "_anomaly_recall", round(m.recall()));
    }

    private static double round(double v) {
        return Math.round(v * 1e4) / 1e4;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(
                Locale.ROOT,
                "factory-moe quality on %d held-out records (seed %d, fitted on %d)%n",
                heldOutRecords,
                seed,
                trainingRecords));
        sb.append(String.format(
                Locale.ROOT,
                "%-24s %10s %8s %10s %8s %8s%n",
                "model",
                "parameters",
                "RMSE",
                "precision",
                "recall",
                "F1"));
        for (ModelQuality m : new ModelQuality[] {shipped, alternative, dense}) {
            sb.append(String.format(
                    Locale.ROOT,
                    "%-24s %10d %8.4f %10.3f %8.3f %8.3f%n",
                    m.model(),
                    m.parameters(),
                    m.rmse(),
                    m.precision(),
                    m.recall(),
                    m.f1()));
        }
        sb.append(String.format(
                Locale.ROOT,
                "gate regime accuracy %.4f; MoE RMSE is %.2f × the dense baseline's",
                gateAccuracy,
                rmseRatio()));
        return sb.toString();
    }
}
