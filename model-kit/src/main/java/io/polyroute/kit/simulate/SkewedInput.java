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
package io.polyroute.kit.simulate;

import io.polyroute.avro.SensorReading;
import io.polyroute.runtime.bundle.ModelBundle;
import io.polyroute.runtime.eval.GateRuntime;
import io.polyroute.runtime.onnx.RuntimeOptions;
import io.polyroute.runtime.routing.RoutingDecision;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Sensor readings whose routing follows a chosen expert popularity. Random feature vectors are run
 * through the bundle's own first-stage gate and filed by the set of experts it selects; a reading is
 * then drawn by picking an expert set with probability proportional to the product of its experts'
 * popularities and taking one of that set's vectors. So the skew is real routing, not a label: the
 * job's gate sends each reading exactly where the popularity says.
 *
 * <pre>{@code
 * SkewedInput input = SkewedInput.search(bundle, 20_000, 7);
 * double[] hot = SkewedInput.zipf(16, 1.2, SkewedInput.rotation(16, 4, 0));   // slot 0's experts first
 * List<SensorReading> phase1 = input.sample("p1", 5_000, hot, new Random(1));
 * }</pre>
 */
public final class SkewedInput {
    /** Standard deviation of the random features (the scale the synthetic bundles are built for). */
    private static final double FEATURE_SCALE = 1.5;

    private final int experts;
    private final int dim;
    /** Feature vectors by the sorted expert set the gate selects for them. */
    private final Map<List<Integer>, List<float[]>> pools;

    private SkewedInput(int experts, int dim, Map<List<Integer>, List<float[]>> pools) {
        this.experts = experts;
        this.dim = dim;
        this.pools = pools;
    }

    /**
     * Routes {@code candidates} random vectors through the first stage of {@code bundle} (encoder
     * and gate, CPU) and files them by selected expert set.
     *
     * @throws IllegalArgumentException if the bundle routes on the task or by several groups
     */
    public static SkewedInput search(ModelBundle bundle, int candidates, long seed) {
        if (bundle.routesOnTask() || bundle.stage(0).groups() != 1) {
            throw new IllegalArgumentException("Skewed input needs a bundle whose first stage routes its features with "
                    + "one routing group; " + bundle.name() + " routes on the task or by several groups.");
        }
        int d = bundle.inputDim();
        Random rnd = new Random(seed);
        Map<List<Integer>, List<float[]>> pools = new LinkedHashMap<>();
        int batch = 1024;
        try (GateRuntime stage = GateRuntime.open(bundle, 0, RuntimeOptions.cpu())) {
            for (int done = 0; done < candidates; done += batch) {
                int n = Math.min(batch, candidates - done);
                float[] x = new float[n * d];
                for (int i = 0; i < x.length; i++) {
                    x[i] = (float) (rnd.nextGaussian() * FEATURE_SCALE);
                }
                RoutingDecision[] decisions =
                        stage.route(stage.encode(stage.stageInput(x, null, n), n), n, new int[n], null, null);
                for (int r = 0; r < n; r++) {
                    pools.computeIfAbsent(key(decisions[r]), k -> new ArrayList<>())
                            .add(Arrays.copyOfRange(x, r * d, (r + 1) * d));
                }
            }
            return new SkewedInput(stage.expertCount(), d, pools);
        }
    }

    private static List<Integer> key(RoutingDecision d) {
        Integer[] set = new Integer[d.visitedCount()];
        for (int i = 0; i < set.length; i++) {
            set[i] = d.visitedExpert(i);
        }
        Arrays.sort(set);
        return List.of(set);
    }

    /**
     * Zipf popularity over experts: the expert of rank {@code r} (1-based, {@code ranking[r-1]}) gets
     * weight {@code 1 / r^exponent}; normalised to sum 1.
     */
    public static double[] zipf(int experts, double exponent, int[] ranking) {
        if (ranking.length != experts) {
            throw new IllegalArgumentException(
                    "A ranking must name all " + experts + " experts, got " + ranking.length + ".");
        }
        double[] p = new double[experts];
        double sum = 0;
        for (int r = 0; r < experts; r++) {
            p[ranking[r]] = 1.0 / Math.pow(r + 1, exponent);
            sum += p[ranking[r]];
        }
        for (int e = 0; e < experts; e++) {
            p[e] /= sum;
        }
        return p;
    }

    /**
     * A ranking that puts the experts of one slot of the static round-robin placement first: with
     * {@code slots} slots, the experts {@code e ≡ first (mod slots)} come first (ascending), then
     * those {@code ≡ first + 1}, and so on. It is the case rebalancing exists for: the hot set sits
     * on one slot of the static placement.
     */
    public static int[] rotation(int experts, int slots, int first) {
        int[] ranking = new int[experts];
        int i = 0;
        for (int k = 0; k < slots; k++) {
            int residue = Math.floorMod(first + k, slots);
            for (int e = residue; e < experts; e += slots) {
                ranking[i++] = e;
            }
        }
        return ranking;
    }

    /**
     * Set weights whose draws give each expert the share {@code popularity[e]} of all expert visits
     * (as far as the expert sets the search found allow). Drawing sets by the plain product of the
     * popularities flattens the skew: with top-2 routing the hottest expert of a Zipf(1.2) over 16
     * experts would get 28 % of the visits instead of its 36.5 %. The per-expert factors are fitted
     * by multiplicative updates on the expected shares; {@link #expectedShares} tells how close the
     * fit came.
     *
     * @throws IllegalArgumentException if {@code popularity} does not name every expert or a share is
     *     above 1 / k (an expert can be visited at most once per record)
     */
    public double[] fit(double[] popularity) {
        checkLength(popularity);
        int k = pools.keySet().iterator().next().size();
        double[] q = popularity.clone();
        for (int e = 0; e < experts; e++) {
            if (popularity[e] > 1.0 / k + 1e-12) {
                throw new IllegalArgumentException("Expert " + e + " cannot take " + popularity[e] + " of the visits: "
                        + "with top-" + k + " routing an expert is visited at most once per record, so 1/" + k + ".");
            }
        }
        for (int iteration = 0; iteration < 2_000; iteration++) {
            double[] shares = expectedShares(q);
            double worst = 0;
            for (int e = 0; e < experts; e++) {
                if (popularity[e] > 0 && shares[e] > 0) {
                    q[e] *= Math.sqrt(popularity[e] / shares[e]);
                    worst = Math.max(worst, Math.abs(shares[e] - popularity[e]));
                }
            }
            double max = Arrays.stream(q).max().orElse(1);
            for (int e = 0; e < experts; e++) {
                q[e] /= max;
            }
            if (worst < 1e-5) {
                break;
            }
        }
        return q;
    }

    /** Share of all expert visits each expert gets when sets are drawn with {@code weights} (see {@link #sample}). */
    public double[] expectedShares(double[] weights) {
        checkLength(weights);
        double[] visits = new double[experts];
        double total = 0;
        for (List<Integer> set : pools.keySet()) {
            double w = 1;
            for (int e : set) {
                w *= weights[e];
            }
            for (int e : set) {
                visits[e] += w;
            }
            total += w * set.size();
        }
        for (int e = 0; e < experts; e++) {
            visits[e] = total > 0 ? visits[e] / total : 0;
        }
        return visits;
    }

    private void checkLength(double[] perExpert) {
        if (perExpert.length != experts) {
            throw new IllegalArgumentException(
                    "The popularity needs one weight per expert (" + experts + "), got " + perExpert.length + ".");
        }
    }

    /** Number of experts of the first stage. */
    public int experts() {
        return experts;
    }

    /** Number of distinct expert sets the search found. */
    public int expertSets() {
        return pools.size();
    }

    /**
     * {@code n} readings with ids {@code prefix-0 ..}, each drawn from an expert set chosen with
     * probability proportional to the product of its experts' {@code popularity}.
     */
    public List<SensorReading> sample(String prefix, int n, double[] popularity, Random rnd) {
        return sample(prefix, 0, n, popularity, rnd);
    }

    /** Like {@link #sample(String, int, double[], Random)} with ids {@code prefix-first ..}. */
    public List<SensorReading> sample(String prefix, long first, int n, double[] popularity, Random rnd) {
        checkLength(popularity);
        List<List<float[]>> sets = new ArrayList<>(pools.values());
        double[] cumulative = new double[sets.size()];
        double total = 0;
        int i = 0;
        for (List<Integer> set : pools.keySet()) {
            double w = 1;
            for (int e : set) {
                w *= popularity[e];
            }
            total += w;
            cumulative[i++] = total;
        }
        if (!(total > 0)) {
            throw new IllegalArgumentException("No expert set found by the search has a positive popularity.");
        }
        long now = System.currentTimeMillis();
        List<SensorReading> out = new ArrayList<>(n);
        for (int r = 0; r < n; r++) {
            int at = Arrays.binarySearch(cumulative, rnd.nextDouble() * total);
            List<float[]> pool = sets.get(Math.min(at < 0 ? -at - 1 : at, sets.size() - 1));
            float[] x = pool.get(rnd.nextInt(pool.size()));
            List<Float> f = new ArrayList<>(dim);
            for (float v : x) {
                f.add(v);
            }
            out.add(SensorReading.newBuilder()
                    .setEventId(prefix + "-" + (first + r))
                    .setSourceId("machine-" + (r % 7))
                    .setEventTime(Instant.ofEpochMilli(now))
                    .setFeatures(f)
                    .build());
        }
        return out;
    }

    /** Records each expert receives (visits) in {@code readings}, by the same gate the search used. */
    public static long[] visits(ModelBundle bundle, List<SensorReading> readings) {
        int d = bundle.inputDim();
        int n = readings.size();
        float[] x = new float[n * d];
        for (int r = 0; r < n; r++) {
            List<Float> f = readings.get(r).getFeatures();
            for (int j = 0; j < d; j++) {
                x[r * d + j] = f.get(j);
            }
        }
        try (GateRuntime stage = GateRuntime.open(bundle, 0, RuntimeOptions.cpu())) {
            long[] visits = new long[stage.expertCount()];
            for (RoutingDecision dec :
                    stage.route(stage.encode(stage.stageInput(x, null, n), n), n, new int[n], null, null)) {
                for (int i = 0; i < dec.visitedCount(); i++) {
                    visits[dec.visitedExpert(i)]++;
                }
            }
            return visits;
        }
    }
}
