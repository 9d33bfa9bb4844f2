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
package io.polyroute.runtime.eval;

import io.polyroute.runtime.bundle.ModelBundle;
import io.polyroute.runtime.bundle.ModelRef;
import io.polyroute.runtime.onnx.ModelSession;
import io.polyroute.runtime.onnx.RuntimeOptions;

/**
 * A bundle's {@code reference.onnx}: the whole mixture as one dense graph. Every execution mode
 * must agree with it to {@link #TOLERANCE} relative error (docs/design.md §5).
 */
public final class ReferenceModel implements AutoCloseable {
    /** The largest relative error a prediction may have against the reference. */
    public static final double TOLERANCE = 1e-5;
    /** Floor of the denominator of the relative error, so all-zero outputs compare absolutely. */
    public static final double FLOOR = 1e-6;

    private final ModelBundle bundle;
    private final ModelRef ref;
    private final ModelSession session;

    private ReferenceModel(ModelBundle bundle, ModelSession session) {
        this.bundle = bundle;
        this.ref = bundle.manifest().reference();
        this.session = session;
    }

    public static ReferenceModel open(ModelBundle bundle, RuntimeOptions options) {
        if (!bundle.hasReference()) {
            throw new IllegalArgumentException("Bundle " + bundle + " has no reference model; "
                    + "add 'reference: {file: reference.onnx}' to its bundle.yaml to check predictions.");
        }
        ModelRef r = bundle.manifest().reference();
        return new ReferenceModel(
                bundle,
                ModelSession.open(bundle.resolve(r.file()), bundle.name() + "/reference (" + r.file() + ")", options));
    }

    /** The reference predictions of {@code n} records, row-major {@code n × outputDim}. */
    public float[] predict(float[] features, int n, int[] taskIndex) {
        String out = ref.outputName(ModelRef.DEFAULT_OUTPUT);
        if (!bundle.routesOnTask()) {
            return session.run(ref.inputName(), features, n, out);
        }
        int t = bundle.tasks().size();
        float[] onehot = new float[n * t];
        for (int r = 0; r < n; r++) {
            onehot[r * t + taskIndex[r]] = 1f;
        }
        return session.run(new String[] {ref.inputName(), "task"}, new float[][] {features, onehot}, n, out);
    }

    /**
     * Relative error of one prediction: {@code max_i |a_i − b_i| / max(max_i |b_i|, FLOOR)}, where
     * {@code b} is the reference.
     */
    public static double relativeError(float[] actual, int aOff, float[] reference, int bOff, int width) {
        double diff = 0;
        double scale = 0;
        for (int i = 0; i < width; i++) {
            double a = actual[aOff + i];
            double b = reference[bOff + i];
            if (Double.isNaN(a) != Double.isNaN(b)) {
                return Double.POSITIVE_INFINITY;
            }
            diff = Math.max(diff, Math.abs(a - b));
            scale = Math.max(scale, Math.abs(b));
        }
        return diff / Math.max(scale, FLOOR);
    }

    @Override
    public void close() {
        session.close();
    }
}
