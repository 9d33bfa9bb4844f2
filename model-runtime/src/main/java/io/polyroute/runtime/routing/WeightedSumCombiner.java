package io.polyroute.runtime.routing;

/** {@code y = Σ_{e in S_0} w[0,e] · f_e(x)}, accumulated in double. */
final class WeightedSumCombiner implements Combiner {
    private final int p;

    WeightedSumCombiner(int p) {
        if (p < 1) {
            throw new IllegalArgumentException("Expert output width must be >= 1, but is " + p + ".");
        }
        this.p = p;
    }

    @Override
    public void combine(RoutingDecision d, float[][] outs, float[] dst, int off) {
        double[] acc = new double[p];
        for (int j = 0; j < d.k(); j++) {
            float[] f = outs[d.expert(0, j)];
            double w = d.weight(0, j);
            for (int i = 0; i < p; i++) {
                acc[i] += w * f[i];
            }
        }
        for (int i = 0; i < p; i++) {
            dst[off + i] = (float) acc[i];
        }
    }

    @Override
    public int outputDim() {
        return p;
    }

    @Override
    public int expertOutputDim() {
        return p;
    }
}
