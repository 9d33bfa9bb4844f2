package io.polyroute.runtime.bundle;

import java.nio.file.Path;

/**
 * A bundle was refused. The message names the file and the mismatch, e.g. {@code
 * models/factory/1/experts/e03.onnx: output 'y' has width 16, but the manifest declares
 * expert_output_dim 32 (stage 's0')}.
 */
public class BundleValidationException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;

    public BundleValidationException(Path file, String message) {
        super(file + ": " + message);
        this.file = file;
    }

    public BundleValidationException(Path file, String message, Throwable cause) {
        super(file + ": " + message, cause);
        this.file = file;
    }

    /** The file that failed validation (the manifest for structural errors). */
    public Path file() {
        return file;
    }
}
