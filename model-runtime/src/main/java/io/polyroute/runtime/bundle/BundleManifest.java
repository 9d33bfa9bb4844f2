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
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import java.util.Map;

/**
 * The parsed {@code bundle.yaml} of a model bundle (see {@code docs/bundle-format.md}).
 *
 * @param format always {@value #FORMAT}
 * @param name bundle name (the folder name under the model repository)
 * @param version the version folder the manifest describes
 * @param description free text
 * @param input what each record must carry
 * @param outputDim width of the prediction
 * @param output optional description of the prediction vector: a name for each component
 * @param stages the stages, applied in order
 * @param reference optional dense reference model of the whole bundle
 * @param checksums SHA-256 (lowercase hex) of every file, keyed by path relative to the version folder
 * @param quality optional quality figures written by the model kit
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({
    "format",
    "name",
    "version",
    "description",
    "input",
    "output_dim",
    "output",
    "stages",
    "reference",
    "checksums",
    "quality"
})
public record BundleManifest(
        @JsonProperty("format") String format,
        @JsonProperty("name") String name,
        @JsonProperty("version") String version,
        @JsonProperty("description") String description,
        @JsonProperty("input") InputSpec input,
        @JsonProperty("output_dim") Integer outputDim,
        @JsonProperty("output") OutputSpec output,
        @JsonProperty("stages") List<StageSpec> stages,
        @JsonProperty("reference") ModelRef reference,
        @JsonProperty("checksums") Map<String, String> checksums,
        @JsonProperty("quality") Map<String, Object> quality) {

    public static final String FORMAT = "polyroute-bundle/1";
    public static final String FILE_NAME = "bundle.yaml";

    /** A manifest without {@code output}: the prediction's components are not named. */
    public BundleManifest(
            String format,
            String name,
            String version,
            String description,
            InputSpec input,
            Integer outputDim,
            List<StageSpec> stages,
            ModelRef reference,
            Map<String, String> checksums,
            Map<String, Object> quality) {
        this(format, name, version, description, input, outputDim, null, stages, reference, checksums, quality);
    }

    /** The name of each component of the prediction vector, or an empty list when the bundle names none. */
    public List<String> outputNames() {
        return output == null ? List.of() : output.nameList();
    }
}
