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
package io.polyroute.runtime.eval;

import io.polyroute.runtime.bundle.StageSpec;
import io.polyroute.runtime.routing.Combiner;
import io.polyroute.runtime.routing.RoutingDecision;

/**
 * The last step of a stage without any model session: the combine of the selected experts'
 * outputs plus the shared expert's row. COMBINE uses it on outputs that arrive from EXPERT slots; the
 * fused evaluator on the outputs it computed itself.
 */
public final class StageCombiner {
    private final Combiner combiner;
    private final int outputDim;

    private StageCombiner(Combiner combiner, int outputDim) {
        this.combiner = combiner;
        this.outputDim = outputDim;
    }

    public static StageCombiner forStage(StageSpec spec) {
        return new StageCombiner(Combiner.forStage(spec), spec.outputDim());
    }

    public int outputDim() {
        return outputDim;
    }

    /**
     * Writes the stage output of one record into {@code dst}.
     *
     * @param sharedRow the shared expert's output for this record, or null
     */
    public void combine(RoutingDecision d, float[][] outputsByExpert, float[] sharedRow, float[] dst) {
        combiner.combine(d, outputsByExpert, dst, 0);
        if (sharedRow != null) {
            for (int i = 0; i < outputDim; i++) {
                dst[i] += sharedRow[i];
            }
        }
    }

    /**
     * Writes record {@code r}'s stage output at {@code dst[off ..]}: the combine of its experts'
     * outputs, expert {@code e}'s at {@code outputs[e][offsets[e] ..]} (see
     * {@link Combiner#combine(RoutingDecision, float[][], int[], float[], int)}), plus row {@code r}
     * of the shared expert's batched output {@code sharedOut} (when not null).
     */
    public void combine(
            RoutingDecision d, float[][] outputs, int[] offsets, float[] sharedOut, int r, float[] dst, int off) {
        combiner.combine(d, outputs, offsets, dst, off);
        if (sharedOut != null) {
            for (int i = 0; i < outputDim; i++) {
                dst[off + i] += sharedOut[r * outputDim + i];
            }
        }
    }
}
