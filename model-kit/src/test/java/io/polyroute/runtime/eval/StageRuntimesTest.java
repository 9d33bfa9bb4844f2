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
package io.polyroute.runtime.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.polyroute.kit.synthetic.Activation;
import io.polyroute.kit.synthetic.SyntheticBundleBuilder;
import io.polyroute.runtime.bundle.ModelBundle;
import io.polyroute.runtime.bundle.StageSpec;
import io.polyroute.runtime.onnx.RuntimeOptions;
import io.polyroute.runtime.routing.Choices;
import io.polyroute.runtime.routing.RoutingDecision;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StageRuntimesTest {

    @TempDir
    Path dir;

    private ModelBundle bundle() throws Exception {
        return SyntheticBundleBuilder.create()
                .inputDim(8)
                .hidden(16)
                .experts(4)
                .topK(2)
                .encoder(6, Activation.RELU)
                .sharedExpert(true)
                .reference(false)
                .seed(7)
                .build(dir.resolve("b"));
    }

    @Test
    void shouldRunAnExpertSlotWithoutOpeningTheStagesEncoderGateOrSharedExpert() throws Exception {
        ModelBundle bundle = bundle();
        StageSpec spec = bundle.stage(0);
        // Sessions of other roles are unreadable now: an expert slot that opened them would fail.
        Files.delete(bundle.resolve(spec.gate().file()));
        Files.delete(bundle.resolve(spec.encoder().model().file()));
        Files.delete(bundle.resolve(spec.sharedExpert().file()));

        try (ExpertRuntime experts = ExpertRuntime.open(bundle, 0, RuntimeOptions.cpu())) {
            assertThat(experts.loadedExpertCount()).isZero();
            float[] rows = new float[3 * experts.width()];
            float[] out = experts.runExpert(2, rows, 3);

            assertThat(out).hasSize(3 * experts.expertOutputDim());
            assertThat(experts.loadedExpertCount()).isEqualTo(1);
            assertThat(experts.isExpertLoaded(2)).isTrue();
            experts.releaseExpert(2);
            assertThat(experts.loadedExpertCount()).isZero();
        }
        assertThatThrownBy(() -> GateRuntime.open(bundle, 0, RuntimeOptions.cpu()))
                .hasMessageContaining(spec.encoder().model().file());
    }

    @Test
    void shouldOpenTheEncoderGateAndSharedExpertButNoExpertForAGate() throws Exception {
        ModelBundle bundle = bundle();
        for (var e : bundle.stage(0).experts()) {
            Files.delete(bundle.resolve(e.file()));
        }

        try (GateRuntime gate = GateRuntime.open(bundle, 0, RuntimeOptions.cpu())) {
            assertThat(gate.sessionCount()).isEqualTo(3);
            float[] x = new float[5 * bundle.inputDim()];
            float[] u = gate.encode(gate.stageInput(x, null, 5), 5);
            assertThat(u).hasSize(5 * gate.width());
            assertThat(gate.route(u, 5, null, null, null)).hasSize(5);
            assertThat(gate.runShared(u, 5)).hasSize(5 * gate.outputDim());
        }
    }

    @Test
    void shouldMapDecisionsToChoiceArraysAndBack() {
        Random rnd = new Random(3);
        for (int t = 0; t < 100; t++) {
            int groups = 1 + rnd.nextInt(3);
            int k = 1 + rnd.nextInt(3);
            int[] experts = new int[groups * k];
            float[] weights = new float[groups * k];
            for (int i = 0; i < experts.length; i++) {
                experts[i] = rnd.nextInt(16);
                weights[i] = rnd.nextFloat();
            }
            RoutingDecision d = new RoutingDecision(groups, k, experts, weights, 0);

            Choices c = Choices.of(d);

            assertThat(c.experts()).containsExactly(experts);
            assertThat(c.weights()).containsExactly(weights);
            for (int i = 0; i < c.size(); i++) {
                assertThat(c.groups()[i]).isEqualTo(i / k);
            }
            // Two stages' choices accumulated in one record, as predictions carry them.
            int[] stageOf = new int[2 * c.size()];
            int[] groupOf = new int[2 * c.size()];
            int[] expertOf = new int[2 * c.size()];
            float[] weightOf = new float[2 * c.size()];
            for (int i = 0; i < c.size(); i++) {
                stageOf[c.size() + i] = 1;
                groupOf[i] = groupOf[c.size() + i] = c.groups()[i];
                expertOf[i] = 99;
                expertOf[c.size() + i] = c.experts()[i];
                weightOf[c.size() + i] = c.weights()[i];
            }
            assertThat(Choices.decision(1, stageOf, groupOf, expertOf, weightOf, 0))
                    .isEqualTo(d);
            assertThat(c.slots(new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}))
                    .containsExactly(experts);
        }
    }
}
