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
package io.polyroute.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.polyroute.runtime.bundle.BundleLoader;
import io.polyroute.runtime.bundle.BundleValidationException;
import io.polyroute.runtime.bundle.ModelBundle;
import io.polyroute.runtime.eval.Evaluation;
import io.polyroute.runtime.eval.MoeEvaluator;
import io.polyroute.runtime.eval.ReferenceModel;
import io.polyroute.runtime.onnx.Device;
import io.polyroute.runtime.onnx.RuntimeOptions;
import io.polyroute.runtime.routing.RoutingDecision;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code polyroute score}: run the in-process evaluator on records, optionally against the reference. */
@Command(
        name = "score",
        mixinStandardHelpOptions = true,
        description = {
            "Score records with a bundle in-process (the fused evaluator) and print one JSON line per",
            "prediction, or with --check-reference compare every prediction with reference.onnx and",
            "end with 'checked=<n> max_rel_error=<x>' (exit 0 only when max_rel_error <= 1e-5)."
        })
final class ScoreCommand implements Callable<Integer> {
    @Option(names = "--bundle", required = true, paramLabel = "DIR", description = "Bundle folder.")
    Path bundleDir;

    @Option(
            names = "--input",
            required = true,
            paramLabel = "FILE.jsonl|random:N",
            description = "JSON lines with event_id, features (and task), or random:N standard-normal records.")
    String input;

    @Option(names = "--check-reference", description = "Compare with the bundle's reference.onnx instead of printing.")
    boolean checkReference;

    @Option(
            names = "--batch",
            defaultValue = "256",
            description = "Records per evaluator batch (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of random:N input (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--device", defaultValue = "auto", description = "auto, cuda or cpu (default: ${DEFAULT-VALUE}).")
    String device;

    @Override
    public Integer call() throws Exception {
        if (batch < 1) {
            throw new IllegalArgumentException("--batch must be >= 1, but is " + batch);
        }
        ModelBundle bundle;
        try {
            bundle = BundleLoader.load(bundleDir);
        } catch (BundleValidationException e) {
            System.err.println("INVALID " + e.getMessage());
            return 2;
        }
        ScoreInput in = ScoreInput.read(input, bundle, seed);
        RuntimeOptions options =
                RuntimeOptions.builder().device(Device.parse(device)).build();
        try (MoeEvaluator eval = MoeEvaluator.open(bundle, options);
                ReferenceModel ref = checkReference ? ReferenceModel.open(bundle, options) : null) {
            return checkReference ? check(bundle, eval, ref, in) : print(bundle, eval, in, System.out);
        }
    }

    private int check(ModelBundle bundle, MoeEvaluator eval, ReferenceModel ref, ScoreInput in) {
        int d = bundle.inputDim();
        int od = bundle.outputDim();
        double maxErr = 0;
        String worst = null;
        for (int start = 0; start < in.size(); start += batch) {
            int n = Math.min(batch, in.size() - start);
            float[] x = rows(in, start, n, d);
            int[] tasks = tasks(in, start, n);
            float[] got = eval.evaluate(x, n, tasks).output();
            float[] want = ref.predict(x, n, tasks);
            for (int r = 0; r < n; r++) {
                double err = ReferenceModel.relativeError(got, r * od, want, r * od, od);
                if (!(err <= maxErr)) {
                    maxErr = err;
                    worst = in.ids.get(start + r);
                }
            }
        }
        boolean ok = maxErr <= ReferenceModel.TOLERANCE;
        if (!ok) {
            System.err.println("largest error on record " + worst + "; tolerance is " + ReferenceModel.TOLERANCE);
        }
        System.out.printf(Locale.ROOT, "checked=%d max_rel_error=%.3e%n", in.size(), maxErr);
        return ok ? 0 : 1;
    }

    private int print(ModelBundle bundle, MoeEvaluator eval, ScoreInput in, PrintStream out) throws Exception {
        ObjectMapper json = new ObjectMapper();
        int d = bundle.inputDim();
        for (int start = 0; start < in.size(); start += batch) {
            int n = Math.min(batch, in.size() - start);
            Evaluation ev = eval.evaluate(rows(in, start, n, d), n, tasks(in, start, n));
            for (int r = 0; r < n; r++) {
                ObjectNode o = json.createObjectNode();
                o.put("event_id", in.ids.get(start + r));
                ArrayNode y = o.putArray("output");
                for (float v : ev.row(r)) {
                    y.add(v);
                }
                ArrayNode experts = o.putArray("experts");
                for (int s = 0; s < ev.routing().length; s++) {
                    RoutingDecision dec = ev.routing()[s][r];
                    for (int g = 0; g < dec.groups(); g++) {
                        for (int j = 0; j < dec.k(); j++) {
                            experts.addObject()
                                    .put("stage", s)
                                    .put("group", g)
                                    .put("expert", dec.expert(g, j))
                                    .put("weight", dec.weight(g, j));
                        }
                    }
                }
                out.println(json.writeValueAsString(o));
            }
        }
        return 0;
    }

    private static float[] rows(ScoreInput in, int start, int n, int d) {
        float[] x = new float[n * d];
        for (int r = 0; r < n; r++) {
            System.arraycopy(in.features.get(start + r), 0, x, r * d, d);
        }
        return x;
    }

    private static int[] tasks(ScoreInput in, int start, int n) {
        int[] t = new int[n];
        for (int r = 0; r < n; r++) {
            t[r] = in.tasks.get(start + r);
        }
        return t;
    }
}
