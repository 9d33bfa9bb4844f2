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
package io.polyroute.kit.tlora;

import io.polyroute.kit.onnx.ModelFragment;
import io.polyroute.kit.onnx.OnnxGraph;

/**
 * {@code y = x[:, from .. from+in) · W}: a linear expert without bias that reads a column range
 * of its input, so the second TLoRA stage can apply {@code B_t / r} to the {@code h} part of
 * {@code concat(x, h)} and the base weight to the {@code x} part.
 */
final class LinearFragment implements ModelFragment {
    private final float[] weights;
    private final int from;
    private final int in;
    private final int out;
    /** Width of the whole input; a slice is added only when the columns read are not all of it. */
    private final int inputWidth;

    LinearFragment(double[] weights, int from, int in, int out, int inputWidth) {
        if (weights.length != in * out) {
            throw new IllegalArgumentException("A linear map " + in + " → " + out + " needs " + (in * out)
                    + " weights, got " + weights.length + ".");
        }
        if (from < 0 || from + in > inputWidth) {
            throw new IllegalArgumentException(
                    "Columns [" + from + ", " + (from + in) + ") lie outside an input of width " + inputWidth + ".");
        }
        this.weights = new float[weights.length];
        for (int i = 0; i < weights.length; i++) {
            this.weights[i] = (float) weights[i];
        }
        this.from = from;
        this.in = in;
        this.out = out;
        this.inputWidth = inputWidth;
    }

    @Override
    public String apply(OnnxGraph g, String x) {
        String v = x;
        if (from != 0 || in != inputWidth) {
            v = g.op(
                    "Slice",
                    x,
                    g.constantLong("starts", new long[] {from}, 1),
                    g.constantLong("ends", new long[] {from + in}, 1),
                    g.constantLong("axes", new long[] {1}, 1));
        }
        return g.dense(v, weights, null, in, out, false);
    }
}
