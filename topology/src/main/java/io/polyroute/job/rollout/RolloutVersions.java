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
import io.polyroute.avro.RolloutVote;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
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
 * method runs on the task thread; only {@link Loader#load} and the vote after it run on the loader
 * thread.
 *
 * <p>The vote (docs/rollouts.md): when a load finishes, ok or failed, the subtask writes a {@code
 * RolloutVote} to the rollouts topic ({@link RolloutSettings#voteTopic()}), which every serving
 * subtask reads back through the rollouts source, in topic order, as it reads commands; the {@link
 * RolloutState} counts them. A subtask whose load started {@link RolloutSettings#voteTimeoutMillis()}
 * ago without a decided vote votes the version down, naming the subtasks it has not heard from.
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

    /** A vote that goes straight to this subtask (no vote topic): read at the next barrier. */
    private record OwnVote(String commandId, VersionRef version, String failure) {}

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
    private final int parallelism;
    private final RolloutSettings settings;
    private final RolloutCodec codec;
    private final Loader<R> loader;
    private final Function<RolloutMode, String> modeRefusal;
    private final Consumer<KeyedBytes> statusOut;
    private final Map<String, R> loaded = new HashMap<>();
    private final List<Pending<R>> pending = new ArrayList<>();
    private final ExecutorService loaderThread;
    /** Writes this subtask's votes; null when they go straight to {@link #ownVotes}. */
    private final VotePublisher votePublisher;
    /** Encodes votes on the loader thread (the task thread's codec is not shared). */
    private final RolloutCodec voteCodec;

    private final Queue<OwnVote> ownVotes = new ConcurrentLinkedQueue<>();
    /**
     * Set first thing in {@link #close()}: a load that ends after it was abandoned (closing interrupts
     * the loader thread), not failed, and casts no vote — a failure vote for it would refuse the
     * version on every subtask of the job that restores after a failover.
     */
    private volatile boolean closing;

    private RolloutState state;
    /** This subtask's load of the candidate in the state, once taken over at a barrier; null while it runs. */
    private RolloutState.LoadOutcome own;
    /** Processing time the load of the candidate started, for the vote timeout. */
    private long loadStarted;
    /** Whether this subtask has voted the candidate down for the timeout already. */
    private boolean timedOut;

    /**
     * @param label how log lines and messages name the subtask, e.g. {@code FUSED subtask 1}
     * @param parallelism the number of serving subtasks: a version activates when all of them voted ok
     * @param state the state restored from a checkpoint, or the base one
     * @param base the job's own bundle
     * @param baseModels its models, opened; owned by this object from now on
     * @param modeRefusal the reason a START of a mode is refused with on this operator, or null to serve it
     */
    public RolloutVersions(
            String label,
            int subtask,
            int parallelism,
            RolloutSettings settings,
            RolloutState state,
            VersionRef base,
            R baseModels,
            Loader<R> loader,
            Function<RolloutMode, String> modeRefusal,
            Consumer<KeyedBytes> statusOut) {
        if (settings.voteTopic() == null && parallelism != 1) {
            throw new IllegalArgumentException(label + ": " + parallelism
                    + " serving subtasks need a rollouts topic to vote on; only a single subtask votes alone.");
        }
        this.label = label;
        this.subtask = subtask;
        this.parallelism = parallelism;
        this.settings = settings;
        this.codec = new RolloutCodec(settings);
        this.voteCodec = new RolloutCodec(settings);
        this.votePublisher = settings.voteTopic() == null
                ? null
                : new VotePublisher(label, settings.voteTopic(), settings.voteClient());
        state.countVotesOf(parallelism);
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

    /** Applies one record of the rollouts topic, as {@link RolloutMessages} tags it: a command or a vote. */
    public void onCommand(byte[] message) {
        byte kind = RolloutMessages.kind(message);
        if (kind == RolloutMessages.VOTE) {
            onVote(RolloutMessages.body(message));
        } else if (kind == RolloutMessages.COMMAND) {
            command(RolloutMessages.body(message));
        } else {
            LOG.warn("{}: skipped a rollouts message of unknown kind {}", label, kind);
        }
    }

    private void onVote(byte[] bytes) {
        RolloutVote v = codec.vote(bytes);
        if (v == null) {
            return;
        }
        LOG.info(
                "{}: vote of subtask {} of {} on {} for {}: {}",
                label,
                v.getSubtask(),
                v.getParallelism(),
                v.getVersion(),
                v.getCommandId(),
                v.getOk() ? "ok" : v.getReason());
        apply(state.onVote(
                v.getCommandId().toString(),
                v.getVersion().toString(),
                v.getSubtask(),
                v.getParallelism(),
                v.getOk(),
                v.getReason().toString(),
                subtask));
    }

    private void command(byte[] bytes) {
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

    /**
     * The barrier step: takes over finished loads, votes the candidate down when the vote timed
     * out, and applies what the state decides.
     */
    public void atBarrier() {
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
                    own = RolloutState.LoadOutcome.ok(p.version());
                } else {
                    closeQuietly(e);
                }
            } catch (ExecutionException e) {
                Throwable cause = e.getCause() == null ? e : e.getCause();
                if (wanted) {
                    own = RolloutState.LoadOutcome.failed(p.version(), failure(p.version(), cause));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        for (OwnVote v = ownVotes.poll(); v != null; v = ownVotes.poll()) {
            apply(state.onVote(
                    v.commandId(),
                    v.version().id(),
                    subtask,
                    parallelism,
                    v.failure() == null,
                    v.failure() == null ? "" : v.failure(),
                    subtask));
        }
        if (state.voting() && !timedOut && System.currentTimeMillis() - loadStarted >= settings.voteTimeoutMillis()) {
            timedOut = true;
            String reason = "No vote of subtask(s) " + state.missingVotes(parallelism) + " of " + parallelism
                    + " on loading " + state.candidate().id() + " within " + settings.voteTimeoutMillis()
                    + " ms (rollout.vote-timeout); subtask " + subtask + " votes it down.";
            LOG.warn("{}: {}", label, reason);
            vote(state.loadId(), state.candidate(), reason);
        }
        apply(state.atBarrier(own));
        if (state.phase() != RolloutState.Phase.LOADING) {
            own = null;
        }
    }

    private String failure(VersionRef v, Throwable cause) {
        return "Loading " + v.id() + " from " + v.path() + " failed on subtask " + subtask + ": " + cause.getMessage();
    }

    /** Votes kept for the next barrier (no vote topic); for tests. */
    int uncountedOwnVotes() {
        return ownVotes.size();
    }

    /** Publishes (or, without a vote topic, keeps for the next barrier) this subtask's vote; any thread. */
    private void vote(String commandId, VersionRef version, String failure) {
        if (closing) {
            LOG.info("{}: closing; its abandoned load of {} casts no vote", label, version.id());
            return;
        }
        if (votePublisher == null) {
            ownVotes.add(new OwnVote(commandId, version, failure));
            return;
        }
        KeyedBytes bytes;
        synchronized (voteCodec) {
            bytes = voteCodec.vote(commandId, version, subtask, parallelism, failure, System.currentTimeMillis());
        }
        try {
            votePublisher.publish(bytes);
        } catch (RuntimeException e) {
            LOG.warn("{}: could not write its vote on {}", label, version.id(), e);
        }
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
        String commandId = state.loadId();
        own = null;
        timedOut = false;
        loadStarted = System.currentTimeMillis();
        CompletableFuture<R> load = CompletableFuture.supplyAsync(
                () -> {
                    try {
                        LoadHook hook = loadHook;
                        if (hook != null) {
                            hook.beforeLoad(subtask, v);
                        }
                        return loader.load(v);
                    } catch (Exception e) {
                        throw new CompletionException(e);
                    }
                },
                loaderThread);
        // The future is done before the vote is written, so a subtask that reads its own ok vote
        // finds its load finished at the next barrier.
        load.whenComplete((r, e) -> {
            Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            if (cause != null) {
                LOG.warn("{}: loading {} from {} failed", label, v.id(), v.path(), cause);
            }
            vote(commandId, v, cause == null ? null : failure(v, cause));
        });
        pending.add(new Pending<>(v, load));
    }

    /** Releases the models of versions the state no longer serves: no record in flight uses them. */
    private void retainResident() {
        List<String> keep =
                new ArrayList<>(state.resident().stream().map(VersionRef::id).toList());
        if (state.phase() == RolloutState.Phase.LOADING) {
            keep.add(state.candidate().id()); // loaded, waiting for the vote
        }
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
        closing = true;
        if (votePublisher != null) {
            votePublisher.close();
        }
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
