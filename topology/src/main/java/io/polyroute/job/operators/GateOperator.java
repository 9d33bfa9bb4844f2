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

import io.polyroute.avro.DeadLetterReason;
import io.polyroute.job.config.BatchTransport;
import io.polyroute.job.control.LoadReport;
import io.polyroute.job.control.PlanCodec;
import io.polyroute.job.control.PlanOrigin;
import io.polyroute.job.control.PlanState;
import io.polyroute.job.control.PlanTracker;
import io.polyroute.job.control.VersionPlans;
import io.polyroute.job.model.ExpertTask;
import io.polyroute.job.model.ExpertTaskBatch;
import io.polyroute.job.model.InFlight;
import io.polyroute.job.model.RecordHeader;
import io.polyroute.job.model.RecordHeaderBatch;
import io.polyroute.job.model.Rejected;
import io.polyroute.job.rollout.RolloutOutputs;
import io.polyroute.job.rollout.RolloutSettings;
import io.polyroute.job.rollout.RolloutStateStore;
import io.polyroute.job.rollout.RolloutVersions;
import io.polyroute.job.rollout.VersionChecks;
import io.polyroute.job.rollout.VersionRef;
import io.polyroute.runtime.bundle.ModelBundle;
import io.polyroute.runtime.eval.GateRuntime;
import io.polyroute.runtime.placement.Placement;
import io.polyroute.runtime.routing.BiasBalancer;
import io.polyroute.runtime.routing.Choices;
import io.polyroute.runtime.routing.RoutingDecision;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.TwoInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;

/**
 * GATE of one stage: micro-batches records, runs the stage encoder, gate and shared expert, and
 * emits one {@link ExpertTask} per (record, visited expert) addressed to a slot of the placement
 * plan in force, plus one {@link RecordHeader} per record to {@link #HEADERS} for COMBINE. The
 * second input carries placement plans (broadcast); a newer plan takes effect after the
 * activation delay, giving EXPERT slots time to load newly assigned sessions. Per window it
 * reports how many records it routed to each expert. A batch that fails is retried record by
 * record so only the failing records become {@code MODEL_ERROR} dead letters; a failure that does
 * not depend on the records fails the task instead ({@link FailureClassifier}).
 *
 * <p>With optional {@link Balancing}, each subtask keeps its own balancing bias, stepped at the end
 * of every load window from what the subtask routed in it and kept in operator state, and caps
 * every expert per micro-batch. Headers carry how balancing changed a record's routing.
 *
 * <p>Versions (docs/rollouts.md): with {@link RolloutSettings} (the first stage only) the second
 * input also carries the broadcast rollout commands ({@link ControlInput}); a {@link
 * RolloutVersions} loads versions off the task thread and changes which version serves only at a
 * checkpoint barrier, and every record is stamped with the version chosen for it. The GATE of a
 * later stage follows the stamp, opening a version on its first record ({@link VersionCache}).
 * Records of the job's own bundle route by the plan in force and are balanced; records of another
 * version route by the plain gate over the newest plan of that version ({@link VersionPlans}), its
 * round-robin placement until one arrives, and are counted in load reports of their own.
 * During a live shadow the first stage's GATE also sends a copy of every record stamped with the
 * shadow version ({@link ShadowCopies}); a copy the gate fails on is dropped, not dead-lettered.
 *
 * <h2>Transport</h2>
 *
 * <p>{@link GateSettings#transport()} decides what crosses the shuffles to EXPERT and COMBINE. With
 * {@link BatchTransport#RECORD} ({@link #records}) every task is one element of the main output and
 * every header one element of {@link #HEADERS}. With {@link BatchTransport#BATCH} ({@link #batches})
 * each micro-batch (each version's part of it) leaves as one {@link ExpertTaskBatch} per EXPERT
 * subtask that gets tasks of it (the task's slot modulo the EXPERT parallelism) on the main output,
 * and one {@link RecordHeaderBatch} per COMBINE subtask that gets headers of it ({@link
 * PartRouting#combineSubtask}) on {@link #HEADER_BATCHES}; {@link PartRouting.ToTarget} delivers
 * each batch to its subtask. Either way a part is emitted only once all of it was routed, and dead
 * letters, load reports and rollout status leave as before.
 *
 * @param <OUT> the main output: {@link ExpertTask} for the record transport, {@link ExpertTaskBatch}
 *     for the batch transport
 */
public final class GateOperator<OUT> extends MicroBatchOperator<OUT>
        implements TwoInputStreamOperator<InFlight, byte[], OUT> {
    private static final long serialVersionUID = 1L;

    /** Side output of the per-record headers (record transport). */
    public static final OutputTag<RecordHeader> HEADERS = new OutputTag<>("stage-headers") {};

    /** Side output of the headers, one batch per COMBINE subtask and micro-batch (batch transport). */
    public static final OutputTag<RecordHeaderBatch> HEADER_BATCHES = new OutputTag<>("stage-header-batches") {};

    private final StageOpener opener;
    private final int stageIndex;
    private final List<Integer> expertsPerStage;
    private final int slots;
    private final long activationDelayMillis;
    private final long windowMillis;
    private final Balancing balancing;
    /** Null unless this GATE chooses versions (the first stage of a job that serves rollouts). */
    private final RolloutSettings rollout;

    private final BatchTransport transport;
    /** EXPERT subtasks a task batch is grouped for (batch transport). */
    private final int expertSubtasks;
    /** COMBINE subtasks a header batch is grouped for (batch transport). */
    private final int combineSubtasks;
    /** COMBINE's key groups (batch transport). */
    private final int combineMaxParallelism;

    /** The job's own bundle's runtime; owned by {@link #versions} when there is one. */
    private transient GateRuntime stage;

    private transient String stageName;
    private transient VersionRef base;
    private transient RolloutStateStore rolloutStore;
    /** Chooses and holds the versions (first stage with rollouts); null otherwise. */
    private transient RolloutVersions<GateRuntime> versions;
    /** Versions that records name (later stages); null in the first stage with rollouts. */
    private transient VersionCache<GateRuntime> others;
    /** The plans of each version other than the job's own bundle, by version id. */
    private transient VersionPlans versionPlans;

    private transient List<InFlight> buffer;
    private transient PlanTracker plans;
    private transient PlanState planState;
    /** When the pending plan activates (processing time). */
    private transient long pendingActivation;

    private transient LoadReport window;
    /** This window's load of each other version that routed a record in it, by version id. */
    private transient Map<String, LoadReport> versionWindows;

    private transient Counter rejected;
    private transient Counter rerouted;
    /** The stage's balancing bias (one entry; null when bias balancing is off or the stage has no gate). */
    private transient BiasBalancer[] bias;

    private transient BiasState biasState;

    /**
     * A GATE that opens its models with {@code opener} and runs by {@code settings}, with the
     * transport they name; {@link #records} and {@link #batches} type its output.
     */
    public GateOperator(StageOpener opener, GateSettings settings) {
        this(opener, settings, null);
    }

    /**
     * A GATE that also chooses every record's version by the rollouts of {@code rollout} (null:
     * none); only the first stage's GATE may, and its second input then carries {@link ControlInput}
     * messages. Its output follows {@link GateSettings#transport()}; {@link #records} and {@link
     * #batches} type it.
     */
    public GateOperator(StageOpener opener, GateSettings settings, RolloutSettings rollout) {
        super(settings.batchSize(), settings.maxBatchSize(), settings.maxDelayMillis());
        if (rollout != null && settings.stageIndex() != 0) {
            throw new IllegalArgumentException(
                    "Only the GATE of the first stage chooses versions, not stage " + settings.stageIndex() + ".");
        }
        this.rollout = rollout;
        this.opener = Objects.requireNonNull(opener, "opener");
        this.stageIndex = settings.stageIndex();
        this.expertsPerStage = settings.expertsPerStage();
        this.slots = settings.slots();
        this.activationDelayMillis = settings.activationDelayMillis();
        this.windowMillis = settings.windowMillis();
        this.balancing = settings.balancing();
        this.transport = settings.transport();
        this.expertSubtasks = settings.expertParallelism();
        this.combineSubtasks = settings.combineParallelism();
        this.combineMaxParallelism = settings.combineMaxParallelism();
    }

    /**
     * A GATE of the record transport: one {@link ExpertTask} per (record, visited expert), one
     * {@link RecordHeader} per record on {@link #HEADERS}.
     *
     * @param rollout the rollouts this GATE chooses versions by (first stage only), or null
     * @throws IllegalArgumentException when {@code settings} name the batch transport
     */
    public static GateOperator<ExpertTask> records(StageOpener opener, GateSettings settings, RolloutSettings rollout) {
        requireTransport(settings.transport(), BatchTransport.RECORD);
        return new GateOperator<>(opener, settings, rollout);
    }

    /**
     * A GATE of the batch transport: per micro-batch one {@link ExpertTaskBatch} per EXPERT subtask
     * and one {@link RecordHeaderBatch} per COMBINE subtask on {@link #HEADER_BATCHES}, each for a
     * subtask that gets elements of it.
     *
     * @param rollout the rollouts this GATE chooses versions by (first stage only), or null
     * @throws IllegalArgumentException when {@code settings} name the record transport
     */
    public static GateOperator<ExpertTaskBatch> batches(
            StageOpener opener, GateSettings settings, RolloutSettings rollout) {
        requireTransport(settings.transport(), BatchTransport.BATCH);
        return new GateOperator<>(opener, settings, rollout);
    }

    /** Refuses settings of another transport than the one the caller types the output for. */
    static void requireTransport(BatchTransport actual, BatchTransport expected) {
        if (actual != expected) {
            throw new IllegalArgumentException("The settings name batching.transport = "
                    + actual.name().toLowerCase(Locale.ROOT) + ", but the operator was asked for "
                    + expected.name().toLowerCase(Locale.ROOT) + "; build it with the factory of "
                    + "the configured transport.");
        }
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        plans = new PlanTracker(expertsPerStage, slots);
        planState = PlanState.open(context, plans);
        bias = new BiasBalancer[] {balancing.newBalancer(expertsPerStage.get(stageIndex))};
        biasState = BiasState.open(context, bias);
        ModelBundle manifest = opener.manifest();
        base = new VersionRef(manifest.name(), manifest.version(), opener.bundlePath(), "");
        versionPlans =
                VersionPlans.open(context, new PlanOrigin("", manifest.name(), manifest.version()), stageIndex, slots);
        if (rollout != null) {
            rolloutStore = RolloutStateStore.open(
                    context,
                    getRuntimeContext().getTaskInfo().getIndexOfThisSubtask(),
                    getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks(),
                    base);
        }
    }

    @Override
    public void open() throws Exception {
        super.open();
        ModelBundle own = opener.bundle();
        stage = GateRuntime.open(own, stageIndex, opener.options());
        stageName = stage.spec().name();
        versionWindows = new LinkedHashMap<>();
        int subtask = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
        if (rollout != null) {
            versions = new RolloutVersions<>(
                    "GATE subtask " + subtask + " of stage " + stageName,
                    subtask,
                    getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks(),
                    rollout,
                    rolloutStore.restored(),
                    base,
                    stage,
                    v -> {
                        StageOpener o = new StageOpener(v.path(), opener.options());
                        ModelBundle b = o.bundle();
                        VersionChecks.check(b, v, own);
                        VersionChecks.sameStages(b, v, own);
                        return GateRuntime.open(b, stageIndex, opener.options());
                    },
                    null,
                    status -> output.collect(RolloutOutputs.STATUS, new StreamRecord<>(status)));
            versions.open();
        } else {
            others = new VersionCache<>(
                    "GATE subtask " + subtask + " of stage " + stageName,
                    path -> new StageOpener(path, opener.options()).gate(stageIndex));
        }
        buffer = new ArrayList<>(batchSize);
        rejected = getMetricGroup().counter(JobMetrics.RECORDS_REJECTED);
        rerouted = getMetricGroup().counter(JobMetrics.REROUTED);
        getMetricGroup().gauge(JobMetrics.MAX_ABS_BIAS, () -> bias[0] == null ? 0f : bias[0].maxAbsBias());
        getMetricGroup().gauge(JobMetrics.PLAN_VERSION, () -> plans.current().version());
        startWindow(getProcessingTimeService().getCurrentProcessingTime());
        planState.restoredActivation().ifPresent(this::armActivation);
    }

    @Override
    public void processElement1(StreamRecord<InFlight> element) throws Exception {
        buffer.add(element.getValue());
        afterBuffering();
        if (isFull()) {
            flushAndRecord();
        }
    }

    @Override
    public void processElement2(StreamRecord<byte[]> element) throws Exception {
        byte[] message = element.getValue();
        if (rollout != null) {
            if (ControlInput.kind(message) == ControlInput.ROLLOUT) {
                // Applied now; what changes which version serves takes effect at the next barrier.
                versions.onCommand(ControlInput.body(message));
                return;
            }
            message = ControlInput.body(message);
        }
        if (versionPlans.offer(message)) {
            return;
        }
        // Plans reach here through PlanFilterFunction, so they decode and fit the job.
        plans.offer(
                PlanCodec.decode(message),
                activationDelayMillis,
                delay -> armActivation(getProcessingTimeService().getCurrentProcessingTime() + delay));
    }

    /** Activates the pending plan at {@code time}; kept in state so a restore re-arms it. */
    private void armActivation(long time) {
        pendingActivation = time;
        getProcessingTimeService().registerTimer(time, t -> activate());
    }

    private void activate() throws Exception {
        // Records already buffered keep the slots of the plan they were routed under.
        flushAndRecord();
        plans.activatePending();
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        // The flush routes every buffered record with the version it was chosen for; then the
        // rollout may change versions for the records after the barrier.
        super.prepareSnapshotPreBarrier(checkpointId);
        if (versions != null) {
            versions.atBarrier();
        } else {
            others.atBarrier();
        }
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        planState.store(plans.current(), plans.pending(), pendingActivation);
        versionPlans.store();
        biasState.store(bias);
        if (versions != null) {
            rolloutStore.store(versions.state());
        }
    }

    @Override
    protected int buffered() {
        return buffer == null ? 0 : buffer.size();
    }

    @Override
    protected void flushAll() {
        List<InFlight> batch = buffer;
        buffer = new ArrayList<>(batchSize);
        // One part per version, each routed on its own.
        Map<String, List<InFlight>> parts = new LinkedHashMap<>();
        VersionRef shadow = versions == null ? null : versions.state().shadow();
        for (InFlight rec : batch) {
            if (versions != null) {
                VersionCache.stamp(rec, versions.state().choose(rec.eventId), base);
            }
            String id = VersionCache.versionOf(rec);
            parts.computeIfAbsent(id == null ? "" : id, k -> new ArrayList<>()).add(rec);
            if (shadow != null) {
                // A live shadow computes every record again, as a copy stamped with the shadow version.
                InFlight copy = ShadowCopies.copyOf(rec);
                VersionCache.stamp(copy, shadow, base);
                String sid = VersionCache.versionOf(copy);
                parts.computeIfAbsent(sid == null ? "" : sid, k -> new ArrayList<>())
                        .add(copy);
            }
        }
        for (List<InFlight> part : parts.values()) {
            routeIsolated(part, servedBy(part.get(0)));
        }
    }

    /** What routes a record: its version's runtime and placement; {@code model} null for the job's own bundle. */
    private record Served(GateRuntime gate, Placement placement, String model, String modelPath) {}

    /** What serves {@code rec}: the version stamped on it (chosen by the first stage's GATE). */
    private Served servedBy(InFlight rec) {
        String id = VersionCache.versionOf(rec);
        GateRuntime gate;
        if (versions != null) {
            gate = versions.models(
                    id == null ? base : new VersionRef(rec.modelName, rec.modelVersion, rec.modelPath, ""));
        } else {
            gate = id == null ? stage : others.get(id, rec.modelPath);
        }
        if (id == null) {
            return new Served(gate, plans.current().stage(stageIndex), null, null);
        }
        return new Served(gate, versionPlans.placement(id, gate.expertCount()), id, rec.modelPath);
    }

    private void routeIsolated(List<InFlight> batch, Served by) {
        try {
            route(batch, by);
        } catch (RuntimeException e) {
            // Isolate the records the models refuse; the rest are served as usual. A failure that
            // is not the records' fails the task instead (FailureClassifier).
            FailureClassifier.retryOneByOne(
                    "GATE of stage " + stageName, batch, e, rec -> route(List.of(rec), by), (rec, one) -> {
                        if (ShadowCopies.isCopy(rec.eventId)) {
                            // The shadow never changes what is served: a failure of it costs only its pair.
                            return;
                        }
                        rejected.inc();
                        output.collect(
                                DeadLetters.TAG,
                                new StreamRecord<>(Rejected.of(
                                        rec,
                                        DeadLetterReason.MODEL_ERROR.name(),
                                        "Stage " + stageName + " gate failed on this record: " + one.getMessage())));
                    });
        }
    }

    private void route(List<InFlight> batch, Served by) {
        GateRuntime stage = by.gate();
        boolean own = by.model() == null;
        int n = batch.size();
        int d = batch.get(0).features.length;
        float[] features = new float[n * d];
        int[] tasks = new int[n];
        float[] previous = null;
        if (stageIndex > 0) {
            int p = batch.get(0).previous.length;
            previous = new float[n * p];
            for (int r = 0; r < n; r++) {
                System.arraycopy(batch.get(r).previous, 0, previous, r * p, p);
            }
        }
        for (int r = 0; r < n; r++) {
            System.arraycopy(batch.get(r).features, 0, features, r * d, d);
            tasks[r] = batch.get(r).taskIndex;
        }
        float[] u = stage.encode(stage.stageInput(features, previous, n), n);
        // Balancing applies to the job's own bundle only; other versions route by the plain gate.
        RoutingDecision[] decisions = stage.route(
                u,
                n,
                tasks,
                inherited(batch),
                own && bias[0] != null ? bias[0].bias() : null,
                own ? balancing.capacityFactor() : 0);
        float[] shared = stage.runShared(u, n);
        int w = stage.width();
        int od = stage.outputDim();
        Placement placement = by.placement();
        List<ExpertTask> tasksOut = new ArrayList<>();
        List<RecordHeader> headersOut = new ArrayList<>(n);
        long[] routed = new long[stage.expertCount()];
        for (int r = 0; r < n; r++) {
            InFlight rec = batch.get(r);
            RoutingDecision dec = decisions[r];
            float[] row = new float[w];
            System.arraycopy(u, r * w, row, 0, w);
            long hash = PlanTracker.recordHash(rec.eventId);
            int[] slotOf = new int[stage.expertCount()];
            for (int i = 0; i < dec.visitedCount(); i++) {
                int e = dec.visitedExpert(i);
                slotOf[e] = placement.slotFor(e, hash);
                routed[e]++;
                tasksOut.add(new ExpertTask(rec.eventId, stageIndex, e, slotOf[e], row, by.model(), by.modelPath()));
            }
            headersOut.add(header(rec, dec, slotOf, shared, r, od));
        }
        // Emit only after the whole batch succeeded, so a retry never duplicates parts.
        emit(headersOut, tasksOut);
        LoadReport counted = own
                ? window
                : versionWindows.computeIfAbsent(by.model(), k -> versionWindow(batch.get(0), routed.length));
        for (int e = 0; e < routed.length; e++) {
            counted.records[e] += routed[e];
        }
        if (!own) {
            // Balancing is about the job's own bundle only.
            return;
        }
        if (bias[0] != null) {
            bias[0].count(decisions);
        }
        for (RoutingDecision dec : decisions) {
            if (dec.rerouted()) {
                rerouted.inc();
            }
        }
    }

    /** Emits one routed part's headers, then its tasks, by the transport. */
    @SuppressWarnings("unchecked")
    private void emit(List<RecordHeader> headers, List<ExpertTask> tasks) {
        if (transport == BatchTransport.RECORD) {
            for (RecordHeader h : headers) {
                output.collect(HEADERS, new StreamRecord<>(h));
            }
            for (ExpertTask t : tasks) {
                output.collect(new StreamRecord<>((OUT) t));
            }
            return;
        }
        RecordHeaderBatch[] headerBatches = new RecordHeaderBatch[combineSubtasks];
        int perCombine = headers.size() / combineSubtasks + 1;
        for (RecordHeader h : headers) {
            int c = PartRouting.combineSubtask(h.eventId(), combineMaxParallelism, combineSubtasks);
            if (headerBatches[c] == null) {
                headerBatches[c] = new RecordHeaderBatch(c, combineSubtasks, perCombine);
            }
            headerBatches[c].add(h);
        }
        ExpertTaskBatch[] taskBatches = new ExpertTaskBatch[expertSubtasks];
        int perExpert = tasks.size() / expertSubtasks + 1;
        for (ExpertTask t : tasks) {
            int x = Math.floorMod(t.slot(), expertSubtasks);
            if (taskBatches[x] == null) {
                taskBatches[x] = new ExpertTaskBatch(x, expertSubtasks, perExpert);
            }
            taskBatches[x].add(t);
        }
        for (RecordHeaderBatch b : headerBatches) {
            if (b != null) {
                output.collect(HEADER_BATCHES, new StreamRecord<>(b));
            }
        }
        for (ExpertTaskBatch b : taskBatches) {
            if (b != null) {
                output.collect(new StreamRecord<>((OUT) b));
            }
        }
    }

    private void startWindow(long now) {
        long start = now - Math.floorMod(now, windowMillis);
        window = LoadReport.empty(
                LoadReport.GATE,
                getRuntimeContext().getTaskInfo().getIndexOfThisSubtask(),
                stageIndex,
                expertsPerStage.get(stageIndex),
                start,
                start + windowMillis,
                plans.current().version());
        getProcessingTimeService().registerTimer(start + windowMillis, this::endWindow);
    }

    /** An empty report of this window for the version {@code rec} is stamped with, of {@code experts} experts. */
    private LoadReport versionWindow(InFlight rec, int experts) {
        LoadReport r = LoadReport.empty(
                LoadReport.GATE, window.subtask, stageIndex, experts, window.windowStart, window.windowEnd, 0);
        r.bundleName = rec.modelName;
        r.bundleVersion = rec.modelVersion;
        return r;
    }

    private void endWindow(long time) {
        LoadReport done = window;
        done.planVersion = plans.current().version();
        output.collect(LoadReports.TAG, new StreamRecord<>(done));
        for (Map.Entry<String, LoadReport> v : versionWindows.entrySet()) {
            v.getValue().planVersion = versionPlans.version(v.getKey());
            output.collect(LoadReports.TAG, new StreamRecord<>(v.getValue()));
        }
        versionWindows.clear();
        if (bias[0] != null) {
            bias[0].update();
        }
        startWindow(time);
    }

    private RoutingDecision[] inherited(List<InFlight> batch) {
        if (stageIndex == 0) {
            return null;
        }
        RoutingDecision[] out = new RoutingDecision[batch.size()];
        for (int r = 0; r < out.length; r++) {
            out[r] = Decisions.lastStage(batch.get(r), stageIndex - 1);
        }
        return out;
    }

    private RecordHeader header(InFlight rec, RoutingDecision dec, int[] slotOf, float[] shared, int r, int od) {
        Choices c = Choices.of(dec);
        float[] sharedRow = null;
        if (shared != null) {
            sharedRow = new float[od];
            System.arraycopy(shared, r * od, sharedRow, 0, od);
        }
        return new RecordHeader(
                rec.eventId,
                stageIndex,
                rec,
                dec.groups(),
                dec.k(),
                c.experts(),
                c.weights(),
                c.slots(slotOf),
                dec.visitedCount(),
                sharedRow,
                dec.reroutes());
    }

    @Override
    public void close() throws Exception {
        try {
            if (versions != null) {
                versions.close();
            } else if (stage != null) {
                stage.close();
            }
            if (others != null) {
                others.close();
            }
        } finally {
            super.close();
        }
    }
}
