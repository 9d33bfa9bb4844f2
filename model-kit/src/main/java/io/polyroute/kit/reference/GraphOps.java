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
package io.polyroute.kit.reference;

import io.polyroute.kit.onnx.Attrs;
import io.polyroute.kit.onnx.OnnxGraph;

/** Shape helpers over {@link OnnxGraph} for opset 17, where axes, shapes and bounds are int64 inputs. */
final class GraphOps {
    private GraphOps() {}

    /** Reshape to {@code shape}; a 0 copies the input's dimension (used for the dynamic batch). */
    static String reshape(OnnxGraph g, String x, long... shape) {
        return g.op("Reshape", x, g.constantLong("shape", shape, shape.length));
    }

    static String unsqueeze(OnnxGraph g, String x, long axis) {
        return g.op("Unsqueeze", x, g.constantLong("axes", new long[] {axis}, 1));
    }

    /** The first {@code length} entries along the last axis. */
    static String sliceLast(OnnxGraph g, String x, long length) {
        return g.op(
                "Slice",
                x,
                g.constantLong("starts", new long[] {0}, 1),
                g.constantLong("ends", new long[] {length}, 1),
                g.constantLong("axes", new long[] {-1}, 1));
    }

    /** Index {@code index} along {@code axis}; the axis disappears from the result. */
    static String take(OnnxGraph g, String x, int axis, long index) {
        return g.op("Gather", Attrs.of().i("axis", axis), x, g.constantLong("index", new long[] {index}));
    }

    /** A float tensor shaped like {@code like}, filled with {@code value}. */
    static String filledLike(OnnxGraph g, String like, float value) {
        return g.op("Expand", g.constant("fill", new float[] {value}), g.op("Shape", like));
    }
}
