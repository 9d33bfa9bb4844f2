package io.polyroute.job.config;

/** How ONNX Runtime's CUDA memory arena grows when it needs more memory. */
public enum CudaArenaStrategy {
    /** Double the arena each time (ONNX Runtime's default): fewer allocations, more slack. */
    NEXT_POWER_OF_TWO("kNextPowerOfTwo"),
    /** Grow by exactly what is requested: tighter memory use, more allocations. */
    SAME_AS_REQUESTED("kSameAsRequested");

    private final String ortName;

    CudaArenaStrategy(String ortName) {
        this.ortName = ortName;
    }

    /** The value of ONNX Runtime's {@code arena_extend_strategy} provider option. */
    public String ortName() {
        return ortName;
    }
}
