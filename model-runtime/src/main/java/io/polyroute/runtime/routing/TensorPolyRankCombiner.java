package io.polyroute.runtime.routing;

/** TensorPoly-I: the weighted sum over selected experts of the outer product of each one's leaves. */
final class TensorPolyRankCombiner implements Combiner {
    private final TensorIndex idx;

    TensorPolyRankCombiner(int order, int leafDim, int truncate) {
        this.idx = new TensorIndex(order, leafDim, truncate);
    }

    @Override
    public void combine(RoutingDecision d, float[][] outs, float[] dst, int off) {
        int n = idx.order;
        int m = idx.leafDim;
        double[] acc = new double[idx.truncate];
        for (int j = 0; j < d.k(); j++) {
            float[] f = outs[d.expert(0, j)];
            double w = d.weight(0, j);
            for (int i = 0; i < idx.truncate; i++) {
                double prod = w;
                int base = i * n;
                for (int o = 0; o < n; o++) {
                    prod *= f[o * m + idx.digits[base + o]];
                }
                acc[i] += prod;
            }
        }
        for (int i = 0; i < idx.truncate; i++) {
            dst[off + i] = (float) acc[i];
        }
    }

    @Override
    public int outputDim() {
        return idx.truncate;
    }

    @Override
    public int expertOutputDim() {
        return idx.order * idx.leafDim;
    }
}
