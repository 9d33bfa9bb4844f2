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
