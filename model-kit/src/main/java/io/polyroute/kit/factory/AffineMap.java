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

import io.polyroute.kit.onnx.ModelFragment;
import io.polyroute.kit.onnx.OnnxGraph;

/**
 * {@code y = x · matrix + offset}, stored in float32 exactly as the ONNX model stores it, so that
 * the Java evaluation and the exported model compute the same function.
 *
 * @param matrix row-major {@code in × out}
 * @param offset length {@code out}
 */
record AffineMap(float[] matrix, float[] offset, int in, int out) implements ModelFragment {

    static AffineMap of(double[] matrix, double[] offset, int in, int out) {
        if (matrix.length != in * out || offset.length != out) {
            throw new IllegalArgumentException("An affine map " + in + " → " + out + " needs " + (in * out)
                    + " weights and " + out + " offsets, got " + matrix.length + " and " + offset.length + ".");
        }
        float[] m = new float[matrix.length];
        for (int i = 0; i < m.length; i++) {
            m[i] = (float) matrix[i];
        }
        float[] o = new float[out];
        for (int i = 0; i < out; i++) {
            o[i] = (float) offset[i];
        }
        return new AffineMap(m, o, in, out);
    }

    /** Applies the map to the {@code n × in} rows of {@code x}. */
    double[] apply(double[] x, int n) {
        double[] y = new double[n * out];
        for (int i = 0; i < n; i++) {
            int yi = i * out;
            for (int j = 0; j < out; j++) {
                y[yi + j] = offset[j];
            }
            for (int a = 0; a < in; a++) {
                double xa = x[i * in + a];
                if (xa == 0.0) {
                    continue;
                }
                int ma = a * out;
                for (int j = 0; j < out; j++) {
                    y[yi + j] += xa * matrix[ma + j];
                }
            }
        }
        return y;
    }

    int parameterCount() {
        return matrix.length + offset.length;
    }

    @Override
    public String apply(OnnxGraph g, String x) {
        return g.dense(x, matrix, offset, in, out, false);
    }
}
