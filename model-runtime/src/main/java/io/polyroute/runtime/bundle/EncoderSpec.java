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
 * An optional per-stage encoder: maps the stage input to the representation the gate, the experts
 * and the shared expert read.
 *
 * @param file path of the encoder model relative to the version directory
 * @param outputDim width of the encoder's output
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EncoderSpec(
        @JsonProperty("file") String file,
        @JsonProperty("input") String input,
        @JsonProperty("output") String output,
        @JsonProperty("output_dim") Integer outputDim) {

    public ModelRef model() {
        return new ModelRef(file, input, output);
    }
}
