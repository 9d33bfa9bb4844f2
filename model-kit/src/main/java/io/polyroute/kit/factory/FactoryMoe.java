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

import java.util.List;

/**
 * The fitted factory model evaluated in Java: encoder, gate, top-k routing and a weighted sum of
 * the selected experts' health scores (docs/design.md §5, {@code weighted_sum}).
 */
final class FactoryMoe {
    final AffineMap encoder;
    final AffineMap gate;
    final List<RandomFeatureNet> experts;
    final int topK;

    FactoryMoe(AffineMap encoder, AffineMap gate, List<RandomFeatureNet> experts, int topK) {
        this.encoder = encoder;
        this.gate = gate;
        this.experts = List.copyOf(experts);
        this.topK = topK;
    }

    FactoryMoe withTopK(int k) {
        return new FactoryMoe(encoder, gate, experts, k);
    }

    /** What the model says about a batch of records. */
    record Output(double[] scores, int[] topExpert) {}

    Output predict(double[] x, int n) {
        double[] u = encoder.apply(x, n);
        double[] logits = gate.apply(u, n);
        int e = experts.size();
        double[][] expertScores = new double[e][];
        for (int j = 0; j < e; j++) {
            // Every expert on every row keeps this simple; the kit's batches are small.
            expertScores[j] = experts.get(j).scores(u, n);
        }
        double[] scores = new double[n];
        int[] top = new int[n];
        int[] selected = new int[topK];
        double[] weights = new double[topK];
        for (int i = 0; i < n; i++) {
            TopK.route(logits, i * e, e, topK, selected, weights);
            double y = 0.0;
            for (int s = 0; s < topK; s++) {
                y += weights[s] * expertScores[selected[s]][i];
            }
            scores[i] = y;
            top[i] = selected[0];
        }
        return new Output(scores, top);
    }

    int parameterCount() {
        int p = gate.parameterCount();
        for (RandomFeatureNet net : experts) {
            p += net.parameterCount();
        }
        return p;
    }
}
