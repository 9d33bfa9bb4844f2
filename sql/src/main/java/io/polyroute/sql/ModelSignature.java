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
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.flink.table.catalog.Column;
import org.apache.flink.table.catalog.ResolvedSchema;
import org.apache.flink.table.types.logical.ArrayType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.LogicalTypeFamily;
import org.apache.flink.table.types.logical.LogicalTypeRoot;
import org.apache.flink.table.types.logical.RowType;

/**
 * How a model's {@code INPUT (…)} and {@code OUTPUT (…)} columns map onto a bundle, checked once
 * when the query is planned.
 *
 * <p>Input: either one {@code ARRAY<FLOAT>} (or {@code ARRAY<DOUBLE>}) column holding the whole
 * feature vector, or exactly {@code input.dim} numeric columns, one feature each; plus at most one
 * character column, the task, which is required when the bundle routes on the task.
 *
 * <p>Output: every column has a role ({@link Role}), from the {@code output} option or from its name.
 */
final class ModelSignature implements Serializable {
    private static final long serialVersionUID = 1L;

    /** What an output column holds. */
    enum Role {
        /** The prediction vector, {@code ARRAY<FLOAT>} or {@code ARRAY<DOUBLE>}. */
        PREDICTION,
        /**
         * The experts of every stage, {@code ARRAY<ROW<stage INT, expert INT, `group` INT, weight FLOAT, slot
         * INT>>}; any subset of these fields, in any order.
         */
        EXPERTS,
        /** The bundle's name, a character string. */
        MODEL_NAME,
        /** The bundle's version, a character string. */
        MODEL_VERSION,
        /** Why a row could not be evaluated ({@code REASON: message}), NULL for good rows. */
        ERROR;

        static Role parse(String s, String where) {
            try {
                return valueOf(s.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("Unknown output '" + s.trim() + "' in " + where
                        + "; expected prediction, experts, model_name, model_version or error.");
            }
        }
    }

    /** Fields of an {@link Role#EXPERTS} row. */
    enum ExpertField {
        STAGE,
        EXPERT,
        GROUP,
        WEIGHT,
        SLOT
    }

    /** Input: position of the feature array, or -1 when features come one per column. */
    final int arrayColumn;
    /** Input: element type root of the feature array. */
    final LogicalTypeRoot arrayElement;
    /** Input: positions of the per-feature columns, in feature order (empty with an array column). */
    final int[] featureColumns;
    /** Input: type roots of {@link #featureColumns}. */
    final LogicalTypeRoot[] featureTypes;
    /** Input: position of the task column, or -1. */
    final int taskColumn;
    /** Output: the role of each output column. */
    final Role[] roles;
    /** Output: whether the prediction array holds doubles. */
    final boolean predictionAsDouble;
    /** Output: the fields of the experts rows, in their order. */
    final ExpertField[] expertFields;
    /** Output: whether the experts' weight field is a double. */
    final boolean weightAsDouble;

    private ModelSignature(
            int arrayColumn,
            LogicalTypeRoot arrayElement,
            int[] featureColumns,
            LogicalTypeRoot[] featureTypes,
            int taskColumn,
            Role[] roles,
            boolean predictionAsDouble,
            ExpertField[] expertFields,
            boolean weightAsDouble) {
        this.arrayColumn = arrayColumn;
        this.arrayElement = arrayElement;
        this.featureColumns = featureColumns;
        this.featureTypes = featureTypes;
        this.taskColumn = taskColumn;
        this.roles = roles;
        this.predictionAsDouble = predictionAsDouble;
        this.expertFields = expertFields;
        this.weightAsDouble = weightAsDouble;
    }

    /** Number of output columns. */
    int outputArity() {
        return roles.length;
    }

    /** Position of the output column with {@code role}, or -1. */
    int indexOf(Role role) {
        for (int i = 0; i < roles.length; i++) {
            if (roles[i] == role) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Checks the model's schemas against the bundle.
     *
     * @param output the {@code output} option, or null to take the roles from the column names
     * @throws IllegalArgumentException naming the model, the column and what it should be
     */
    static ModelSignature of(
            String model, ResolvedSchema input, ResolvedSchema output, String outputOption, ModelBundle bundle) {
        List<Column> in = input.getColumns();
        int arrayColumn = -1;
        LogicalTypeRoot arrayElement = null;
        int taskColumn = -1;
        List<Integer> numeric = new ArrayList<>();
        List<LogicalTypeRoot> numericTypes = new ArrayList<>();
        for (int i = 0; i < in.size(); i++) {
            Column c = in.get(i);
            LogicalType t = c.getDataType().getLogicalType();
            if (t.is(LogicalTypeFamily.CHARACTER_STRING)) {
                if (taskColumn >= 0) {
                    throw new IllegalArgumentException("Model " + model + ": INPUT has two character columns ("
                            + in.get(taskColumn).getName() + ", " + c.getName() + "); only one, the task, is allowed.");
                }
                taskColumn = i;
            } else if (t.is(LogicalTypeRoot.ARRAY)
                    && (((ArrayType) t).getElementType().is(LogicalTypeRoot.FLOAT)
                            || ((ArrayType) t).getElementType().is(LogicalTypeRoot.DOUBLE))) {
                if (arrayColumn >= 0) {
                    throw new IllegalArgumentException(
                            "Model " + model + ": INPUT has two feature arrays; declare one ARRAY<FLOAT>.");
                }
                arrayColumn = i;
                arrayElement = ((ArrayType) t).getElementType().getTypeRoot();
            } else if (t.is(LogicalTypeFamily.NUMERIC) && !t.is(LogicalTypeRoot.DECIMAL)) {
                numeric.add(i);
                numericTypes.add(t.getTypeRoot());
            } else {
                throw new IllegalArgumentException(
                        "Model " + model + ": INPUT column " + c.getName() + " is " + t
                                + "; expected ARRAY<FLOAT>, ARRAY<DOUBLE>, TINYINT to DOUBLE (not DECIMAL), or STRING for the task.");
            }
        }
        if (arrayColumn >= 0 && !numeric.isEmpty()) {
            throw new IllegalArgumentException("Model " + model
                    + ": INPUT mixes a feature array with numeric columns; use one array or " + bundle.inputDim()
                    + " numeric columns.");
        }
        if (arrayColumn < 0 && numeric.size() != bundle.inputDim()) {
            throw new IllegalArgumentException("Model " + model + ": INPUT has " + numeric.size()
                    + " numeric columns but bundle " + bundle.name() + " has input.dim " + bundle.inputDim()
                    + "; declare " + bundle.inputDim() + " numeric columns or one ARRAY<FLOAT>.");
        }
        if (bundle.routesOnTask() && taskColumn < 0) {
            throw new IllegalArgumentException("Model " + model + ": bundle " + bundle.name()
                    + " routes on the task; add a STRING column to INPUT (tasks: " + bundle.tasks() + ").");
        }
        List<Column> out = output.getColumns();
        Role[] roles = new Role[out.size()];
        if (outputOption != null) {
            String[] parts = outputOption.split(",");
            if (parts.length != out.size()) {
                throw new IllegalArgumentException("Model " + model + ": option 'output' lists " + parts.length
                        + " columns (" + outputOption + ") but OUTPUT declares " + out.size() + ".");
            }
            for (int i = 0; i < parts.length; i++) {
                roles[i] = Role.parse(parts[i], "option 'output' of model " + model);
            }
        } else {
            for (int i = 0; i < out.size(); i++) {
                roles[i] = Role.parse(
                        out.get(i).getName(),
                        "OUTPUT of model " + model + " (name the columns so, or set option 'output')");
            }
        }
        if (Arrays.stream(roles).distinct().count() != roles.length) {
            throw new IllegalArgumentException(
                    "Model " + model + ": an output appears twice in " + Arrays.toString(roles) + ".");
        }
        boolean predictionAsDouble = false;
        ExpertField[] expertFields = new ExpertField[0];
        boolean weightAsDouble = false;
        for (int i = 0; i < roles.length; i++) {
            LogicalType t = out.get(i).getDataType().getLogicalType();
            String col = "Model " + model + ": OUTPUT column " + out.get(i).getName() + " (" + roles[i] + ") is " + t;
            switch (roles[i]) {
                case PREDICTION -> {
                    if (!(t instanceof ArrayType a)
                            || !(a.getElementType().is(LogicalTypeRoot.FLOAT)
                                    || a.getElementType().is(LogicalTypeRoot.DOUBLE))) {
                        throw new IllegalArgumentException(col + "; expected ARRAY<FLOAT> or ARRAY<DOUBLE>.");
                    }
                    predictionAsDouble = a.getElementType().is(LogicalTypeRoot.DOUBLE);
                }
                case EXPERTS -> {
                    if (!(t instanceof ArrayType a) || !(a.getElementType() instanceof RowType row)) {
                        throw new IllegalArgumentException(col
                                + "; expected ARRAY<ROW<stage INT, expert INT, `group` INT, weight FLOAT, slot INT>>.");
                    }
                    expertFields = new ExpertField[row.getFieldCount()];
                    for (int f = 0; f < row.getFieldCount(); f++) {
                        String name = row.getFieldNames().get(f);
                        LogicalType ft = row.getTypeAt(f);
                        try {
                            expertFields[f] = ExpertField.valueOf(name.toUpperCase(Locale.ROOT));
                        } catch (IllegalArgumentException e) {
                            throw new IllegalArgumentException(
                                    col + "; its field " + name + " is none of stage, expert, group, weight, slot.");
                        }
                        boolean ok = expertFields[f] == ExpertField.WEIGHT
                                ? ft.is(LogicalTypeRoot.FLOAT) || ft.is(LogicalTypeRoot.DOUBLE)
                                : ft.is(LogicalTypeRoot.INTEGER);
                        if (!ok) {
                            throw new IllegalArgumentException(col + "; its field " + name + " must be "
                                    + (expertFields[f] == ExpertField.WEIGHT ? "FLOAT or DOUBLE" : "INT") + ".");
                        }
                        if (expertFields[f] == ExpertField.WEIGHT) {
                            weightAsDouble = ft.is(LogicalTypeRoot.DOUBLE);
                        }
                    }
                }
                default -> {
                    if (!t.is(LogicalTypeFamily.CHARACTER_STRING)) {
                        throw new IllegalArgumentException(col + "; expected STRING.");
                    }
                }
            }
        }
        return new ModelSignature(
                arrayColumn,
                arrayElement,
                numeric.stream().mapToInt(Integer::intValue).toArray(),
                numericTypes.toArray(new LogicalTypeRoot[0]),
                taskColumn,
                roles,
                predictionAsDouble,
                expertFields,
                weightAsDouble);
    }
}
