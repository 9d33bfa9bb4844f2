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
