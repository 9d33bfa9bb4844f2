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
