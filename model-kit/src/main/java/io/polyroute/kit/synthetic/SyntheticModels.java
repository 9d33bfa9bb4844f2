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
package io.polyroute.kit.synthetic;

import io.polyroute.kit.onnx.ModelFragment;
import io.polyroute.kit.onnx.StageModels;
import io.polyroute.kit.synthetic.WeightSampler.Role;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Random models of one synthetic stage. Scales keep activations near unit variance for inputs of
 * unit variance, so that stages can be chained and tensor products of leaves stay of order one:
 * ReLU layers use He scaling {@code sqrt(2 / fan_in)}, linear and tanh layers {@code 1 / sqrt(fan_in)}.
 */
final class SyntheticModels {
    /**
     * Standard deviation of a gate logit for inputs of unit variance. Well-spread logits keep the
     * k-th and (k+1)-th largest apart, so that float rounding differences between two evaluations
     * of the same record (engine and reference) practically never change the selection.
     */
    static final double GATE_LOGIT_STD = 3.0;
    /** Standard deviation of the biases of expert and encoder layers. */
    static final double BIAS_STD = 0.1;

    private final SyntheticSpec spec;

    SyntheticModels(SyntheticSpec spec) {
        this.spec = spec;
    }

    StageModels stage(int s) {
        ModelFragment encoder = spec.encoderDim() > 0 ? encoder(s) : null;
        ModelFragment gate = spec.ownGate(s) ? gate(s) : null;
        List<ModelFragment> experts = new ArrayList<>(spec.experts());
        for (int e = 0; e < spec.experts(); e++) {
            experts.add(mlp(
                    WeightSampler.forModel(spec.seed(), s, Role.EXPERT, e),
                    spec.stageWidth(s),
                    spec.expertOutputDim()));
        }
        ModelFragment shared = spec.sharedExpert()
                ? mlp(WeightSampler.forModel(spec.seed(), s, Role.SHARED, 0), spec.stageWidth(s), spec.outputDim())
                : null;
        return new StageModels(encoder, gate, experts, shared);
    }

    /** A linear gate without bias: logit standard deviation {@link #GATE_LOGIT_STD}. */
    private ModelFragment gate(int s) {
        Random rnd = WeightSampler.forModel(spec.seed(), s, Role.GATE, 0);
        // A task one-hot has exactly one non-zero input, so each logit is a single weight.
        int in = spec.gateOnTask() ? spec.tasks().size() : spec.stageWidth(s);
        double std = spec.gateOnTask() ? GATE_LOGIT_STD : GATE_LOGIT_STD / Math.sqrt(in);
        int out = spec.groups() * spec.experts();
        return MlpFragment.of(new DenseLayer(WeightSampler.gaussian(rnd, in * out, std), null, in, out, null));
    }

    private ModelFragment encoder(int s) {
        Random rnd = WeightSampler.forModel(spec.seed(), s, Role.ENCODER, 0);
        int in = spec.stageInputDim(s);
        int out = spec.encoderDim();
        double gain = spec.encoderActivation() == Activation.RELU ? 2.0 : 1.0;
        return MlpFragment.of(new DenseLayer(
                WeightSampler.gaussian(rnd, in * out, Math.sqrt(gain / in)),
                WeightSampler.gaussian(rnd, out, BIAS_STD),
                in,
                out,
                spec.encoderActivation()));
    }

    /** A ReLU MLP {@code in → hidden (× hiddenLayers) → out}. */
    private ModelFragment mlp(Random rnd, int in, int out) {
        int h = spec.hidden();
        List<DenseLayer> layers = new ArrayList<>();
        int width = in;
        for (int l = 0; l < spec.hiddenLayers(); l++) {
            layers.add(new DenseLayer(
                    WeightSampler.gaussian(rnd, width * h, Math.sqrt(2.0 / width)),
                    WeightSampler.gaussian(rnd, h, BIAS_STD),
                    width,
                    h,
                    Activation.RELU));
            width = h;
        }
        layers.add(new DenseLayer(
                WeightSampler.gaussian(rnd, h * out, Math.sqrt(1.0 / h)),
                WeightSampler.gaussian(rnd, out, BIAS_STD),
                h,
                out,
                null));
        return new MlpFragment(layers);
    }
}
