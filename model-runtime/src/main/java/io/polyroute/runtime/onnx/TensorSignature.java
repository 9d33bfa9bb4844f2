package io.polyroute.runtime.onnx;

import java.util.Arrays;

/**
 * Name, element type and shape of one model input or output, as ONNX Runtime reports it.
 * Dynamic dimensions are {@code -1}.
 */
public record TensorSignature(String name, String elementType, long[] shape) {

    public boolean isFloat() {
        return "FLOAT".equals(elementType);
    }

    @Override
    public String toString() {
        return name + ":" + elementType + Arrays.toString(shape);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorSignature t
                && name.equals(t.name)
                && elementType.equals(t.elementType)
                && Arrays.equals(shape, t.shape);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * name.hashCode() + elementType.hashCode()) + Arrays.hashCode(shape);
    }
}
