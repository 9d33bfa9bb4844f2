package io.polyroute.sql;

import org.apache.flink.table.functions.AsyncPredictFunction;
import org.apache.flink.table.functions.PredictFunction;
import org.apache.flink.table.ml.AsyncPredictRuntimeProvider;
import org.apache.flink.table.ml.ModelProvider;
import org.apache.flink.table.ml.PredictRuntimeProvider;

/**
 * Both runtime forms of a Polyroute model: the planner picks the asynchronous, micro-batching one
 * unless {@code ML_PREDICT} is given {@code 'async' = 'false'}.
 */
public final class PolyrouteModelProvider implements AsyncPredictRuntimeProvider, PredictRuntimeProvider {
    private final ModelSpec spec;

    PolyrouteModelProvider(ModelSpec spec) {
        this.spec = spec;
    }

    @Override
    public AsyncPredictFunction createAsyncPredictFunction(ModelProvider.Context context) {
        return new PolyrouteAsyncPredictFunction(spec);
    }

    @Override
    public PredictFunction createPredictFunction(ModelProvider.Context context) {
        return new PolyroutePredictFunction(spec);
    }

    @Override
    public ModelProvider copy() {
        return new PolyrouteModelProvider(spec);
    }
}
