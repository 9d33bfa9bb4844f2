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
package io.polyroute.kit.synthetic;

import io.polyroute.kit.onnx.OnnxGraph;

/**
 * One dense layer {@code act(x·W + b)} with row-major {@code W [in, out]}.
 *
 * @param activation {@code null} for a linear layer
 */
record DenseLayer(float[] w, float[] b, int in, int out, Activation activation) {

    /** Adds the layer to {@code g}; returns the output value. */
    String apply(OnnxGraph g, String x) {
        String y = g.dense(x, w, b, in, out, activation == Activation.RELU);
        return activation == Activation.TANH ? g.op("Tanh", y) : y;
    }

    long parameterCount() {
        return (long) w.length + (b == null ? 0 : b.length);
    }
}
