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
package io.polyroute.kit.onnx;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The computation of one model (encoder, gate, expert) written once and used twice: saved as a
 * standalone ONNX file of the bundle, and embedded in the bundle's dense {@code reference.onnx}.
 */
@FunctionalInterface
public interface ModelFragment {

    /**
     * Adds this model's nodes to {@code g}, reading the float value {@code x} of shape
     * {@code [N, in]}; returns the name of the float output value of shape {@code [N, out]}.
     */
    String apply(OnnxGraph g, String x);

    /** Saves the fragment as a standalone model with input {@code inName} and output {@code outName}. */
    default void save(Path file, String graphName, int inWidth, String inName, int outWidth, String outName)
            throws IOException {
        OnnxGraph g = new OnnxGraph(graphName);
        String x = g.input(inName, inWidth);
        g.output(apply(g, x), outName, outWidth);
        g.save(file);
    }
}
