package io.polyroute.runtime.eval;

import io.polyroute.runtime.bundle.StageSpec;
import io.polyroute.runtime.routing.Combiner;
import io.polyroute.runtime.routing.RoutingDecision;

/**
 * The last step of a stage without any model session: the combine of the selected experts'
 * outputs plus the shared expert's row. Used where expert outputs arrive from elsewhere.
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
}
