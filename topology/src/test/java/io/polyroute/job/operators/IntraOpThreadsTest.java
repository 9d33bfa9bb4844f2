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
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.polyroute.runtime.eval.GateRuntime;
import io.polyroute.runtime.onnx.Device;
import io.polyroute.runtime.onnx.OrtRuntime;
import io.polyroute.runtime.onnx.RuntimeOptions;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * {@code runtime.intra-op-threads} sizes ONNX Runtime's process-wide pool, which the first session
 * of a process fixes. A GATE subtask validates the bundle (opening every model) before it opens
 * its own sessions, so validation must not fix the pool at a size of its own.
 *
 * <p>{@code bundles/tiny} is a synthetic bundle (4 inputs, 2 experts, top-1, no reference) written
 * by the kit's {@code SyntheticBundleBuilder}. The pool lives as long as the JVM: the check needs a JVM in which no session was opened yet
 * (run the class on its own, as {@code -Dtest=IntraOpThreadsTest} does); in a JVM that already
 * holds a pool it is skipped, saying why.
 */
class IntraOpThreadsTest {

    @Test
    void shouldSizeTheProcessWidePoolWithTheConfiguredThreadsWhenAGateOpensItsStage() throws Exception {
        assumeTrue(
                OrtRuntime.intraOpThreads().isEmpty(),
                "another test of this JVM already created ONNX Runtime's process-wide pool");
        // A bundle written beforehand: building one here would validate it and so create the pool.
        Path bundle =
                Path.of(IntraOpThreadsTest.class.getResource("/bundles/tiny").toURI());
        RuntimeOptions options =
                RuntimeOptions.builder().device(Device.CPU).intraOpThreads(3).build();

        try (GateRuntime gate = new StageOpener(bundle.toString(), options).gate(0)) {
            assertThat(gate.sessionCount()).isEqualTo(1);
            assertThat(OrtRuntime.intraOpThreads()).hasValue(3);
        }
    }
}
