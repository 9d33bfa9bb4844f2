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
package io.polyroute.runtime.routing;

import io.polyroute.runtime.bundle.StageSpec;

/**
 * Combines the outputs of a record's selected experts into the stage output (docs/design.md §5).
 * Implementations are stateless and thread-safe; obtain them from the static factories.
 *
 * <pre>{@code
 * Combiner c = Combiner.tensorPolyOrder(2, 4, 16);
 * c.combine(decision, outputsByExpert, y, 0);
 * }</pre>
 */
public interface Combiner {

    /**
     * Writes the combined output of one record into {@code dst[dstOffset .. dstOffset+outputDim())}.
     *
     * @param decision the record's routing at this stage
     * @param outputsByExpert {@code f_e(x)} for every visited expert {@code e} (length P each);
     *     entries of experts the record does not visit are ignored and may be null
     */
    default void combine(RoutingDecision decision, float[][] outputsByExpert, float[] dst, int dstOffset) {
        combine(decision, outputsByExpert, null, dst, dstOffset);
    }

    /**
     * As {@link #combine(RoutingDecision, float[][], float[], int)}, with {@code f_e(x)} read from
     * {@code outputs[e][offsets[e] .. offsets[e]+expertOutputDim())}. This lets a caller pass each
     * expert's batched output as it came from the model, setting only the offsets of the record's
     * row, instead of copying every record's rows out.
     *
     * @param offsets start of the record's row in {@code outputs[e]}, for every visited expert
     *     {@code e}; null means 0 for all
     */
    void combine(RoutingDecision decision, float[][] outputs, int[] offsets, float[] dst, int dstOffset);

    /** Width of the combined output. */
    int outputDim();

    /** Width P each expert output must have. */
    int expertOutputDim();

    /** {@code y = Σ_{e in S_0} w[0,e] · f_e(x)}. */
    static Combiner weightedSum(int p) {
        return new WeightedSumCombiner(p);
    }

    /** TensorPoly-I: {@code y = T_d(Σ_{e in S_0} w[0,e] · (l[e,0] ⊗ … ⊗ l[e,N-1]))}. */
    static Combiner tensorPolyRank(int order, int leafDim, int truncate) {
        return new TensorPolyRankCombiner(order, leafDim, truncate);
    }

    /** TensorPoly-II: {@code m_o = Σ_{e in S_o} w[o,e] · l[e,o]}; {@code y = T_d(m_0 ⊗ … ⊗ m_{N-1})}. */
    static Combiner tensorPolyOrder(int order, int leafDim, int truncate) {
        return new TensorPolyOrderCombiner(order, leafDim, truncate);
    }

    /** The combiner a validated stage declares. */
    static Combiner forStage(StageSpec stage) {
        switch (stage.combineMode()) {
            case WEIGHTED_SUM:
                return weightedSum(stage.expertOutputDim());
            case TENSORPOLY_RANK:
                return tensorPolyRank(stage.order(), stage.leafDim(), stage.outputDim());
            case TENSORPOLY_ORDER:
                return tensorPolyOrder(stage.order(), stage.leafDim(), stage.outputDim());
            default:
                throw new IllegalArgumentException("Unknown combine mode " + stage.combine());
        }
    }
}
