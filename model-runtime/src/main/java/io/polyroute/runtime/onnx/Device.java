package io.polyroute.runtime.onnx;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Where ONNX Runtime executes a session; also the type of the job option {@code runtime.device}. */
public enum Device {
    /** CUDA when a usable GPU and the GPU build are present, CPU otherwise (one log line says why). */
    AUTO,
    /** CUDA or fail: session creation throws when the CUDA provider cannot be added. */
    CUDA,
    /** CPU only. */
    CPU;

    public static Device parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "Unknown device '" + s + "'; expected one of "
                            + Arrays.stream(values())
                                    .map(d -> d.name().toLowerCase(Locale.ROOT))
                                    .collect(Collectors.joining(", ")),
                    e);
        }
    }
}
