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
import io.polyroute.kit.onnx.OnnxGraph;
import java.util.List;

/** A model made of dense layers applied in order: a gate, an encoder or an expert MLP. */
record MlpFragment(List<DenseLayer> layers) implements ModelFragment {

    MlpFragment {
        layers = List.copyOf(layers);
    }

    static MlpFragment of(DenseLayer... layers) {
        return new MlpFragment(List.of(layers));
    }

    @Override
    public String apply(OnnxGraph g, String x) {
        String v = x;
        for (DenseLayer layer : layers) {
            v = layer.apply(g, v);
        }
        return v;
    }
}
