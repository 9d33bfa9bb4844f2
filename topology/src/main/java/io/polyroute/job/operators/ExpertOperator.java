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
package io.polyroute.job.operators;

import io.polyroute.job.control.LoadReport;
import io.polyroute.job.control.PlanCodec;
import io.polyroute.job.control.PlanState;
import io.polyroute.job.control.PlanTracker;
import io.polyroute.job.model.ExpertResult;
import io.polyroute.job.model.ExpertTask;
import io.polyroute.runtime.eval.ExpertRuntime;
import io.polyroute.runtime.onnx.ModelSession;
import io.polyroute.runtime.placement.Placement;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntConsumer;
import org.apache.flink.api.common.operators.MailboxExecutor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.TwoInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * EXPERT of one stage; each parallel subtask is a slot. Keeps one queue per expert and runs an
 * expert's queue as one ONNX Runtime batch when it reaches the batch size, when the oldest record
 * has waited the maximum delay, and before every checkpoint barrier. Per window it reports records
 * served, service time and queue depth per expert.
 *
 * <h2>Session residency</h2>
 *
 * <p>Any slot serves any expert. A record for an expert whose session is not resident waits in the
 * expert's queue while a loader thread of the operator ({@code polyroute-session-loader-<slot>-s<stage>})
 * opens the session; the task thread goes on with other records, watermarks and timers, and takes
 * the opened session back through the task's mailbox, then runs the waiting records. A record
 * waiting for a load is in flight like any buffered record: before a checkpoint barrier, and at the
 * end of input, the operator waits for the loads its records need (at most {@link
 * #LOAD_DEADLINE_MILLIS}) and runs them, so no record lives only in a buffer across a checkpoint. A
 * load that fails, or does not finish by that deadline, fails the task (it restarts from the last
 * checkpoint); nothing is dead-lettered for it.
 *
 * <p>The second input carries placement plans: sessions newly assigned to this slot are loaded
 * ahead of traffic (at open, before processing; later by the loader thread). A session the plan
 * does not assign to the slot, whether a plan or a record brought it, is released once it has not
 * been used for the release grace period ({@code rebalance.release-grace}), checked at the end of
 * every load window. The slot never holds more than {@code rebalance.slot-capacity} sessions,
 * counting the one being loaded: a load that needs room evicts the least recently used resident
 * session with no queued record, preferring sessions the plan does not assign to the slot (a
 * record may evict an assigned one, which then reloads on demand; a plan's preload never does). If
 * every resident session has queued records, the load waits until one of their batches runs. The
 * gauge {@value JobMetrics#RESIDENT_SESSIONS} reports the resident sessions of the slot.
 */
public final class ExpertOperator extends MicroBatchOperator<ExpertResult>
        implements TwoInputStreamOperator<ExpertTask, byte[], ExpertResult> {
    private static final long serialVersionUID = 1L;

    /**
     * Longest a checkpoint barrier (or the end of input) waits for the session loads that buffered
     * records need before it fails the task.
     */
    static final long LOAD_DEADLINE_MILLIS = 120_000;

    private final StageOpener opener;
    private final int stageIndex;
    private final int deviceCount;
    private final List<Integer> expertsPerStage;
    private final long releaseGraceMillis;
    private final int slotCapacity;
    private final long windowMillis;

    private transient ExpertRuntime stage;
    private transient int slot;
    private transient List<ExpertTask>[] queues;
    private transient int total;
    private transient Counter[] served;
    private transient PlanTracker plans;
    private transient PlanState planState;
    /** Whether the plan in force assigns each expert to this slot. */
    private transient boolean[] assigned;
    /** Processing time each expert's session was last used, loaded or unassigned. */
    private transient long[] lastUse;
    /** Experts whose records wait for a session that is neither resident nor loading, oldest first. */
    private transient ArrayDeque<Integer> waiting;
    /** The load in flight, or null; at most one at a time. */
    private transient Load loading;

    private transient ExecutorService loader;
    private transient MailboxExecutor mailbox;
    private transient LoadReport window;
    /** Runs on the loader thread before each load; tests slow loads down with it. */
    private transient volatile IntConsumer beforeLoad;

    /** An EXPERT that opens its models with {@code opener} and runs by {@code settings}. */
    public ExpertOperator(StageOpener opener, ExpertSettings settings) {
        super(settings.batchSize(), settings.maxDelayMillis());
        this.opener = Objects.requireNonNull(opener, "opener");
        this.stageIndex = settings.stageIndex();
        this.expertsPerStage = settings.expertsPerStage();
        this.deviceCount = settings.deviceCount();
        this.releaseGraceMillis = settings.releaseGraceMillis();
        this.slotCapacity = settings.slotCapacity();
        this.windowMillis = settings.windowMillis();
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        int slots = getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks();
        plans = new PlanTracker(expertsPerStage, slots);
        planState = PlanState.open(context, plans);
    }

    @Override
    @SuppressWarnings("unchecked")
    public void open() throws Exception {
        super.open();
        slot = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
        stage = opener.experts(stageIndex, slot, deviceCount);
        int e = stage.expertCount();
        queues = new List[e];
        served = new Counter[e];
        assigned = new boolean[e];
        lastUse = new long[e];
        waiting = new ArrayDeque<>();
        for (int x = 0; x < e; x++) {
            queues[x] = new ArrayList<>();
            MetricGroup g = getMetricGroup().addGroup("expert", Integer.toString(x));
            served[x] = g.counter(JobMetrics.EXPERT_RECORDS);
        }
        mailbox = getContainingTask()
                .getMailboxExecutorFactory()
                .createExecutor(getOperatorConfig().getChainIndex());
        String threadName = "polyroute-session-loader-" + slot + "-s" + stageIndex;
        loader = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
        getMetricGroup().gauge(JobMetrics.RESIDENT_SESSIONS, this::residentSessions);
        getMetricGroup().gauge(JobMetrics.PLAN_VERSION, () -> plans.current().version());
        applyPlan(true);
        startWindow(getProcessingTimeService().getCurrentProcessingTime());
    }

    /** Sessions resident on this slot now; the value of the {@value JobMetrics#RESIDENT_SESSIONS} gauge. */
    int residentSessions() {
        return stage == null ? 0 : stage.loadedExpertCount();
    }

    /** Sets a hook the loader thread runs with the expert's index before each load. */
    void beforeLoad(IntConsumer hook) {
        this.beforeLoad = hook;
    }

    @Override
    public void processElement1(StreamRecord<ExpertTask> element) throws Exception {
        ExpertTask task = element.getValue();
        int e = task.expert();
        List<ExpertTask> q = queues[e];
        q.add(task);
        total++;
        afterBuffering();
        if (stage.isExpertLoaded(e)) {
            if (q.size() >= batchSize) {
                runExpert(e);
            }
        } else if (!isLoading(e) && !waiting.contains(e)) {
            waiting.add(e);
            startLoads();
        }
    }

    @Override
    public void processElement2(StreamRecord<byte[]> element) {
        if (plans.offer(PlanCodec.decode(element.getValue()), 0, delay -> {})) {
            applyPlan(false);
        }
    }

    /**
     * Takes the plan in force: notes which experts it assigns to this slot (an expert it no longer
     * assigns starts its grace period now at the latest) and loads the newly assigned sessions, at
     * once when {@code now} (in open, before any record) and by the loader thread otherwise.
     */
    private void applyPlan(boolean now) {
        Placement p = plans.current().stage(stageIndex);
        long time = getProcessingTimeService().getCurrentProcessingTime();
        for (int e = 0; e < stage.expertCount(); e++) {
            boolean a = p.replicas(e).hosts(slot);
            if (assigned[e] && !a) {
                lastUse[e] = Math.max(lastUse[e], time);
            }
            assigned[e] = a;
        }
        if (now) {
            for (int e = 0; e < stage.expertCount(); e++) {
                if (assigned[e] && !stage.isExpertLoaded(e) && makeRoom(false)) {
                    stage.loadExpert(e);
                    lastUse[e] = time;
                }
            }
        } else {
            startLoads();
        }
    }

    private boolean isLoading(int e) {
        return loading != null && loading.expert == e;
    }

    /**
     * Starts the next load if none is in flight: first for the oldest waiting records, then a
     * session the plan assigns to this slot but that is not resident. Does nothing while there is
     * no room for it.
     */
    private void startLoads() {
        if (loading != null) {
            return;
        }
        if (!waiting.isEmpty()) {
            if (makeRoom(true)) {
                begin(waiting.poll());
            }
            return;
        }
        for (int e = 0; e < stage.expertCount(); e++) {
            if (assigned[e] && !stage.isExpertLoaded(e)) {
                if (makeRoom(false)) {
                    begin(e);
                }
                return;
            }
        }
    }

    /**
     * Makes room for one more session within the slot capacity, evicting if needed the least
     * recently used resident session with no queued record: one the plan does not assign to the
     * slot, or, {@code forRecords}, any. Whether there is room now.
     */
    private boolean makeRoom(boolean forRecords) {
        int resident = stage.loadedExpertCount() + (loading == null ? 0 : 1);
        if (slotCapacity < 0 || resident < slotCapacity) {
            return true;
        }
        int victim = leastRecentlyUsedIdle(false);
        if (victim < 0 && forRecords) {
            victim = leastRecentlyUsedIdle(true);
        }
        if (victim < 0 || resident > slotCapacity) {
            return false;
        }
        stage.releaseExpert(victim);
        return true;
    }

    private int leastRecentlyUsedIdle(boolean evenAssigned) {
        int best = -1;
        for (int e = 0; e < stage.expertCount(); e++) {
            if (stage.isExpertLoaded(e)
                    && queues[e].isEmpty()
                    && (evenAssigned || !assigned[e])
                    && (best < 0 || lastUse[e] < lastUse[best])) {
                best = e;
            }
        }
        return best;
    }

    /** Hands the load of expert {@code e}'s session to the loader thread. */
    private void begin(int e) {
        Load load = new Load(e);
        loading = load;
        loader.execute(() -> load(load));
    }

    /** On the loader thread: opens the session, then hands it to the task thread through the mailbox. */
    private void load(Load load) {
        try {
            IntConsumer hook = beforeLoad;
            if (hook != null) {
                hook.accept(load.expert);
            }
            load.session.complete(stage.openExpert(load.expert));
        } catch (Throwable t) {
            load.session.completeExceptionally(t);
        }
        try {
            mailbox.execute(() -> finishLoad(load), "session of expert %s loaded", load.expert);
        } catch (RejectedExecutionException closed) {
            load.discard();
        }
    }

    /**
     * On the task thread: makes the loaded session resident and runs the records that waited for
     * it. Does nothing when a barrier already finished this load.
     *
     * @throws FailureClassifier.InfrastructureFailure when the load failed
     */
    private void finishLoad(Load load) {
        if (loading != load) {
            return;
        }
        loading = null;
        ModelSession session;
        try {
            session = load.session.join();
        } catch (RuntimeException failed) {
            Throwable cause = failed.getCause() == null ? failed : failed.getCause();
            throw new FailureClassifier.InfrastructureFailure(
                    "EXPERT slot " + slot + " could not load the session of " + expertName(load.expert) + " (" + cause
                            + "); failing the task so it restarts from the last checkpoint.",
                    cause);
        }
        if (!load.claim()) {
            return;
        }
        stage.adoptExpert(load.expert, session);
        lastUse[load.expert] = getProcessingTimeService().getCurrentProcessingTime();
        if (!queues[load.expert].isEmpty()) {
            runExpert(load.expert);
        }
        startLoads();
    }

    /**
     * Waits for the loads that buffered records need and runs those records, so that nothing is
     * buffered when a barrier passes or the input ends.
     *
     * @throws FailureClassifier.InfrastructureFailure when a load fails or exceeds {@link #LOAD_DEADLINE_MILLIS}
     */
    private void runWaitingRecords() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(LOAD_DEADLINE_MILLIS);
        while (!waiting.isEmpty() || (loading != null && !queues[loading.expert].isEmpty())) {
            startLoads();
            Load load = loading;
            if (load == null) {
                throw new IllegalStateException("EXPERT slot " + slot + " has records waiting for sessions but no "
                        + "room to load one within rebalance.slot-capacity = " + slotCapacity + ".");
            }
            try {
                load.session.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException slow) {
                throw new FailureClassifier.InfrastructureFailure(
                        "EXPERT slot " + slot + " waited " + LOAD_DEADLINE_MILLIS + " ms for the session of "
                                + expertName(load.expert) + " before a checkpoint barrier; failing the task so it "
                                + "restarts from the last checkpoint.",
                        slow);
            } catch (ExecutionException failed) {
                // finishLoad reports it.
            }
            finishLoad(load);
        }
    }

    private String expertName(int e) {
        return "Expert " + stage.spec().experts().get(e).id() + " of stage "
                + stage.spec().name();
    }

    /**
     * Releases the sessions the plan does not assign to this slot that have not been used for the
     * grace period, whatever loaded them.
     */
    private void releaseIdleSessions(long now) {
        for (int e = 0; e < stage.expertCount(); e++) {
            if (!assigned[e]
                    && stage.isExpertLoaded(e)
                    && queues[e].isEmpty()
                    && now - lastUse[e] >= releaseGraceMillis) {
                stage.releaseExpert(e);
            }
        }
        startLoads();
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        super.prepareSnapshotPreBarrier(checkpointId);
        runWaitingRecords();
    }

    @Override
    public void finish() throws Exception {
        flushAndRecord();
        runWaitingRecords();
        super.finish();
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        planState.store(plans.current());
    }

    @Override
    protected int buffered() {
        return total;
    }

    /** Runs every queue whose session is resident; records waiting for a load stay. */
    @Override
    protected void flushAll() {
        for (int e = 0; e < queues.length; e++) {
            if (!queues[e].isEmpty() && stage.isExpertLoaded(e)) {
                runExpert(e);
            }
        }
    }

    /** Runs expert {@code e}'s queue, whose session is resident, in batches of at most the batch size. */
    private void runExpert(int e) {
        List<ExpertTask> all = queues[e];
        queues[e] = new ArrayList<>();
        total -= all.size();
        served[e].inc(all.size());
        for (int from = 0; from < all.size(); from += batchSize) {
            runBatch(e, all.subList(from, Math.min(all.size(), from + batchSize)));
        }
        lastUse[e] = getProcessingTimeService().getCurrentProcessingTime();
        if (!waiting.isEmpty()) {
            startLoads();
        }
    }

    private void runBatch(int e, List<ExpertTask> batch) {
        int w = stage.width();
        int p = stage.expertOutputDim();
        float[] out;
        long t0 = System.nanoTime();
        try {
            // Packing is inside the try: a malformed row fails its own record, not the batch.
            float[] rows = new float[batch.size() * w];
            for (int i = 0; i < batch.size(); i++) {
                System.arraycopy(batch.get(i).row(), 0, rows, i * w, w);
            }
            out = stage.runExpert(e, rows, batch.size());
        } catch (RuntimeException failed) {
            runOneByOne(e, batch, failed);
            return;
        } finally {
            window.serviceNanos[e] += System.nanoTime() - t0;
            window.records[e] += batch.size();
        }
        for (int i = 0; i < batch.size(); i++) {
            float[] y = new float[p];
            System.arraycopy(out, i * p, y, 0, p);
            output.collect(new StreamRecord<>(batch.get(i).result(y, null)));
        }
    }

    /**
     * Isolates the records an expert refuses; they reach COMBINE as errors and become dead
     * letters. A failure that is not the records' fails the task instead ({@link FailureClassifier}).
     */
    private void runOneByOne(int e, List<ExpertTask> batch, RuntimeException failed) {
        String expert = expertName(e);
        FailureClassifier.retryOneByOne(
                "EXPERT slot " + slot + " (" + expert + ")",
                batch,
                failed,
                t -> output.collect(new StreamRecord<>(t.result(stage.runExpert(e, t.row(), 1), null))),
                (t, one) -> output.collect(
                        new StreamRecord<>(t.result(null, expert + " failed on this record: " + one.getMessage()))));
    }

    private void startWindow(long now) {
        long start = now - Math.floorMod(now, windowMillis);
        window = LoadReport.empty(
                LoadReport.EXPERT,
                slot,
                stageIndex,
                stage.expertCount(),
                start,
                start + windowMillis,
                plans.current().version());
        getProcessingTimeService().registerTimer(start + windowMillis, this::endWindow);
    }

    private void endWindow(long time) {
        LoadReport done = window;
        done.planVersion = plans.current().version();
        for (int e = 0; e < queues.length; e++) {
            done.queueDepth[e] = queues[e].size();
        }
        output.collect(LoadReports.TAG, new StreamRecord<>(done));
        releaseIdleSessions(time);
        startWindow(time);
    }

    @Override
    public void close() throws Exception {
        try {
            if (loader != null) {
                loader.shutdownNow();
            }
            Load pending = loading;
            loading = null; // a mail that still arrives finds no load to finish
            if (pending != null) {
                pending.session.thenAccept(s -> pending.discard());
            }
            if (stage != null) {
                stage.close();
            }
        } finally {
            super.close();
        }
    }

    /** One session load: the expert and the session the loader thread opens for it. */
    private static final class Load {
        final int expert;
        final CompletableFuture<ModelSession> session = new CompletableFuture<>();
        private final AtomicBoolean claimed = new AtomicBoolean();

        Load(int expert) {
            this.expert = expert;
        }

        /** Whether the caller is the one owner of the session (the task thread, or cleanup). */
        boolean claim() {
            return claimed.compareAndSet(false, true);
        }

        /** Closes the session if it opened and nobody took it. */
        void discard() {
            if (session.isDone() && !session.isCompletedExceptionally() && claim()) {
                session.join().close();
            }
        }
    }
}
