package io.polyroute.job.config;

/** Where ONNX Runtime executes the models. */
public enum Device {
    /** CUDA when the CUDA execution provider can be used, otherwise CPU with one log line saying why. */
    AUTO,
    /** CUDA, or fail at start. */
    CUDA,
    /** CPU only. */
    CPU
}
