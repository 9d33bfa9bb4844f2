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
