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

import io.polyroute.runtime.bundle.CombineMode;
import io.polyroute.runtime.bundle.StageInput;
import java.util.List;

/**
 * The validated, defaulted options of a synthetic bundle. Every stage has the same shape; only
 * its input width differs (stage {@code s > 0} reads the previous output, or {@code x} with it).
 *
 * @param hiddenLayers hidden layers of each expert MLP, all {@code hidden} wide
 * @param encoderDim 0 for no encoder
 * @param tasks empty unless the gates read the task one-hot
 */
record SyntheticSpec(
        String name,
        String version,
        String description,
        long seed,
        int experts,
        int topK,
        CombineMode combine,
        int order,
        int leafDim,
        int outputDim,
        int stages,
        StageInput laterInput,
        int inputDim,
        int hidden,
        int hiddenLayers,
        int encoderDim,
        Activation encoderActivation,
        boolean sharedExpert,
        boolean inheritRouting,
        List<String> tasks,
        boolean reference) {

    /** Width P of every expert's output. */
    int expertOutputDim() {
        return combine.isTensor() ? order * leafDim : outputDim;
    }

    /** Routing groups G of a stage. */
    int groups() {
        return combine == CombineMode.TENSORPOLY_ORDER ? order : 1;
    }

    /** Width of stage {@code s}'s input before its encoder. */
    int stageInputDim(int s) {
        if (s == 0) {
            return inputDim;
        }
        return laterInput == StageInput.CONCAT ? inputDim + outputDim : outputDim;
    }

    /** Width that stage {@code s}'s experts read. */
    int stageWidth(int s) {
        return encoderDim > 0 ? encoderDim : stageInputDim(s);
    }

    boolean gateOnTask() {
        return !tasks.isEmpty();
    }

    boolean ownGate(int s) {
        return s == 0 || !inheritRouting;
    }

    /** Parameters of one expert of stage {@code s}. */
    long expertParameters(int s) {
        return mlpParameters(stageWidth(s), expertOutputDim());
    }

    /** Parameters of an MLP {@code in → hidden (× hiddenLayers) → out}. */
    long mlpParameters(int in, int out) {
        return (long) in * hidden
                + hidden
                + (hiddenLayers - 1L) * ((long) hidden * hidden + hidden)
                + (long) hidden * out
                + out;
    }

    /** Parameters of stage {@code s}'s gate; 0 when it inherits its routing. */
    long gateParameters(int s) {
        return ownGate(s) ? (long) (gateOnTask() ? tasks.size() : stageWidth(s)) * groups() * experts : 0;
    }

    /** Parameters of every model of the bundle, i.e. of the dense reference. */
    long totalParameters() {
        long total = 0;
        for (int s = 0; s < stages; s++) {
            int w = stageWidth(s);
            total += experts * expertParameters(s);
            total += gateParameters(s);
            if (encoderDim > 0) {
                total += (long) stageInputDim(s) * encoderDim + encoderDim;
            }
            if (sharedExpert) {
                total += mlpParameters(w, outputDim);
            }
        }
        return total;
    }
}
