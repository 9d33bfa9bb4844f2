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
