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
