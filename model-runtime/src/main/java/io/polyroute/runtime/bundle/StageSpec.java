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

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * One stage of a bundle as written in {@code bundle.yaml}. Enumerated fields are kept as strings
 * so that the validator can name an unknown value; use the typed accessors after validation.
 *
 * @param name stage name, unique within the bundle
 * @param input {@code features} (first stage), {@code previous} or {@code concat}
 * @param encoder optional encoder applied to the stage input
 * @param routing {@code gate} (default) or {@code inherit}
 * @param gateInput {@code features} (default) or {@code task}
 * @param gate the gate model; absent with {@code routing: inherit}
 * @param topK experts selected per routing group
 * @param combine {@code weighted_sum}, {@code tensorpoly_rank} or {@code tensorpoly_order}
 * @param order tensor order N (tensor combines only)
 * @param leafDim leaf width m; {@code expert_output_dim = order · leaf_dim} (tensor combines only)
 * @param expertOutputDim width P of every expert's output
 * @param outputDim stage output width: P for {@code weighted_sum}, the truncation d otherwise
 * @param experts the experts, in index order
 * @param sharedExpert optional expert every record visits; its output is added to the stage output
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StageSpec(
        @JsonProperty("name") String name,
        @JsonProperty("input") String input,
        @JsonProperty("encoder") EncoderSpec encoder,
        @JsonProperty("routing") String routing,
        @JsonProperty("gate_input") String gateInput,
        @JsonProperty("gate") ModelRef gate,
        @JsonProperty("top_k") Integer topK,
        @JsonProperty("combine") String combine,
        @JsonProperty("order") Integer order,
        @JsonProperty("leaf_dim") Integer leafDim,
        @JsonProperty("expert_output_dim") Integer expertOutputDim,
        @JsonProperty("output_dim") Integer outputDim,
        @JsonProperty("experts") List<ExpertSpec> experts,
        @JsonProperty("shared_expert") ModelRef sharedExpert) {

    @JsonIgnore
    public StageInput inputMode() {
        return input == null ? StageInput.FEATURES : StageInput.parse(input).orElseThrow();
    }

    @JsonIgnore
    public RoutingMode routingMode() {
        return routing == null ? RoutingMode.GATE : RoutingMode.parse(routing).orElseThrow();
    }

    @JsonIgnore
    public GateInput gateInputMode() {
        return gateInput == null
                ? GateInput.FEATURES
                : GateInput.parse(gateInput).orElseThrow();
    }

    @JsonIgnore
    public CombineMode combineMode() {
        return CombineMode.parse(combine).orElseThrow();
    }

    @JsonIgnore
    public int expertCount() {
        return experts == null ? 0 : experts.size();
    }

    /** Routing groups G: the order N for {@code tensorpoly_order}, else 1. */
    @JsonIgnore
    public int groups() {
        return combineMode() == CombineMode.TENSORPOLY_ORDER ? order : 1;
    }

    @JsonIgnore
    public int orderOrOne() {
        return order == null ? 1 : order;
    }
}
