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
package io.polyroute.job.operators;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Tells failures of a record's data, which become {@code MODEL_ERROR} dead letters, from failures
 * of the infrastructure that runs the models, which fail the task so Flink restarts it from the
 * last checkpoint and no record is dead-lettered.
 *
 * <p>The rule, applied by {@link #retryOneByOne} after a micro-batch failed:
 *
 * <ol>
 *   <li>A failure whose cause chain holds any of the following is infrastructure, whatever the
 *       batch: an {@link Error} (out of memory, a native crash surfacing as a linkage error), an
 *       {@link IllegalStateException} (a closed session or runtime), an ONNX Runtime error code
 *       that concerns the model or the execution provider rather than the input ({@code
 *       ORT_ENGINE_ERROR}, {@code ORT_EP_FAIL}, {@code ORT_NO_MODEL}, {@code ORT_NO_SUCHFILE},
 *       {@code ORT_MODEL_LOADED}, {@code ORT_NOT_IMPLEMENTED}, {@code ORT_INVALID_GRAPH}, {@code
 *       ORT_INVALID_PROTOBUF}), or a message that speaks of device memory or the CUDA libraries
 *       ("out of memory", "failed to allocate", "CUDA failure", "CUDNN", "CUBLAS").
 *   <li>Otherwise the batch is retried record by record. When every record of a batch of two or
 *       more fails alone too, the failure does not depend on the data: infrastructure.
 *   <li>Otherwise each record that fails alone is a data failure and becomes a dead letter; the
 *       others are served as usual.
 * </ol>
 *
 * <p>A batch of one record that fails with an unclassified exception is taken as a data failure:
 * it cannot be told apart from a broken runtime. A batch made only of bad records fails the task;
 * after the restart the records meet others in new batches and are isolated then.
 */
public final class FailureClassifier {
    private static final List<String> INFRASTRUCTURE_ORT_CODES = List.of(
            "ORT_ENGINE_ERROR",
            "ORT_EP_FAIL",
            "ORT_NO_MODEL",
            "ORT_NO_SUCHFILE",
            "ORT_MODEL_LOADED",
            "ORT_NOT_IMPLEMENTED",
            "ORT_INVALID_GRAPH",
            "ORT_INVALID_PROTOBUF");
    private static final List<String> INFRASTRUCTURE_WORDS =
            List.of("out of memory", "failed to allocate", "cuda failure", "cudnn", "cublas");

    private FailureClassifier() {}

    /** Whether {@code failure} concerns the infrastructure whatever the record (rule 1). */
    public static boolean isInfrastructure(Throwable failure) {
        Map<Throwable, Boolean> seen = new IdentityHashMap<>();
        for (Throwable t = failure; t != null && seen.put(t, Boolean.TRUE) == null; t = t.getCause()) {
            if (t instanceof Error || t instanceof IllegalStateException) {
                return true;
            }
            String m = t.getMessage();
            if (m != null) {
                for (String code : INFRASTRUCTURE_ORT_CODES) {
                    if (m.contains(code)) {
                        return true;
                    }
                }
                String lower = m.toLowerCase(Locale.ROOT);
                for (String word : INFRASTRUCTURE_WORDS) {
                    if (lower.contains(word)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /**
     * The exception that fails the task of {@code operator} when a batch of {@code batchSize}
     * records failed for a reason that is not the records' data.
     */
    public static InfrastructureFailure infrastructure(String operator, int batchSize, Throwable cause) {
        return new InfrastructureFailure(
                operator + " failed on a batch of " + batchSize + " records for a reason that does not depend on "
                        + "the records (" + cause + "); failing the task so it restarts from the last checkpoint "
                        + "instead of sending the records to the dead-letter topic.",
                cause);
    }

    /**
     * Handles a failed batch by the rule above: throws when {@code batchFailure} is
     * infrastructure, otherwise runs {@code run} on each record alone; throws when a record's
     * failure is infrastructure or every record of a batch of two or more fails; otherwise passes
     * each failing record and its failure to {@code refuse}, after all records were retried.
     *
     * @throws InfrastructureFailure naming {@code operator} and the batch size
     */
    public static <T> void retryOneByOne(
            String operator,
            List<T> batch,
            RuntimeException batchFailure,
            Consumer<T> run,
            BiConsumer<T, RuntimeException> refuse) {
        if (isInfrastructure(batchFailure)) {
            throw infrastructure(operator, batch.size(), batchFailure);
        }
        List<T> failed = new ArrayList<>();
        List<RuntimeException> failures = new ArrayList<>();
        for (T rec : batch) {
            try {
                run.accept(rec);
            } catch (RuntimeException one) {
                if (isInfrastructure(one)) {
                    throw infrastructure(operator, batch.size(), one);
                }
                failed.add(rec);
                failures.add(one);
            }
        }
        if (batch.size() > 1 && failed.size() == batch.size()) {
            throw infrastructure(operator, batch.size(), batchFailure);
        }
        for (int i = 0; i < failed.size(); i++) {
            refuse.accept(failed.get(i), failures.get(i));
        }
    }

    /** A model failure that does not depend on the records: the task must fail and restart. */
    public static final class InfrastructureFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        InfrastructureFailure(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
