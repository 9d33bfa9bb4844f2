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
package io.polyroute.bench;

import java.util.Arrays;
import java.util.Locale;

/**
 * A paired measurement of {@link RoutingOverheadBenchmark}'s four cases, for machines shared with
 * other work, where JMH's separate runs of each case see different load.
 *
 * <p>Each round times one batch of every case back to back (in a rotating order), so the cases
 * of a round run under the same load; a round that lost its core shows up as an outlier and the
 * medians ignore it. Prints, per case, the median, 10th percentile and minimum time per batch and
 * per record, and the median over rounds of {@code (evaluate − expertsOnly) / expertsOnly}.
 *
 * <pre>
 * java -cp bench/target/polyroute-jmh.jar io.polyroute.bench.OverheadProbe [rounds] [warmup-seconds]
 * </pre>
 */
public final class OverheadProbe {
    private static final String[] CASES = {"evaluate", "expertsOnly", "gateOnly", "routeAndCombine"};

    private OverheadProbe() {}

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int warmupSeconds = args.length > 1 ? Integer.parseInt(args[1]) : 15;
        RoutingOverheadBenchmark b = new RoutingOverheadBenchmark();
        b.setUp();
        try {
            long sink = 0;
            long until = System.nanoTime() + warmupSeconds * 1_000_000_000L;
            for (int r = 0; System.nanoTime() < until; r++) {
                for (int c = 0; c < CASES.length; c++) {
                    sink += run(b, c);
                }
            }
            long[][] t = new long[CASES.length][rounds];
            for (int r = 0; r < rounds; r++) {
                for (int i = 0; i < CASES.length; i++) {
                    int c = (i + r) % CASES.length;
                    long t0 = System.nanoTime();
                    sink += run(b, c);
                    t[c][r] = System.nanoTime() - t0;
                }
            }
            double[] ratio = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                ratio[r] = (double) (t[0][r] - t[1][r]) / t[1][r];
            }
            int n = RoutingOverheadBenchmark.BATCH;
            System.out.printf(Locale.ROOT, "%d rounds of one batch (%d records) per case%n", rounds, n);
            System.out.printf(
                    Locale.ROOT,
                    "%-16s %12s %12s %12s %14s %14s%n",
                    "case",
                    "median ms",
                    "p10 ms",
                    "min ms",
                    "median us/rec",
                    "p10 us/rec");
            for (int c = 0; c < CASES.length; c++) {
                long[] s = t[c].clone();
                Arrays.sort(s);
                double med = s[rounds / 2];
                double p10 = s[rounds / 10];
                System.out.printf(
                        Locale.ROOT,
                        "%-16s %12.4f %12.4f %12.4f %14.4f %14.4f%n",
                        CASES[c],
                        med / 1e6,
                        p10 / 1e6,
                        s[0] / 1e6,
                        med / 1e3 / n,
                        p10 / 1e3 / n);
            }
            Arrays.sort(ratio);
            System.out.printf(
                    Locale.ROOT,
                    "overhead (evaluate - expertsOnly) / expertsOnly: median over rounds %.1f%%, "
                            + "quartiles %.1f%% .. %.1f%%%n",
                    100 * ratio[rounds / 2],
                    100 * ratio[rounds / 4],
                    100 * ratio[3 * rounds / 4]);
            System.out.println("(sink " + (sink & 0xff) + ")");
        } finally {
            b.tearDown();
        }
    }

    private static long run(RoutingOverheadBenchmark b, int c) {
        switch (c) {
            case 0:
                return Float.floatToRawIntBits(b.evaluate().output()[0]);
            case 1:
                return Float.floatToRawIntBits(b.expertsOnly()[firstUsed(b)][0]);
            case 2:
                return Float.floatToRawIntBits(b.gateOnly()[0]);
            default:
                return Float.floatToRawIntBits(b.routeAndCombine()[0]);
        }
    }

    private static int firstUsed(RoutingOverheadBenchmark b) {
        float[][] outs = b.expertsOnlyOutputs();
        for (int x = 0; x < outs.length; x++) {
            if (outs[x] != null) {
                return x;
            }
        }
        return 0;
    }
}
