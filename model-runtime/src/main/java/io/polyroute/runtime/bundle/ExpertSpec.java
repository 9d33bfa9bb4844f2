package io.polyroute.runtime.bundle;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One expert of a stage. Its position in the stage's list is its index {@code e} in the routing
 * math; {@code id} is the human name used in file names, logs and metrics.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ExpertSpec(
        @JsonProperty("id") String id,
        @JsonProperty("file") String file,
        @JsonProperty("input") String input,
        @JsonProperty("output") String output) {

    public static ExpertSpec of(String id, String file) {
        return new ExpertSpec(id, file, null, null);
    }

    public ModelRef model() {
        return new ModelRef(file, input, output);
    }
}
