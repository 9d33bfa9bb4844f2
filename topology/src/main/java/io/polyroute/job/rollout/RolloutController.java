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

import io.polyroute.avro.RolloutCommand;
import io.polyroute.avro.RolloutPhase;
import io.polyroute.avro.ShadowPair;
import io.polyroute.job.model.InFlight;
import io.polyroute.job.operators.StageOpener;
import io.polyroute.runtime.bundle.ModelBundle;
import io.polyroute.runtime.eval.Evaluation;
import io.polyroute.runtime.eval.MoeEvaluator;
import io.polyroute.schemas.AvroCodec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A serving subtask's part in rollouts (docs/rollouts.md): its {@link RolloutState}, one loaded
 * evaluator per resident version, loads on a background thread, the per-record choice of version,
 * shadow pairs and status records. Every method runs on the task thread; only {@link Loader#load}
 * runs on the loader thread, and its result is taken over at a barrier.
 */
public final class RolloutController implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RolloutController.class);

    /** Opens every model of a version, ready to serve; runs off the task thread. */
    @FunctionalInterface
    public interface Loader {
        MoeEvaluator load(VersionRef version) throws Exception;
    }

    /** Evaluates a part of a batch with one version; {@code base} says whether it is the job's bundle. */
    @FunctionalInterface
    public interface Serve {
        List<InFlight> evaluate(List<InFlight> part, MoeEvaluator evaluator, boolean base);
    }

    private record Pending(VersionRef version, Future<MoeEvaluator> future) {}

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
    private final int subtask;
    private final VersionRef base;
    private final RolloutSettings settings;
    private final RolloutCodec codec;
    private final Loader loader;
    private final Consumer<KeyedBytes> statusOut;
    private final Map<String, MoeEvaluator> loaded = new HashMap<>();
    private final List<Pending> pending = new ArrayList<>();
    private final ExecutorService loaderThread;
    private RolloutState state;
    private transient AvroCodec<ShadowPair> shadowCodec;

    /**
     * @param state the state restored from a checkpoint, or the base one
     * @param baseEvaluator the job's own bundle, opened; this controller owns it from now on
     */
    public RolloutController(
            int subtask,
            VersionRef base,
            RolloutSettings settings,
            RolloutState state,
            MoeEvaluator baseEvaluator,
            Loader loader,
            Consumer<KeyedBytes> statusOut) {
        this.label = "FUSED subtask " + subtask;
        this.subtask = subtask;
        this.base = base;
        this.settings = settings;
        this.codec = new RolloutCodec(settings);
        this.loader = loader;
        this.statusOut = statusOut;
        this.state = state;
        this.loaderThread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "polyroute-rollout-loader-" + subtask);
            t.setDaemon(true);
            return t;
        });
        loaded.put(base.id(), baseEvaluator);
    }

    /**
     * Loads, before the first record, every version the restored state serves (on this thread: a
     * version that served before the restore must serve again), and restarts an interrupted load.
     *
     * @throws IllegalStateException naming the version when one of them cannot be loaded
     */
    public void open() {
        for (VersionRef v : state.resident()) {
            if (!loaded.containsKey(v.id())) {
                try {
                    loaded.put(v.id(), loader.load(v));
                } catch (Exception e) {
                    throw new IllegalStateException(
                            label + " cannot load " + v.id() + " from " + v.path()
                                    + ", which the restored rollout state serves: " + e.getMessage(),
                            e);
                }
            }
        }
        if (state.phase() == RolloutState.Phase.LOADING) {
            startLoad(state.candidate());
        }
        retainResident();
    }

    /** The state now. */
    public RolloutState state() {
        return state;
    }

    /** Versions with loaded models now. */
    public int residentVersions() {
        return loaded.size();
    }

    /** Applies one record of the rollouts topic. */
    public void onCommand(byte[] bytes) {
        RolloutCommand c = codec.command(bytes);
        if (c == null) {
            return;
        }
        String id = c.getCommandId().toString();
        long issued = c.getIssuedTime().toEpochMilli();
        LOG.info("{}: rollout command {} {} {}", label, id, c.getKind(), c.getBundleVersion());
        RolloutState.Effects fx = switch (c.getKind()) {
            case START -> {
                VersionRef v = new VersionRef(
                        c.getBundleName().toString(),
                        c.getBundleVersion().toString(),
                        c.getBundlePath().toString(),
                        c.getChecksumsDigest().toString());
                if (settings.refusal() != null) {
                    emit(new RolloutState.Status(
                            id, RolloutPhase.REFUSED, c.getMode().name(), v.id(), settings.refusal()));
                    yield null;
                }
                yield state.start(id, issued, v, c.getMode(), c.getShare());
            }
            case PROMOTE -> state.promote(id, issued);
            case ROLLBACK -> state.rollback(id, issued);
        };
        if (fx != null) {
            apply(fx);
        }
    }

    /** The barrier step: takes over finished loads and applies what the state decides. */
    public void atBarrier() {
        RolloutState.LoadOutcome outcome = null;
        for (Iterator<Pending> it = pending.iterator(); it.hasNext(); ) {
            Pending p = it.next();
            if (!p.future().isDone()) {
                continue;
            }
            it.remove();
            boolean wanted = state.phase() == RolloutState.Phase.LOADING
                    && p.version().sameVersion(state.candidate())
                    && p.version().path().equals(state.candidate().path());
            try {
                MoeEvaluator e = p.future().get();
                if (wanted) {
                    MoeEvaluator old = loaded.put(p.version().id(), e);
                    closeQuietly(old == e ? null : old);
                    outcome = RolloutState.LoadOutcome.ok(p.version());
                } else {
                    closeQuietly(e);
                }
            } catch (ExecutionException e) {
                Throwable cause = e.getCause() == null ? e : e.getCause();
                LOG.warn(
                        "{}: loading {} from {} failed",
                        label,
                        p.version().id(),
                        p.version().path(),
                        cause);
                if (wanted) {
                    outcome = RolloutState.LoadOutcome.failed(
                            p.version(),
                            "Loading " + p.version().id() + " from "
                                    + p.version().path() + " failed on subtask " + subtask + ": " + cause.getMessage());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        apply(state.atBarrier(outcome));
    }

    /**
     * Serves {@code batch}: every record by the version the state chooses for it, the parts of one
     * version in one call of {@code serve}; records of another version than the base are stamped
     * with it. When a shadow is live, it computes the served records again and hands each pair to
     * {@code shadowOut}.
     */
    public List<InFlight> serve(List<InFlight> batch, Serve serve, Consumer<KeyedBytes> shadowOut) {
        if (!state.involvesOtherThan(base)) {
            return serve.evaluate(batch, loaded.get(base.id()), true);
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
            List<InFlight> out = serve.evaluate(part.getValue(), loaded.get(v.id()), isBase);
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
            shadowCodec = AvroCodec.of(ShadowPair.class, codec.encoding());
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
            ev = loaded.get(shadow.id()).evaluate(x, n, tasks);
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

    private void apply(RolloutState.Effects fx) {
        for (VersionRef v : fx.load()) {
            startLoad(v);
        }
        retainResident();
        fx.statuses().forEach(this::emit);
    }

    private void emit(RolloutState.Status s) {
        LOG.info("{}: rollout {} {} {} {}", label, s.commandId(), s.phase(), s.version(), s.reason());
        statusOut.accept(codec.status(s, subtask, state.serving(), System.currentTimeMillis()));
    }

    private void startLoad(VersionRef v) {
        pending.add(new Pending(v, loaderThread.submit(() -> loader.load(v))));
    }

    /** Releases the evaluators of versions the state no longer serves: no record in flight uses them. */
    private void retainResident() {
        List<String> keep = state.resident().stream().map(VersionRef::id).toList();
        for (Iterator<Map.Entry<String, MoeEvaluator>> it = loaded.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, MoeEvaluator> e = it.next();
            if (!keep.contains(e.getKey())) {
                LOG.info("{}: released {}", label, e.getKey());
                closeQuietly(e.getValue());
                it.remove();
            }
        }
    }

    private void closeQuietly(MoeEvaluator e) {
        if (e == null) {
            return;
        }
        try {
            e.close();
        } catch (RuntimeException ex) {
            LOG.warn("{}: closing an evaluator failed", label, ex);
        }
    }

    @Override
    public void close() {
        loaderThread.shutdownNow();
        for (Pending p : pending) {
            if (p.future().isDone()) {
                try {
                    closeQuietly(p.future().get());
                } catch (Exception ignored) {
                    // a failed load holds nothing
                }
            }
        }
        loaded.values().forEach(this::closeQuietly);
        loaded.clear();
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
            if (!b.name().equals(v.name()) || !b.version().equals(v.version())) {
                throw new IllegalStateException(v.path() + " holds " + b.name() + ":" + b.version() + ", not " + v.id()
                        + " as the command says.");
            }
            String digest = ChecksumsDigest.of(b.manifest().checksums());
            if (!v.digest().isEmpty() && !v.digest().equals(digest)) {
                throw new IllegalStateException("The files of " + v.id() + " at " + v.path()
                        + " differ from the bundle the command line validated (checksums digest " + digest
                        + ", expected " + v.digest() + ").");
            }
            if (b.inputDim() != base.inputDim() || !b.tasks().equals(base.tasks())) {
                throw new IllegalStateException(v.id() + " reads " + b.inputDim() + " features and tasks " + b.tasks()
                        + "; the job validates input for " + base.inputDim() + " features and tasks " + base.tasks()
                        + ".");
            }
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
