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

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.polyroute.runtime.onnx.ModelRuntimeException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link FailureClassifier}: which failures are the records' and which fail the task. */
class FailureClassifierTest {

    @Test
    void shouldTakeClosedSessionsMemoryAndDeviceFailuresForInfrastructure() {
        assertThat(FailureClassifier.isInfrastructure(new IllegalStateException("Model session g is closed.")))
                .isTrue();
        assertThat(FailureClassifier.isInfrastructure(new RuntimeException("wrapped", new OutOfMemoryError())))
                .isTrue();
        assertThat(FailureClassifier.isInfrastructure(new ModelRuntimeException(
                        "Model e failed on a batch of 8 rows: Error code - ORT_EP_FAIL - message: device lost")))
                .isTrue();
        assertThat(FailureClassifier.isInfrastructure(new ModelRuntimeException(
                        "Model e failed: Error code - ORT_RUNTIME_EXCEPTION - message: CUDA failure 2: out of memory")))
                .isTrue();
    }

    @Test
    void shouldTakeInvalidInputForTheRecordsFailure() {
        assertThat(FailureClassifier.isInfrastructure(new ModelRuntimeException(
                        "Model e failed: Error code - ORT_INVALID_ARGUMENT - message: Got invalid dimensions")))
                .isFalse();
        assertThat(FailureClassifier.isInfrastructure(new ArrayIndexOutOfBoundsException(3)))
                .isFalse();
    }

    @Test
    void shouldRefuseOnlyTheRecordThatFailsAloneAndServeTheOthers() {
        List<String> served = new ArrayList<>();
        List<String> refused = new ArrayList<>();

        FailureClassifier.retryOneByOne(
                "GATE of stage s0",
                List.of("a", "bad", "c"),
                new IllegalArgumentException("batch"),
                r -> {
                    if (r.equals("bad")) {
                        throw new IllegalArgumentException("bad row");
                    }
                    served.add(r);
                },
                (r, e) -> refused.add(r + ": " + e.getMessage()));

        assertThat(served).containsExactly("a", "c");
        assertThat(refused).containsExactly("bad: bad row");
    }

    @Test
    void shouldFailTheTaskWhenEveryRecordOfTheBatchFailsAlone() {
        List<String> refused = new ArrayList<>();

        assertThatThrownBy(() -> FailureClassifier.retryOneByOne(
                        "EXPERT slot 1",
                        List.of("a", "b", "c"),
                        new IllegalArgumentException("batch"),
                        r -> {
                            throw new IllegalArgumentException("no");
                        },
                        (r, e) -> refused.add(r)))
                .isInstanceOf(FailureClassifier.InfrastructureFailure.class)
                .hasMessageContaining("EXPERT slot 1")
                .hasMessageContaining("batch of 3 records");
        assertThat(refused).isEmpty();
    }

    @Test
    void shouldFailTheTaskWithoutRetryingWhenTheBatchFailureIsInfrastructure() {
        List<String> tried = new ArrayList<>();

        assertThatThrownBy(() -> FailureClassifier.retryOneByOne(
                        "FUSED subtask 0",
                        List.of("a", "b"),
                        new IllegalStateException("Model session g is closed."),
                        tried::add,
                        (r, e) -> {}))
                .isInstanceOf(FailureClassifier.InfrastructureFailure.class)
                .hasMessageContaining("FUSED subtask 0")
                .hasMessageContaining("batch of 2 records");
        assertThat(tried).isEmpty();
    }

    @Test
    void shouldRefuseTheOnlyRecordOfABatchOfOneThatFailsForAnUnclassifiedReason() {
        List<String> refused = new ArrayList<>();

        FailureClassifier.retryOneByOne(
                "GATE of stage s0",
                List.of("only"),
                new IllegalArgumentException("batch"),
                r -> {
                    throw new IllegalArgumentException("no");
                },
                (r, e) -> refused.add(r));

        assertThat(refused).containsExactly("only");
    }
}
