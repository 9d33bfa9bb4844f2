package io.polyroute.sql;

import java.util.Collection;
import java.util.List;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.functions.FunctionContext;
import org.apache.flink.table.functions.PredictFunction;

/**
 * The synchronous {@code ML_PREDICT} function ({@code 'async' = 'false'}): evaluates each row on
 * its own, on the task thread. Simpler and slower than {@link PolyrouteAsyncPredictFunction}; the
 * predictions are the same.
 */
public final class PolyroutePredictFunction extends PredictFunction {
    private static final long serialVersionUID = 1L;

    private final ModelSpec spec;
    private transient RowScorer scorer;

    PolyroutePredictFunction(ModelSpec spec) {
        this.spec = spec;
    }

    @Override
    public void open(FunctionContext context) throws Exception {
        super.open(context);
        scorer = spec.open(context.getTaskInfo().getIndexOfThisSubtask());
    }

    @Override
    public Collection<RowData> predict(RowData input) {
        RowScorer.Parsed row = scorer.parse(input);
        if (row.bad()) {
            if (spec.failOnError()) {
                throw spec.badRow(row.error());
            }
            return List.of(scorer.errorRow(row.error()));
        }
        return scorer.evaluate(List.of(row));
    }

    @Override
    public void close() throws Exception {
        if (scorer != null) {
            scorer.close();
        }
        super.close();
    }
}
