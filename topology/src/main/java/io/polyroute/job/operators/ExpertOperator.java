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
import io.polyroute.runtime.placement.Placement;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.TwoInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * EXPERT of one stage; each parallel subtask is a slot. Keeps one queue per expert and runs an
 * expert's queue as one ONNX Runtime batch when it reaches the batch size, when the oldest record
 * has waited the maximum delay, and before every checkpoint barrier. Any slot serves any expert:
 * a session the slot does not hold yet is loaded on first use. The second input carries placement
 * plans: sessions newly assigned to this slot are loaded at once (before GATE routes by the plan),
 * sessions no longer assigned are released after a grace period. Per window it reports records
 * served, service time and queue depth per expert.
 */
public final class ExpertOperator extends MicroBatchOperator<ExpertResult>
        implements TwoInputStreamOperator<ExpertTask, byte[], ExpertResult> {
    private static final long serialVersionUID = 1L;

    private final StageOpener opener;
    private final int stageIndex;
    private final int deviceCount;
    private final List<Integer> expertsPerStage;
    private final long releaseGraceMillis;
    private final long windowMillis;

    private transient ExpertRuntime stage;
    private transient int slot;
    private transient List<ExpertTask>[] queues;
    private transient int total;
    private transient Counter[] served;
    private transient PlanTracker plans;
    private transient PlanState planState;
    private transient long[] unassignedSince;
    private transient LoadReport window;

    /** An EXPERT that opens its models with {@code opener} and runs by {@code settings}. */
    public ExpertOperator(StageOpener opener, ExpertSettings settings) {
        super(settings.batchSize(), settings.maxDelayMillis());
        this.opener = Objects.requireNonNull(opener, "opener");
        this.stageIndex = settings.stageIndex();
        this.expertsPerStage = settings.expertsPerStage();
        this.deviceCount = settings.deviceCount();
        this.releaseGraceMillis = settings.releaseGraceMillis();
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
        unassignedSince = new long[e];
        for (int x = 0; x < e; x++) {
            queues[x] = new ArrayList<>();
            MetricGroup g = getMetricGroup().addGroup("expert", Integer.toString(x));
            served[x] = g.counter(JobMetrics.EXPERT_RECORDS);
        }
        getMetricGroup().gauge(JobMetrics.RESIDENT_SESSIONS, () -> stage.loadedExpertCount());
        getMetricGroup().gauge(JobMetrics.PLAN_VERSION, () -> plans.current().version());
        applyPlan();
        startWindow(getProcessingTimeService().getCurrentProcessingTime());
    }

    @Override
    public void processElement1(StreamRecord<ExpertTask> element) throws Exception {
        ExpertTask task = element.getValue();
        List<ExpertTask> q = queues[task.expert()];
        q.add(task);
        total++;
        afterBuffering();
        if (q.size() >= batchSize) {
            runExpert(task.expert());
        }
    }

    @Override
    public void processElement2(StreamRecord<byte[]> element) {
        if (plans.offer(PlanCodec.decode(element.getValue()), 0, delay -> {})) {
            applyPlan();
        }
    }

    /** Warms up the sessions this slot now hosts and starts the grace period of the others. */
    private void applyPlan() {
        Placement p = plans.current().stage(stageIndex);
        long now = getProcessingTimeService().getCurrentProcessingTime();
        for (int e = 0; e < stage.expertCount(); e++) {
            if (p.replicas(e).hosts(slot)) {
                stage.loadExpert(e);
                unassignedSince[e] = 0;
            } else if (stage.isExpertLoaded(e) && unassignedSince[e] == 0) {
                unassignedSince[e] = now;
            }
        }
    }

    private void releaseIdleSessions(long now) {
        for (int e = 0; e < stage.expertCount(); e++) {
            if (unassignedSince[e] > 0
                    && now - unassignedSince[e] >= releaseGraceMillis
                    && queues[e].isEmpty()
                    && stage.isExpertLoaded(e)) {
                stage.releaseExpert(e);
                unassignedSince[e] = 0;
            }
        }
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

    @Override
    protected void flushAll() {
        for (int e = 0; e < queues.length; e++) {
            if (!queues[e].isEmpty()) {
                runExpert(e);
            }
        }
    }

    private void runExpert(int e) {
        List<ExpertTask> batch = queues[e];
        queues[e] = new ArrayList<>();
        total -= batch.size();
        served[e].inc(batch.size());
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
        String expert = "Expert " + stage.spec().experts().get(e).id() + " of stage "
                + stage.spec().name();
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
            if (stage != null) {
                stage.close();
            }
        } finally {
            super.close();
        }
    }
}
