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
import io.polyroute.job.model.InFlight;
import io.polyroute.job.model.Rejected;
import io.polyroute.job.rollout.RolloutController;
import io.polyroute.job.rollout.RolloutOutputs;
import io.polyroute.job.rollout.RolloutSettings;
import io.polyroute.job.rollout.RolloutStateStore;
import io.polyroute.job.rollout.VersionRef;
import io.polyroute.runtime.bundle.ModelBundle;
import io.polyroute.runtime.bundle.RoutingMode;
import io.polyroute.runtime.bundle.StageSpec;
import io.polyroute.runtime.eval.Evaluation;
import io.polyroute.runtime.eval.MoeEvaluator;
import io.polyroute.runtime.routing.BiasBalancer;
import io.polyroute.runtime.routing.RoutingDecision;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Objects;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.operators.TwoInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * The fused execution mode: gate, every selected expert and combine for all stages inside one
 * operator per subtask, on micro-batches, with no shuffle. The natural baseline of the
 * expert-parallel mode; both produce the same predictions.
 *
 * <p>With optional {@link Balancing}, the subtask keeps a balancing bias per gated stage, stepped at
 * the end of every window from what it routed and kept in operator state, and caps every expert
 * per micro-batch; affected predictions carry the flags.
 *
 * <p>With rollouts ({@link RolloutSettings}) it is a two-input operator whose second input is the
 * broadcast rollout commands; a {@link RolloutController} chooses each record's version and holds
 * the versions' evaluators (docs/rollouts.md).
 */
public final class FusedOperator extends MicroBatchOperator<InFlight>
        implements OneInputStreamOperator<InFlight, InFlight>, TwoInputStreamOperator<InFlight, byte[], InFlight> {
    private static final long serialVersionUID = 1L;

    private static final String[] NO_FLAGS = new String[0];

    private final StageOpener opener;
    private final int deviceCount;
    private final Balancing balancing;
    private final long windowMillis;
    /** Null when the job serves no rollouts. */
    private final RolloutSettings rollout;
    /** Loaded once in initializeState (which runs before open) for both the balancers and the evaluator. */
    private transient ModelBundle bundle;

    private transient MoeEvaluator evaluator;
    private transient List<InFlight> buffer;
    private transient Counter completed;
    private transient Counter rejected;
    private transient Counter rerouted;
    private transient Histogram rowsPerRun;
    /** One balancing bias per stage; null for stages without a gate or when bias balancing is off. */
    private transient BiasBalancer[] bias;

    private transient BiasState biasState;
    private transient RolloutStateStore rolloutStore;
    /** Owns every evaluator when rollouts are on ({@link #evaluator} is then null); null otherwise. */
    private transient RolloutController rollouts;

    /** A FUSED operator that opens its models with {@code opener} and runs by {@code settings}. */
    public FusedOperator(StageOpener opener, FusedSettings settings) {
        this(opener, settings, null);
    }

    /** A FUSED operator that also serves the rollouts of {@code rollout} (null: none). */
    public FusedOperator(StageOpener opener, FusedSettings settings, RolloutSettings rollout) {
        super(settings.batchSize(), settings.maxBatchSize(), settings.maxDelayMillis());
        this.rollout = rollout;
        this.opener = Objects.requireNonNull(opener, "opener");
        this.deviceCount = settings.deviceCount();
        this.balancing = settings.balancing();
        this.windowMillis = settings.windowMillis();
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        bundle = opener.bundle();
        bias = new BiasBalancer[bundle.stageCount()];
        for (int s = 0; s < bias.length; s++) {
            StageSpec spec = bundle.stage(s);
            bias[s] = spec.routingMode() == RoutingMode.GATE ? balancing.newBalancer(spec.expertCount()) : null;
        }
        biasState = BiasState.open(context, bias);
        if (rollout != null) {
            rolloutStore = RolloutStateStore.open(
                    context,
                    getRuntimeContext().getTaskInfo().getIndexOfThisSubtask(),
                    getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks(),
                    baseVersion());
        }
    }

    private VersionRef baseVersion() {
        return new VersionRef(bundle.name(), bundle.version(), opener.bundlePath(), "");
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        biasState.store(bias);
        if (rollouts != null) {
            rolloutStore.store(rollouts.state());
        }
    }

    @Override
    public void open() throws Exception {
        super.open();
        evaluator = opener.evaluator(bundle, getRuntimeContext().getTaskInfo().getIndexOfThisSubtask(), deviceCount);
        evaluator.preloadExperts();
        if (rollout != null) {
            int subtask = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
            rollouts = new RolloutController(
                    subtask,
                    getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks(),
                    baseVersion(),
                    rollout,
                    rolloutStore.restored(),
                    evaluator,
                    RolloutController.loader(opener, bundle, subtask, deviceCount),
                    status -> output.collect(RolloutOutputs.STATUS, new StreamRecord<>(status)));
            evaluator = null;
            rollouts.open();
        }
        buffer = new ArrayList<>(batchSize);
        rowsPerRun =
                getMetricGroup().histogram(JobMetrics.ROWS_PER_EXPERT_RUN, new DescriptiveStatisticsHistogram(1000));
        completed = getMetricGroup().counter(JobMetrics.PREDICTIONS);
        rejected = getMetricGroup().counter(JobMetrics.RECORDS_REJECTED);
        rerouted = getMetricGroup().counter(JobMetrics.REROUTED);
        getMetricGroup().gauge(JobMetrics.MAX_ABS_BIAS, this::maxAbsBias);
        if (balancing.biasEnabled()) {
            scheduleWindowEnd(getProcessingTimeService().getCurrentProcessingTime());
        }
    }

    private void scheduleWindowEnd(long now) {
        long end = now - Math.floorMod(now, windowMillis) + windowMillis;
        getProcessingTimeService().registerTimer(end, this::endWindow);
    }

    /** Steps every stage's bias by what this subtask routed in the window that just ended. */
    private void endWindow(long time) {
        for (BiasBalancer b : bias) {
            if (b != null) {
                b.update();
            }
        }
        scheduleWindowEnd(time);
    }

    private float maxAbsBias() {
        float m = 0f;
        for (BiasBalancer b : bias) {
            m = b == null ? m : Math.max(m, b.maxAbsBias());
        }
        return m;
    }

    @Override
    public void processElement(StreamRecord<InFlight> element) throws Exception {
        buffer.add(element.getValue());
        afterBuffering();
        if (isFull()) {
            flushAndRecord();
        }
    }

    @Override
    public void processElement1(StreamRecord<InFlight> element) throws Exception {
        processElement(element);
    }

    /** A rollout command or vote: applied now; what changes which version serves takes effect at the next barrier. */
    @Override
    public void processElement2(StreamRecord<byte[]> element) {
        rollouts.onCommand(element.getValue());
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        // The flush serves every buffered record with the version it was chosen for; then the rollout
        // may change versions for the records after the barrier.
        super.prepareSnapshotPreBarrier(checkpointId);
        if (rollouts != null) {
            rollouts.atBarrier();
        }
    }

    @Override
    protected int buffered() {
        return buffer == null ? 0 : buffer.size();
    }

    @Override
    protected void flushAll() {
        List<InFlight> batch = buffer;
        buffer = new ArrayList<>(targetSize());
        List<InFlight> done;
        try {
            done = evaluate(batch);
        } catch (RuntimeException e) {
            // Isolate the records the model refuses; a failure that is not the records' fails the
            // task instead (FailureClassifier).
            List<InFlight> served = new ArrayList<>();
            FailureClassifier.retryOneByOne(
                    "FUSED subtask " + getRuntimeContext().getTaskInfo().getIndexOfThisSubtask(),
                    batch,
                    e,
                    rec -> served.addAll(evaluate(List.of(rec))),
                    (rec, one) -> modelError(rec, "The model failed on this record: " + one.getMessage()));
            done = served;
        }
        for (InFlight rec : done) {
            if (allFinite(rec.previous)) {
                completed.inc();
                output.collect(new StreamRecord<>(rec));
            } else {
                modelError(rec, "The model produced a non-finite output for this record.");
            }
        }
    }

    private void modelError(InFlight rec, String message) {
        rejected.inc();
        output.collect(
                DeadLetters.TAG, new StreamRecord<>(Rejected.of(rec, DeadLetterReason.MODEL_ERROR.name(), message)));
    }

    private List<InFlight> evaluate(List<InFlight> batch) {
        if (rollouts == null) {
            return evaluate(batch, evaluator, true);
        }
        return rollouts.serve(
                batch, this::evaluate, pair -> output.collect(RolloutOutputs.SHADOW, new StreamRecord<>(pair)));
    }

    /** Evaluates {@code batch} with {@code eval}; balancing applies to the job's own bundle ({@code base}) only. */
    private List<InFlight> evaluate(List<InFlight> batch, MoeEvaluator eval, boolean base) {
        int n = batch.size();
        int d = batch.get(0).features.length;
        float[] x = new float[n * d];
        int[] tasks = new int[n];
        for (int r = 0; r < n; r++) {
            System.arraycopy(batch.get(r).features, 0, x, r * d, d);
            tasks[r] = batch.get(r).taskIndex;
        }
        Evaluation ev;
        if (base) {
            float[][] stageBias = new float[bias.length][];
            for (int s = 0; s < bias.length; s++) {
                stageBias[s] = bias[s] == null ? null : bias[s].bias();
            }
            ev = eval.evaluate(x, n, tasks, stageBias, balancing.capacityFactor());
            for (int s = 0; s < bias.length; s++) {
                if (bias[s] != null) {
                    bias[s].count(ev.routing()[s]);
                }
            }
        } else {
            ev = eval.evaluate(x, n, tasks);
        }
        int subtask = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
        RoutingDecision[][] routing = ev.routing();
        if (base) {
            rowsPerRun.update(rowsPerExpertRun(routing, n));
        }
        int stages = routing.length;
        int od = ev.outputDim();
        float[] y = ev.output();
        for (int r = 0; r < n; r++) {
            InFlight rec = batch.get(r);
            // The record's choices of every stage, group by group, highest score first: sized once
            // and filled in place (as Choices.of would, without its per-stage arrays).
            int m = 0;
            for (int s = 0; s < stages; s++) {
                RoutingDecision dec = routing[s][r];
                m += dec.groups() * dec.k();
            }
            int[] stageOf = new int[m];
            int[] groupOf = new int[m];
            int[] expertOf = new int[m];
            int[] slotOf = new int[m];
            float[] weightOf = new float[m];
            rec.flags = NO_FLAGS;
            boolean changed = false;
            int at = 0;
            for (int s = 0; s < stages; s++) {
                RoutingDecision dec = routing[s][r];
                if (dec.reroutes() != 0) {
                    Balancing.flag(rec, dec.reroutes());
                }
                changed |= dec.rerouted();
                int k = dec.k();
                for (int g = 0; g < dec.groups(); g++) {
                    for (int i = 0; i < k; i++) {
                        stageOf[at] = s;
                        groupOf[at] = g;
                        expertOf[at] = dec.expert(g, i);
                        slotOf[at] = subtask;
                        weightOf[at] = dec.weight(g, i);
                        at++;
                    }
                }
            }
            rec.choiceStage = stageOf;
            rec.choiceGroup = groupOf;
            rec.choiceExpert = expertOf;
            rec.choiceSlot = slotOf;
            rec.choiceWeight = weightOf;
            if (changed) {
                rerouted.inc();
            }
            rec.previous = Arrays.copyOfRange(y, r * od, (r + 1) * od);
            rec.stage = stages;
        }
        return batch;
    }

    /** Mean rows per expert run of a batch: visits over the distinct experts visited, every stage. */
    private static long rowsPerExpertRun(RoutingDecision[][] routing, int n) {
        long visits = 0;
        long runs = 0;
        for (RoutingDecision[] stage : routing) {
            long seen = 0; // experts 0..63 of this stage visited so far, as bits; the rest in a BitSet
            BitSet wide = null;
            for (int r = 0; r < n; r++) {
                RoutingDecision d = stage[r];
                for (int i = 0; i < d.visitedCount(); i++) {
                    int e = d.visitedExpert(i);
                    visits++;
                    if (e < 64) {
                        seen |= 1L << e;
                    } else {
                        if (wide == null) {
                            wide = new BitSet();
                        }
                        wide.set(e);
                    }
                }
            }
            runs += Long.bitCount(seen) + (wide == null ? 0 : wide.cardinality());
        }
        return runs == 0 ? 0 : Math.round((double) visits / runs);
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
    public void close() throws Exception {
        try {
            if (evaluator != null) {
                evaluator.close();
            }
            if (rollouts != null) {
                rollouts.close();
            }
        } finally {
            super.close();
        }
    }
}
