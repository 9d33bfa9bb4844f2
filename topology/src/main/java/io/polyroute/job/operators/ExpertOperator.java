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

import io.polyroute.job.config.BatchTransport;
import io.polyroute.job.control.LoadReport;
import io.polyroute.job.control.PlanCodec;
import io.polyroute.job.control.PlanState;
import io.polyroute.job.control.PlanTracker;
import io.polyroute.job.model.ExpertResult;
import io.polyroute.job.model.ExpertResultBatch;
import io.polyroute.job.model.ExpertTask;
import io.polyroute.job.model.ExpertTaskBatch;
import io.polyroute.runtime.eval.ExpertRuntime;
import io.polyroute.runtime.onnx.ModelSession;
import io.polyroute.runtime.placement.Placement;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
 *
 * <h2>Versions</h2>
 *
 * <p>During a rollout (docs/rollouts.md) a task names the version that serves its record and where
 * it is loaded from; the slot keeps its sessions by (version, expert), all under the one capacity
 * and LRU above, and opens a version's stage on the loader thread with its first session. Plans
 * assign only sessions of the job's own bundle (the version they are made for); a session of
 * another version is never assigned, so it is released after the grace period once no record used
 * it, and a plan's preload evicts it only after that period. Load reports count the job's own
 * bundle only.
 *
 * <h2>Transport</h2>
 *
 * <p>{@link ExpertSettings#transport()} decides what crosses the shuffles from GATE and to COMBINE.
 * With {@link BatchTransport#RECORD} ({@link #records}) every task arrives and every result leaves
 * as one element. With {@link BatchTransport#BATCH} ({@link #batches}) tasks arrive in {@link
 * ExpertTaskBatch}es addressed to this subtask (a batch for another subtask fails the task), each
 * task handled as a single one would be; each run of an expert's queue (its one-by-one retry and
 * error results included) leaves as one {@link ExpertResultBatch} per COMBINE subtask that gets
 * results of it ({@link PartRouting#combineSubtask}).
 *
 * @param <IN> the task input: {@link ExpertTask} for the record transport, {@link ExpertTaskBatch}
 *     for the batch transport
 * @param <OUT> the result output: {@link ExpertResult} for the record transport, {@link
 *     ExpertResultBatch} for the batch transport
 */
public final class ExpertOperator<IN, OUT> extends MicroBatchOperator<OUT>
        implements TwoInputStreamOperator<IN, byte[], OUT> {
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
    private final BatchTransport transport;
    /** COMBINE subtasks a result batch is grouped for (batch transport). */
    private final int combineSubtasks;
    /** COMBINE's key groups (batch transport). */
    private final int combineMaxParallelism;

    /** The stage of the job's own bundle; its experts are the keys {@code 0 .. experts-1}. */
    private transient ExpertRuntime stage;

    private transient int slot;
    /** Every (version, expert) this slot has seen, by key; the job's own bundle's experts first. */
    private transient List<Key> keys;
    /** Keys of the other versions' experts, by version id, then expert. */
    private transient Map<String, Map<Integer, Integer>> otherKeys;
    /** The stage of each other version, once its first session loaded, by version id. */
    private transient Map<String, ExpertRuntime> otherStages;

    private transient int total;
    private transient Counter[] served;
    private transient PlanTracker plans;
    private transient PlanState planState;
    /** Keys whose records wait for a session that is neither resident nor loading, oldest first. */
    private transient ArrayDeque<Integer> waiting;
    /** The load in flight, or null; at most one at a time. */
    private transient Load loading;

    private transient ExecutorService loader;
    private transient MailboxExecutor mailbox;
    private transient LoadReport window;
    /** Runs on the loader thread before each load; tests slow loads down with it. */
    private transient volatile IntConsumer beforeLoad;

    /** The result batches of the queue run in progress, by COMBINE subtask (batch transport). */
    private transient ExpertResultBatch[] results;

    /**
     * An EXPERT that opens its models with {@code opener} and runs by {@code settings}, with the
     * transport they name; {@link #records} and {@link #batches} type its input and output.
     */
    public ExpertOperator(StageOpener opener, ExpertSettings settings) {
        super(settings.batchSize(), settings.maxDelayMillis());
        this.opener = Objects.requireNonNull(opener, "opener");
        this.stageIndex = settings.stageIndex();
        this.expertsPerStage = settings.expertsPerStage();
        this.deviceCount = settings.deviceCount();
        this.releaseGraceMillis = settings.releaseGraceMillis();
        this.slotCapacity = settings.slotCapacity();
        this.windowMillis = settings.windowMillis();
        this.transport = settings.transport();
        this.combineSubtasks = settings.combineParallelism();
        this.combineMaxParallelism = settings.combineMaxParallelism();
    }

    /**
     * An EXPERT of the record transport: one {@link ExpertTask} in, one {@link ExpertResult} out.
     *
     * @throws IllegalArgumentException when {@code settings} name the batch transport
     */
    public static ExpertOperator<ExpertTask, ExpertResult> records(StageOpener opener, ExpertSettings settings) {
        GateOperator.requireTransport(settings.transport(), BatchTransport.RECORD);
        return new ExpertOperator<>(opener, settings);
    }

    /**
     * An EXPERT of the batch transport: {@link ExpertTaskBatch}es for this subtask in, one {@link
     * ExpertResultBatch} per COMBINE subtask and queue run out.
     *
     * @throws IllegalArgumentException when {@code settings} name the record transport
     */
    public static ExpertOperator<ExpertTaskBatch, ExpertResultBatch> batches(
            StageOpener opener, ExpertSettings settings) {
        GateOperator.requireTransport(settings.transport(), BatchTransport.BATCH);
        return new ExpertOperator<>(opener, settings);
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        int slots = getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks();
        plans = new PlanTracker(expertsPerStage, slots);
        planState = PlanState.open(context, plans);
    }

    @Override
    public void open() throws Exception {
        super.open();
        slot = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
        stage = opener.experts(stageIndex, slot, deviceCount);
        int e = stage.expertCount();
        keys = new ArrayList<>();
        otherKeys = new HashMap<>();
        otherStages = new HashMap<>();
        served = new Counter[e];
        waiting = new ArrayDeque<>();
        for (int x = 0; x < e; x++) {
            keys.add(new Key(null, null, x));
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

    /** Sessions resident on this slot now, of every version; the value of the {@value JobMetrics#RESIDENT_SESSIONS} gauge. */
    int residentSessions() {
        if (stage == null) {
            return 0;
        }
        int n = stage.loadedExpertCount();
        for (ExpertRuntime r : otherStages.values()) {
            n += r.loadedExpertCount();
        }
        return n;
    }

    /** Sets a hook the loader thread runs with the expert's index before each load. */
    void beforeLoad(IntConsumer hook) {
        this.beforeLoad = hook;
    }

    @Override
    public void processElement1(StreamRecord<IN> element) throws Exception {
        Object in = element.getValue();
        if (transport == BatchTransport.RECORD) {
            accept((ExpertTask) in);
            return;
        }
        ExpertTaskBatch batch = (ExpertTaskBatch) in;
        int subtasks = getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks();
        if (batch.target != slot || batch.subtasks != subtasks) {
            throw new IllegalStateException("A batch on GATE -> EXPERT of stage " + stageIndex + " for subtask "
                    + batch.target + " of " + batch.subtasks + " reached subtask " + slot + " of " + subtasks
                    + "; tasks must be partitioned by PartRouting.ToTarget to an EXPERT of job.slots subtasks.");
        }
        for (int i = 0; i < batch.size(); i++) {
            accept(batch.get(i));
        }
    }

    /** Queues one task for its (version, expert) and runs the queue when it is full and the session resident. */
    private void accept(ExpertTask task) throws Exception {
        int k = keyOf(task);
        List<ExpertTask> q = keys.get(k).queue;
        q.add(task);
        total++;
        afterBuffering();
        if (isLoaded(k)) {
            if (q.size() >= batchSize) {
                runExpert(k);
            }
        } else if (!isLoading(k) && !waiting.contains(k)) {
            waiting.add(k);
            startLoads();
        }
    }

    /** The key of the task's (version, expert); a new one for a pair not seen before. */
    private int keyOf(ExpertTask task) {
        if (task.model() == null) {
            return task.expert();
        }
        Map<Integer, Integer> byExpert = otherKeys.computeIfAbsent(task.model(), m -> new HashMap<>());
        Integer k = byExpert.get(task.expert());
        if (k == null) {
            k = keys.size();
            keys.add(new Key(task.model(), task.modelPath(), task.expert()));
            byExpert.put(task.expert(), k);
        }
        return k;
    }

    /** The stage that runs key {@code k}, or null when its version has no session loaded yet. */
    private ExpertRuntime stageOf(Key key) {
        return key.model == null ? stage : otherStages.get(key.model);
    }

    private boolean isLoaded(int k) {
        Key key = keys.get(k);
        ExpertRuntime r = stageOf(key);
        return r != null && r.isExpertLoaded(key.expert);
    }

    private void release(int k) {
        Key key = keys.get(k);
        stageOf(key).releaseExpert(key.expert);
    }

    @Override
    public void processElement2(StreamRecord<byte[]> element) {
        if (plans.offer(PlanCodec.decode(element.getValue()), 0, delay -> {})) {
            applyPlan(false);
        }
    }

    /**
     * Takes the plan in force: notes which experts of the job's own bundle it assigns to this slot
     * (an expert it no longer assigns starts its grace period now at the latest) and loads the newly
     * assigned sessions, at once when {@code now} (in open, before any record) and by the loader
     * thread otherwise.
     */
    private void applyPlan(boolean now) {
        Placement p = plans.current().stage(stageIndex);
        long time = getProcessingTimeService().getCurrentProcessingTime();
        for (int e = 0; e < stage.expertCount(); e++) {
            Key key = keys.get(e);
            boolean a = p.replicas(e).hosts(slot);
            if (key.assigned && !a) {
                key.lastUse = Math.max(key.lastUse, time);
            }
            key.assigned = a;
        }
        if (now) {
            for (int e = 0; e < stage.expertCount(); e++) {
                if (keys.get(e).assigned && !stage.isExpertLoaded(e) && makeRoom(false)) {
                    stage.loadExpert(e);
                    keys.get(e).lastUse = time;
                }
            }
        } else {
            startLoads();
        }
    }

    private boolean isLoading(int k) {
        return loading != null && loading.key == k;
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
            if (keys.get(e).assigned && !stage.isExpertLoaded(e)) {
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
        int resident = residentSessions() + (loading == null ? 0 : 1);
        if (slotCapacity < 0 || resident < slotCapacity) {
            return true;
        }
        int victim = leastRecentlyUsedIdle(false, forRecords);
        if (victim < 0 && forRecords) {
            victim = leastRecentlyUsedIdle(true, true);
        }
        if (victim < 0 || resident > slotCapacity) {
            return false;
        }
        release(victim);
        return true;
    }

    /**
     * The least recently used resident session with no queued record: any, {@code evenAssigned};
     * otherwise one the plan does not assign, and for a plan's preload (not {@code forRecords}) of
     * another version only once it has been idle for the grace period, so preloading the job's own
     * bundle never evicts a version in use.
     */
    private int leastRecentlyUsedIdle(boolean evenAssigned, boolean forRecords) {
        int best = -1;
        long now = getProcessingTimeService().getCurrentProcessingTime();
        for (int k = 0; k < keys.size(); k++) {
            Key key = keys.get(k);
            if (isLoaded(k)
                    && key.queue.isEmpty()
                    && (evenAssigned
                            || (!key.assigned
                                    && (forRecords || key.model == null || now - key.lastUse >= releaseGraceMillis)))
                    && (best < 0 || key.lastUse < keys.get(best).lastUse)) {
                best = k;
            }
        }
        return best;
    }

    /** Hands the load of key {@code k}'s session to the loader thread. */
    private void begin(int k) {
        Key key = keys.get(k);
        Load load = new Load(k, key, stageOf(key));
        loading = load;
        loader.execute(() -> load(load));
    }

    /**
     * On the loader thread: opens the session (and, for the first session of another version, that
     * version's stage), then hands it to the task thread through the mailbox.
     */
    private void load(Load load) {
        try {
            IntConsumer hook = beforeLoad;
            if (hook != null) {
                hook.accept(load.expert);
            }
            if (load.stage == null) {
                load.stage = new StageOpener(load.path, opener.options()).experts(stageIndex, slot, deviceCount);
            }
            load.session.complete(load.stage.openExpert(load.expert));
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
        Key key = keys.get(load.key);
        if (key.model != null && load.stage != null) {
            // The version's stage opened (even when its session did not): later loads reuse it.
            otherStages.putIfAbsent(key.model, load.stage);
        }
        ModelSession session;
        try {
            session = load.session.join();
        } catch (RuntimeException failed) {
            Throwable cause = failed.getCause() == null ? failed : failed.getCause();
            throw new FailureClassifier.InfrastructureFailure(
                    "EXPERT slot " + slot + " could not load the session of " + expertName(load.key) + " (" + cause
                            + "); failing the task so it restarts from the last checkpoint.",
                    cause);
        }
        if (!load.claim()) {
            return;
        }
        stageOf(key).adoptExpert(load.expert, session);
        key.lastUse = getProcessingTimeService().getCurrentProcessingTime();
        if (!key.queue.isEmpty()) {
            runExpert(load.key);
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
        while (!waiting.isEmpty()
                || (loading != null && !keys.get(loading.key).queue.isEmpty())) {
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
                                + expertName(load.key) + " before a checkpoint barrier; failing the task so it "
                                + "restarts from the last checkpoint.",
                        slow);
            } catch (ExecutionException failed) {
                // finishLoad reports it.
            }
            finishLoad(load);
        }
    }

    private String expertName(int k) {
        Key key = keys.get(k);
        ExpertRuntime r = stageOf(key);
        if (r == null) {
            return "Expert " + key.expert + " of stage " + stageIndex + " of " + key.model + " (" + key.path + ")";
        }
        String name = "Expert " + r.spec().experts().get(key.expert).id() + " of stage "
                + r.spec().name();
        return key.model == null ? name : name + " of " + key.model;
    }

    /**
     * Releases the sessions the plan does not assign to this slot that have not been used for the
     * grace period, whatever loaded them.
     */
    private void releaseIdleSessions(long now) {
        for (int k = 0; k < keys.size(); k++) {
            Key key = keys.get(k);
            if (!key.assigned && isLoaded(k) && key.queue.isEmpty() && now - key.lastUse >= releaseGraceMillis) {
                release(k);
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
        for (int k = 0; k < keys.size(); k++) {
            if (!keys.get(k).queue.isEmpty() && isLoaded(k)) {
                runExpert(k);
            }
        }
    }

    /** Runs key {@code k}'s queue, whose session is resident, in batches of at most the batch size. */
    private void runExpert(int k) {
        Key key = keys.get(k);
        List<ExpertTask> all = key.queue;
        key.queue = new ArrayList<>();
        total -= all.size();
        if (key.model == null) {
            served[key.expert].inc(all.size());
        }
        if (transport == BatchTransport.BATCH) {
            // A run that failed the task may have left batches behind; they were never emitted.
            results = new ExpertResultBatch[combineSubtasks];
        }
        for (int from = 0; from < all.size(); from += batchSize) {
            runBatch(k, all.subList(from, Math.min(all.size(), from + batchSize)));
        }
        emitResults();
        key.lastUse = getProcessingTimeService().getCurrentProcessingTime();
        if (!waiting.isEmpty()) {
            startLoads();
        }
    }

    private void runBatch(int k, List<ExpertTask> batch) {
        Key key = keys.get(k);
        ExpertRuntime st = stageOf(key);
        int e = key.expert;
        int w = st.width();
        int p = st.expertOutputDim();
        float[] out;
        long t0 = System.nanoTime();
        try {
            // Packing is inside the try: a malformed row fails its own record, not the batch.
            float[] rows = new float[batch.size() * w];
            for (int i = 0; i < batch.size(); i++) {
                System.arraycopy(batch.get(i).row(), 0, rows, i * w, w);
            }
            out = st.runExpert(e, rows, batch.size());
        } catch (RuntimeException failed) {
            runOneByOne(k, batch, failed);
            return;
        } finally {
            if (key.model == null) {
                window.serviceNanos[e] += System.nanoTime() - t0;
                window.records[e] += batch.size();
            }
        }
        for (int i = 0; i < batch.size(); i++) {
            float[] y = new float[p];
            System.arraycopy(out, i * p, y, 0, p);
            result(batch.get(i).result(y, null));
        }
    }

    /** Emits {@code r} (record transport) or adds it to its COMBINE subtask's batch of this run. */
    @SuppressWarnings("unchecked")
    private void result(ExpertResult r) {
        if (transport == BatchTransport.RECORD) {
            output.collect(new StreamRecord<>((OUT) r));
            return;
        }
        int c = PartRouting.combineSubtask(r.eventId(), combineMaxParallelism, combineSubtasks);
        ExpertResultBatch b = results[c];
        if (b == null) {
            b = new ExpertResultBatch(c, combineSubtasks, Math.min(batchSize, 64));
            results[c] = b;
        }
        b.add(r);
    }

    /** Emits the result batches of the queue run that just ended (batch transport). */
    @SuppressWarnings("unchecked")
    private void emitResults() {
        if (transport == BatchTransport.RECORD) {
            return;
        }
        ExpertResultBatch[] done = results;
        results = null;
        for (ExpertResultBatch b : done) {
            if (b != null) {
                output.collect(new StreamRecord<>((OUT) b));
            }
        }
    }

    /**
     * Isolates the records an expert refuses; they reach COMBINE as errors and become dead
     * letters. A failure that is not the records' fails the task instead ({@link FailureClassifier}).
     */
    private void runOneByOne(int k, List<ExpertTask> batch, RuntimeException failed) {
        String expert = expertName(k);
        ExpertRuntime st = stageOf(keys.get(k));
        int e = keys.get(k).expert;
        FailureClassifier.retryOneByOne(
                "EXPERT slot " + slot + " (" + expert + ")",
                batch,
                failed,
                t -> result(t.result(st.runExpert(e, t.row(), 1), null)),
                (t, one) -> result(t.result(null, expert + " failed on this record: " + one.getMessage())));
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
        for (int e = 0; e < stage.expertCount(); e++) {
            done.queueDepth[e] = keys.get(e).queue.size();
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
            if (otherStages != null) {
                otherStages.values().forEach(ExpertRuntime::close);
            }
        } finally {
            super.close();
        }
    }

    /** One (version, expert) the slot serves: its queue and residency bookkeeping. */
    private static final class Key {
        /** The version id, null for the job's own bundle. */
        final String model;
        /** Where the version is loaded from; null for the job's own bundle. */
        final String path;

        final int expert;
        List<ExpertTask> queue = new ArrayList<>();
        /** Processing time the session was last used, loaded or unassigned. */
        long lastUse;
        /** Whether the plan in force assigns it to this slot (the job's own bundle only). */
        boolean assigned;

        Key(String model, String path, int expert) {
            this.model = model;
            this.path = path;
            this.expert = expert;
        }
    }

    /** One session load: the key, its stage (null until the loader opens another version's) and the session. */
    private static final class Load {
        final int key;
        final int expert;
        final String path;
        /** Written by the loader thread before it completes {@link #session}; read after. */
        volatile ExpertRuntime stage;

        final CompletableFuture<ModelSession> session = new CompletableFuture<>();
        private final AtomicBoolean claimed = new AtomicBoolean();

        Load(int key, Key of, ExpertRuntime stage) {
            this.key = key;
            this.expert = of.expert;
            this.path = of.path;
            this.stage = stage;
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
