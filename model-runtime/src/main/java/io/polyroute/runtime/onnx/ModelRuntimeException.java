package io.polyroute.runtime.onnx;

/** A failure of ONNX Runtime while creating or running a session, with the model it concerns. */
public class ModelRuntimeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ModelRuntimeException(String message) {
        super(message);
    }

    public ModelRuntimeException(String message, Throwable cause) {
        super(message, cause);
    }
}
