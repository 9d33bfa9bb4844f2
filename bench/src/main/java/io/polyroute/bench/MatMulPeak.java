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

import io.polyroute.kit.onnx.OnnxGraph;
import io.polyroute.runtime.onnx.ModelSession;
import io.polyroute.runtime.onnx.RuntimeOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The fp32 MatMul peak of ONNX Runtime on this machine, measured in the same run as the systems:
 * one large {@code [M, K] × [K, N]} MatMul per run, on every core at once (one calling thread per
 * core, each running the same session; the process-wide intra-op pool stays at the job's size).
 */
final class MatMulPeak {
    static final int M = 512;
    static final int K = 1024;
    static final int N = 1024;

    private MatMulPeak() {}

    /** GFLOP/s over about {@code seconds} of runs on {@code threads} threads. */
    static double measure(int threads, double seconds) throws InterruptedException {
        OnnxGraph g = new OnnxGraph("matmul-peak");
        String x = g.input("x", K);
        SplittableRandom rnd = new SplittableRandom(1);
        float[] w = new float[K * N];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (rnd.nextDouble() - 0.5);
        }
        g.output(g.op("MatMul", x, g.constant("W", w, K, N)), "y", N);
        float[] in = new float[M * K];
        for (int i = 0; i < in.length; i++) {
            in[i] = (float) (rnd.nextDouble() - 0.5);
        }
        try (ModelSession s = ModelSession.open(g.toBytes(), "matmul-peak", RuntimeOptions.cpu())) {
            for (int i = 0; i < 3; i++) {
                s.run("x", in, M, "y");
            }
            AtomicLong runs = new AtomicLong();
            long t0 = System.nanoTime();
            long until = t0 + (long) (seconds * 1e9);
            List<Thread> ts = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                Thread th = new Thread(
                        () -> {
                            while (System.nanoTime() < until) {
                                s.run("x", in, M, "y");
                                runs.incrementAndGet();
                            }
                        },
                        "bench-matmul-" + t);
                ts.add(th);
                th.start();
            }
            for (Thread th : ts) {
                th.join();
            }
            double elapsed = (System.nanoTime() - t0) / 1e9;
            return runs.get() * 2.0 * M * K * N / elapsed / 1e9;
        }
    }
}
