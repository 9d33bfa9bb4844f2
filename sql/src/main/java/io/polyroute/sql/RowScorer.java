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

import io.polyroute.runtime.bundle.ModelBundle;
import io.polyroute.runtime.eval.Evaluation;
import io.polyroute.runtime.eval.MoeEvaluator;
import io.polyroute.runtime.routing.RoutingDecision;
import io.polyroute.sql.ModelSignature.ExpertField;
import io.polyroute.sql.ModelSignature.Role;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.table.data.ArrayData;
import org.apache.flink.table.data.GenericArrayData;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;

/**
 * Turns input rows into feature vectors, evaluates batches of them with the fused evaluator and
 * builds the output rows. Shared by the synchronous and the asynchronous predict function; holds no
 * Flink state.
 */
final class RowScorer implements AutoCloseable {
    /** A row checked against the bundle: its features and task, or why it cannot be evaluated. */
    record Parsed(float[] features, int task, String error) {
        boolean bad() {
            return error != null;
        }
    }

    private final ModelBundle bundle;
    private final MoeEvaluator evaluator;
    private final ModelSignature sig;
    private final int slot;
    private final StringData name;
    private final StringData version;

    RowScorer(ModelBundle bundle, MoeEvaluator evaluator, ModelSignature sig, int slot) {
        this.bundle = bundle;
        this.evaluator = evaluator;
        this.sig = sig;
        this.slot = slot;
        this.name = StringData.fromString(bundle.name());
        this.version = StringData.fromString(bundle.version());
    }

    /** Reads and checks one input row. */
    Parsed parse(RowData row) {
        int d = bundle.inputDim();
        float[] x;
        if (sig.arrayColumn >= 0) {
            if (row.isNullAt(sig.arrayColumn)) {
                return error("NULL_VALUE", "the feature array is NULL");
            }
            ArrayData a = row.getArray(sig.arrayColumn);
            if (a.size() != d) {
                return error(
                        "WRONG_DIMENSION",
                        "the feature array has " + a.size() + " values but bundle " + bundle.name() + " expects " + d);
            }
            x = new float[d];
            boolean asDouble = sig.arrayElement == org.apache.flink.table.types.logical.LogicalTypeRoot.DOUBLE;
            for (int i = 0; i < d; i++) {
                if (a.isNullAt(i)) {
                    return error("NULL_VALUE", "feature " + i + " is NULL");
                }
                x[i] = asDouble ? (float) a.getDouble(i) : a.getFloat(i);
            }
        } else {
            x = new float[d];
            for (int i = 0; i < d; i++) {
                int pos = sig.featureColumns[i];
                if (row.isNullAt(pos)) {
                    return error("NULL_VALUE", "feature " + i + " is NULL");
                }
                x[i] = switch (sig.featureTypes[i]) {
                    case TINYINT -> row.getByte(pos);
                    case SMALLINT -> row.getShort(pos);
                    case INTEGER -> row.getInt(pos);
                    case BIGINT -> row.getLong(pos);
                    case FLOAT -> row.getFloat(pos);
                    case DOUBLE -> (float) row.getDouble(pos);
                    default -> throw new IllegalStateException("Unexpected feature type " + sig.featureTypes[i]);
                };
            }
        }
        for (int i = 0; i < d; i++) {
            if (!Float.isFinite(x[i])) {
                return error("NON_FINITE", "feature " + i + " is " + x[i]);
            }
        }
        int task = -1;
        if (bundle.routesOnTask()) {
            String t = row.isNullAt(sig.taskColumn)
                    ? null
                    : row.getString(sig.taskColumn).toString();
            task = bundle.taskIndex(t);
            if (task < 0) {
                return error(
                        "UNKNOWN_TASK",
                        "task " + (t == null ? "NULL" : "'" + t + "'") + " is not one of " + bundle.tasks());
            }
        }
        return new Parsed(x, task, null);
    }

    private static Parsed error(String reason, String message) {
        return new Parsed(null, -1, reason + ": " + message);
    }

    /** Evaluates good rows in one batch; returns one output row each, in order. */
    List<RowData> evaluate(List<Parsed> rows) {
        int n = rows.size();
        List<RowData> out = new ArrayList<>(n);
        if (n == 0) {
            return out;
        }
        int d = bundle.inputDim();
        float[] x = new float[n * d];
        int[] tasks = bundle.routesOnTask() ? new int[n] : null;
        for (int r = 0; r < n; r++) {
            System.arraycopy(rows.get(r).features(), 0, x, r * d, d);
            if (tasks != null) {
                tasks[r] = rows.get(r).task();
            }
        }
        Evaluation ev = evaluator.evaluate(x, n, tasks);
        for (int r = 0; r < n; r++) {
            out.add(outputRow(ev, r));
        }
        return out;
    }

    private RowData outputRow(Evaluation ev, int r) {
        GenericRowData row = new GenericRowData(sig.outputArity());
        for (int c = 0; c < sig.roles.length; c++) {
            row.setField(
                    c,
                    switch (sig.roles[c]) {
                        case PREDICTION -> prediction(ev, r);
                        case EXPERTS -> experts(ev, r);
                        case MODEL_NAME -> name;
                        case MODEL_VERSION -> version;
                        case ERROR -> null;
                    });
        }
        return row;
    }

    /** The output of a bad row: NULLs, the model's identity, and the error. */
    RowData errorRow(String error) {
        GenericRowData row = new GenericRowData(sig.outputArity());
        for (int c = 0; c < sig.roles.length; c++) {
            Role role = sig.roles[c];
            row.setField(
                    c,
                    role == Role.ERROR
                            ? StringData.fromString(error)
                            : role == Role.MODEL_NAME ? name : role == Role.MODEL_VERSION ? version : null);
        }
        return row;
    }

    private Object prediction(Evaluation ev, int r) {
        int od = ev.outputDim();
        if (sig.predictionAsDouble) {
            double[] v = new double[od];
            for (int i = 0; i < od; i++) {
                v[i] = ev.output()[r * od + i];
            }
            return new GenericArrayData(v);
        }
        return new GenericArrayData(ev.row(r));
    }

    private Object experts(Evaluation ev, int r) {
        List<GenericRowData> choices = new ArrayList<>();
        for (int s = 0; s < ev.routing().length; s++) {
            RoutingDecision dec = ev.routing()[s][r];
            for (int g = 0; g < dec.groups(); g++) {
                for (int j = 0; j < dec.k(); j++) {
                    GenericRowData c = new GenericRowData(sig.expertFields.length);
                    for (int f = 0; f < sig.expertFields.length; f++) {
                        ExpertField field = sig.expertFields[f];
                        c.setField(
                                f,
                                switch (field) {
                                    case STAGE -> s;
                                    case EXPERT -> dec.expert(g, j);
                                    case GROUP -> g;
                                    case SLOT -> slot;
                                    case WEIGHT ->
                                        sig.weightAsDouble ? (Object) (double) dec.weight(g, j) : dec.weight(g, j);
                                });
                    }
                    choices.add(c);
                }
            }
        }
        return new GenericArrayData(choices.toArray());
    }

    @Override
    public void close() {
        evaluator.close();
    }
}
