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
package io.polyroute.job.rollout;

import io.polyroute.avro.ShadowPair;
import io.polyroute.job.model.InFlight;
import io.polyroute.job.operators.StageOpener;
import io.polyroute.runtime.bundle.ModelBundle;
import io.polyroute.runtime.eval.Evaluation;
import io.polyroute.runtime.eval.MoeEvaluator;
import io.polyroute.schemas.AvroCodec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A fused subtask's part in rollouts (docs/rollouts.md): the per-record choice of version and the
 * shadow pairs, over a {@link RolloutVersions} of fused evaluators (the state, the loads on a
 * background thread, residency and status records). Every method runs on the task thread.
 */
public final class RolloutController implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RolloutController.class);

    /** Opens every model of a version, ready to serve; runs off the task thread. */
    @FunctionalInterface
    public interface Loader extends RolloutVersions.Loader<MoeEvaluator> {}

    /** Evaluates a part of a batch with one version; {@code base} says whether it is the job's bundle. */
    @FunctionalInterface
    public interface Serve {
        List<InFlight> evaluate(List<InFlight> part, MoeEvaluator evaluator, boolean base);
    }

    /** A fault injected into a load: throws to make the load of {@code version} fail on {@code subtask}. */
    @FunctionalInterface
    interface LoadFault {
        void check(int subtask, VersionRef version) throws Exception;
    }

    /**
     * Test seam: when set, every load made by {@link #loader} calls it first, so an integration test
     * can make a version fail to load on one subtask only (all subtasks of a MiniCluster read the same
     * files, in the test's JVM). Null, and never set, in production.
     */
    static volatile LoadFault loadFault;

    private final String label;
    private final VersionRef base;
    private final RolloutVersions<MoeEvaluator> versions;
    private transient AvroCodec<ShadowPair> shadowCodec;

    /**
     * @param state the state restored from a checkpoint, or the base one
     * @param baseEvaluator the job's own bundle, opened; this controller owns it from now on
     */
    public RolloutController(
            int subtask,
            int parallelism,
            VersionRef base,
            RolloutSettings settings,
            RolloutState state,
            MoeEvaluator baseEvaluator,
            Loader loader,
            Consumer<KeyedBytes> statusOut) {
        this.label = "FUSED subtask " + subtask;
        this.base = base;
        this.versions = new RolloutVersions<>(
                label, subtask, parallelism, settings, state, base, baseEvaluator, loader, null, statusOut);
    }

    /**
     * Loads, before the first record, every version the restored state serves (on this thread: a
     * version that served before the restore must serve again), and restarts an interrupted load.
     *
     * @throws IllegalStateException naming the version when one of them cannot be loaded
     */
    public void open() {
        versions.open();
    }

    /** The state now. */
    public RolloutState state() {
        return versions.state();
    }

    /** Versions with loaded models now. */
    public int residentVersions() {
        return versions.residentVersions();
    }

    /** Applies one record of the rollouts topic ({@link RolloutMessages}): a command or a vote. */
    public void onCommand(byte[] bytes) {
        versions.onCommand(bytes);
    }

    /** The barrier step: takes over finished loads and applies what the state decides. */
    public void atBarrier() {
        versions.atBarrier();
    }

    /**
     * Serves {@code batch}: every record by the version the state chooses for it, the parts of one
     * version in one call of {@code serve}; records of another version than the base are stamped
     * with it. When a shadow is live, it computes the served records again and hands each pair to
     * {@code shadowOut}.
     */
    public List<InFlight> serve(List<InFlight> batch, Serve serve, Consumer<KeyedBytes> shadowOut) {
        RolloutState state = versions.state();
        if (!state.involvesOtherThan(base)) {
            return serve.evaluate(batch, versions.models(base), true);
        }
        Map<VersionRef, List<InFlight>> parts = new LinkedHashMap<>();
        for (InFlight rec : batch) {
            parts.computeIfAbsent(state.choose(rec.eventId), v -> new ArrayList<>())
                    .add(rec);
        }
        List<InFlight> done = new ArrayList<>(batch.size());
        for (Map.Entry<VersionRef, List<InFlight>> part : parts.entrySet()) {
            VersionRef v = part.getKey();
            boolean isBase = v.sameVersion(base);
            List<InFlight> out = serve.evaluate(part.getValue(), versions.models(v), isBase);
            if (!isBase) {
                for (InFlight rec : out) {
                    rec.modelName = v.name();
                    rec.modelVersion = v.version();
                }
            }
            done.addAll(out);
        }
        VersionRef shadow = state.shadow();
        if (shadow != null && !done.isEmpty()) {
            shadow(done, state.serving(), shadow, shadowOut);
        }
        return done;
    }

    private void shadow(List<InFlight> served, VersionRef servedBy, VersionRef shadow, Consumer<KeyedBytes> out) {
        if (shadowCodec == null) {
            shadowCodec = AvroCodec.of(ShadowPair.class, versions.codec().encoding());
        }
        int n = served.size();
        int d = served.get(0).features.length;
        float[] x = new float[n * d];
        int[] tasks = new int[n];
        for (int r = 0; r < n; r++) {
            System.arraycopy(served.get(r).features, 0, x, r * d, d);
            tasks[r] = served.get(r).taskIndex;
        }
        Evaluation ev;
        try {
            ev = versions.models(shadow).evaluate(x, n, tasks);
        } catch (RuntimeException e) {
            // The shadow never changes what is served: a failure of it costs only its pairs.
            LOG.warn("{}: the shadow version {} failed on a batch of {}; no pairs for it", label, shadow.id(), n, e);
            return;
        }
        long now = System.currentTimeMillis();
        for (int r = 0; r < n; r++) {
            InFlight rec = served.get(r);
            if (allFinite(rec.previous)) {
                ShadowPair p = ShadowPairs.of(rec, servedBy, ev, r, shadow, now);
                out.accept(new KeyedBytes(rec.eventId.getBytes(StandardCharsets.UTF_8), shadowCodec.encode(p)));
            }
        }
    }

    private static boolean allFinite(float[] v) {
        for (float x : v) {
            if (!Float.isFinite(x)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() {
        versions.close();
    }

    /**
     * The loader of a serving subtask: each version through {@code opener}'s runtime options
     * (from its folder or URI, re-validated with checksums), refused unless it is the version the
     * command named, with the same files, and reads the same input as {@code base}.
     */
    public static Loader loader(StageOpener opener, ModelBundle base, int subtask, int deviceCount) {
        return v -> {
            LoadFault fault = loadFault;
            if (fault != null) {
                fault.check(subtask, v);
            }
            StageOpener o = new StageOpener(v.path(), opener.options());
            ModelBundle b = o.bundle();
            VersionChecks.check(b, v, base);
            MoeEvaluator e = o.evaluator(b, subtask, deviceCount);
            try {
                e.preloadExperts();
            } catch (RuntimeException ex) {
                e.close();
                throw ex;
            }
            return e;
        };
    }
}
