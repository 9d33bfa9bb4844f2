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
 * What the prediction vector of a bundle means ({@code output} in {@code bundle.yaml}).
 *
 * @param names the name of each component of the prediction, in order; exactly {@code output_dim}
 *     distinct, non-blank names. The job copies them into every prediction ({@code output_names})
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record OutputSpec(@JsonProperty("names") List<String> names) {

    /** The names, or an empty list when none are given. */
    public List<String> nameList() {
        return names == null ? List.of() : names;
    }
}
