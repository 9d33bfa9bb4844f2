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
package io.polyroute.runtime.bundle;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A reference from the manifest to one ONNX model file of a bundle version.
 *
 * @param file path of the model relative to the version directory, e.g. {@code experts/e03.onnx}
 * @param input name of the model's single float input ({@code x} unless stated)
 * @param output name of the model's single float output ({@code y}, or {@code logits} for gates)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ModelRef(
        @JsonProperty("file") String file,
        @JsonProperty("input") String input,
        @JsonProperty("output") String output) {

    public static final String DEFAULT_INPUT = "x";
    public static final String DEFAULT_OUTPUT = "y";
    public static final String GATE_OUTPUT = "logits";

    public static ModelRef of(String file) {
        return new ModelRef(file, null, null);
    }

    /** The input name, with the default applied. */
    public String inputName() {
        return input == null ? DEFAULT_INPUT : input;
    }

    /** The output name, with {@code defaultOutput} applied when the manifest names none. */
    public String outputName(String defaultOutput) {
        return output == null ? defaultOutput : output;
    }
}
