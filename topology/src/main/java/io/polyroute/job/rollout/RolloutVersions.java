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
import io.polyroute.avro.RolloutMode;
import io.polyroute.avro.RolloutPhase;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The version-holding half of a serving subtask's rollouts (docs/rollouts.md), whatever a version's
 * loaded models are ({@code R}: a fused evaluator, or one stage's gate runtime): applies commands to
 * the {@link RolloutState}, loads candidates on a background thread, takes a finished load over at
 * a barrier, keeps exactly the versions the state needs resident and writes status records. Every
 * method runs on the task thread; only {@link Loader#load} runs on the loader thread.
 *
 * @param <R> the loaded models of one version
 */
public final class RolloutVersions<R extends AutoCloseable> implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RolloutVersions.class);

    /** Opens every model of a version this subtask serves, ready to serve; runs off the task thread. */
    @FunctionalInterface
    public interface Loader<R> {
        R load(VersionRef version) throws Exception;
    }

    private record Pending<R>(VersionRef version, Future<R> future) {}

    /** Runs on the loader thread before a background load of {@code version} on {@code subtask}. */
    @FunctionalInterface
    interface LoadHook {
        void beforeLoad(int subtask, VersionRef version) throws Exception;
    }

    /**
     * Test seam: when set, every background load (a START's, a rollback's, or one a restored
     * {@code LOADING} state restarts) calls it first on the loader thread, so an integration test
     * can hold a version in {@code LOADING} in either execution mode. Null, and never set, in
     * production.
     */
    static volatile LoadHook loadHook;

    private final String label;
    private final int subtask;
    private final RolloutSettings settings;
    private final RolloutCodec codec;
    private final Loader<R> loader;
    private final Function<RolloutMode, String> modeRefusal;
    private final Consumer<KeyedBytes> statusOut;
    private final Map<String, R> loaded = new HashMap<>();
    private final List<Pending<R>> pending = new ArrayList<>();
    private final ExecutorService loaderThread;
    private RolloutState state;

    /**
     * @param label how log lines and messages name the subtask, e.g. {@code FUSED subtask 1}
     * @param state the state restored from a checkpoint, or the base one
     * @param base the job's own bundle
     * @param baseModels its models, opened; owned by this object from now on
     * @param modeRefusal the reason a START of a mode is refused with on this operator, or null to serve it
     */
    public RolloutVersions(
            String label,
            int subtask,
            RolloutSettings settings,
            RolloutState state,
            VersionRef base,
            R baseModels,
            Loader<R> loader,
            Function<RolloutMode, String> modeRefusal,
            Consumer<KeyedBytes> statusOut) {
        this.label = label;
        this.subtask = subtask;
        this.settings = settings;
        this.codec = new RolloutCodec(settings);
        this.loader = loader;
        this.modeRefusal = modeRefusal;
        this.statusOut = statusOut;
        this.state = state;
        this.loaderThread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "polyroute-rollout-loader-" + label.replace(' ', '-'));
            t.setDaemon(true);
            return t;
        });
        loaded.put(base.id(), baseModels);
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

    /** The loaded models of {@code version}, which the state serves now. */
    public R models(VersionRef version) {
        R r = loaded.get(version.id());
        if (r == null) {
            throw new IllegalStateException(label + " has no models of " + version.id() + " loaded.");
        }
        return r;
    }

    /** Versions with loaded models now. */
    public int residentVersions() {
        return loaded.size();
    }

    /** The encoding of commands, status records and shadow pairs. */
    public RolloutCodec codec() {
        return codec;
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
                String refusal = settings.refusal() != null
                        ? settings.refusal()
                        : modeRefusal == null ? null : modeRefusal.apply(c.getMode());
                if (refusal != null) {
                    emit(new RolloutState.Status(
                            id, RolloutPhase.REFUSED, c.getMode().name(), v.id(), refusal));
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
        for (Iterator<Pending<R>> it = pending.iterator(); it.hasNext(); ) {
            Pending<R> p = it.next();
            if (!p.future().isDone()) {
                continue;
            }
            it.remove();
            boolean wanted = state.phase() == RolloutState.Phase.LOADING
                    && p.version().sameVersion(state.candidate())
                    && p.version().path().equals(state.candidate().path());
            try {
                R e = p.future().get();
                if (wanted) {
                    R old = loaded.put(p.version().id(), e);
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
        pending.add(new Pending<>(v, loaderThread.submit(() -> {
            LoadHook hook = loadHook;
            if (hook != null) {
                hook.beforeLoad(subtask, v);
            }
            return loader.load(v);
        })));
    }

    /** Releases the models of versions the state no longer serves: no record in flight uses them. */
    private void retainResident() {
        List<String> keep = state.resident().stream().map(VersionRef::id).toList();
        for (Iterator<Map.Entry<String, R>> it = loaded.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, R> e = it.next();
            if (!keep.contains(e.getKey())) {
                LOG.info("{}: released {}", label, e.getKey());
                closeQuietly(e.getValue());
                it.remove();
            }
        }
    }

    private void closeQuietly(R r) {
        if (r == null) {
            return;
        }
        try {
            r.close();
        } catch (Exception ex) {
            LOG.warn("{}: closing the models of a version failed", label, ex);
        }
    }

    @Override
    public void close() {
        loaderThread.shutdownNow();
        for (Pending<R> p : pending) {
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
}
