package io.polyroute.kit.synthetic;

/** The nonlinearity of a dense layer of a synthetic model, e.g. of a stage encoder. */
public enum Activation {
    /** {@code tanh(x·W + b)}. */
    TANH,
    /** {@code max(0, x·W + b)}. */
    RELU
}
