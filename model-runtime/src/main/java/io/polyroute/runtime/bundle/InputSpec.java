package io.polyroute.runtime.bundle;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * The record input a bundle expects.
 *
 * @param dim number of features per record
 * @param tasks task vocabulary, required when a stage routes on the record's task; the one-hot of
 *     the task follows this order
 * @param featureNames optional names of the feature columns, for documentation and dashboards
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record InputSpec(
        @JsonProperty("dim") Integer dim,
        @JsonProperty("tasks") List<String> tasks,
        @JsonProperty("feature_names") List<String> featureNames) {

    public List<String> taskList() {
        return tasks == null ? List.of() : tasks;
    }
}
