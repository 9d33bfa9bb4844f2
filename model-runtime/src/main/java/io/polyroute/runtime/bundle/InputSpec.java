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
