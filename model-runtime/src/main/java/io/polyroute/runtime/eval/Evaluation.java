package io.polyroute.runtime.eval;

import io.polyroute.runtime.routing.RoutingDecision;

/**
 * The result of evaluating a batch: the predictions and the routing of every record at every stage.
 *
 * @param n number of records
 * @param outputDim width of each prediction
 * @param output predictions, row-major {@code n × outputDim}
 * @param routing {@code routing[s][r]}: record {@code r}'s routing at stage {@code s}
 */
public record Evaluation(int n, int outputDim, float[] output, RoutingDecision[][] routing) {

    /** Prediction of record {@code r}. */
    public float[] row(int r) {
        float[] out = new float[outputDim];
        System.arraycopy(output, r * outputDim, out, 0, outputDim);
        return out;
    }
}
