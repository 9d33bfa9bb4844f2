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
package io.polyroute.runtime.eval;

import io.polyroute.runtime.routing.RoutingDecision;

/**
 * The result of evaluating a batch: the predictions and the routing of every record at every stage.
 *
 * @param n number of records
 * @param outputDim width of each prediction
 * @param output predictions, row-major {@code n × outputDim}
 * @param routing {@code routing[s][r]}: record {@code r}'s routing at stage {@code s}
 */
public record Evaluation(int n, int outputDim, float[] output, RoutingDecision[][] routing) {

    /** Prediction of record {@code r}. */
    public float[] row(int r) {
        float[] out = new float[outputDim];
        System.arraycopy(output, r * outputDim, out, 0, outputDim);
        return out;
    }
}
