package io.polyroute.job.operators;

import io.polyroute.job.model.Part;
import io.polyroute.runtime.eval.StageRuntime;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * EXPERT of one stage; each parallel subtask is a slot. Keeps one queue per expert and runs an
 * expert's queue as one ONNX Runtime batch when it reaches the batch size, when the oldest record
 * has waited the maximum delay, and before every checkpoint barrier. Any slot serves any expert:
 * a session the slot does not hold yet is loaded on first use.
 */
public final class ExpertOperator extends MicroBatchOperator<Part> implements OneInputStreamOperator<Part, Part> {
    private static final long serialVersionUID = 1L;

    private final StageOpener opener;
    private final int stageIndex;
    private final int deviceCount;

    private transient StageRuntime stage;
    private transient List<Part>[] queues;
    private transient int total;
    private transient Counter[] served;

    public ExpertOperator(StageOpener opener, int stageIndex, int deviceCount, int batchSize, long maxDelayMillis) {
        super(batchSize, maxDelayMillis);
        this.opener = opener;
        this.stageIndex = stageIndex;
        this.deviceCount = deviceCount;
    }

    @Override
    @SuppressWarnings("unchecked")
    public void open() throws Exception {
        super.open();
        int slot = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
        stage = opener.stage(stageIndex, slot, deviceCount);
        queues = new List[stage.expertCount()];
        served = new Counter[stage.expertCount()];
        for (int e = 0; e < queues.length; e++) {
            queues[e] = new ArrayList<>();
            MetricGroup g = getMetricGroup().addGroup("expert", Integer.toString(e));
            served[e] = g.counter(JobMetrics.EXPERT_RECORDS);
        }
        getMetricGroup().gauge(JobMetrics.RESIDENT_SESSIONS, () -> stage.loadedExpertCount());
    }

    @Override
    public void processElement(StreamRecord<Part> element) throws Exception {
        Part task = element.getValue();
        List<Part> q = queues[task.expert];
        q.add(task);
        total++;
        afterBuffering();
        if (q.size() >= batchSize) {
            runExpert(task.expert);
        }
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
        List<Part> batch = queues[e];
        queues[e] = new ArrayList<>();
        total -= batch.size();
        served[e].inc(batch.size());
        int w = stage.width();
        int p = stage.expertOutputDim();
        float[] rows = new float[batch.size() * w];
        for (int i = 0; i < batch.size(); i++) {
            System.arraycopy(batch.get(i).vector, 0, rows, i * w, w);
        }
        float[] out;
        try {
            out = stage.runExpert(e, rows, batch.size());
        } catch (RuntimeException failed) {
            runOneByOne(e, batch);
            return;
        }
        for (int i = 0; i < batch.size(); i++) {
            float[] y = new float[p];
            System.arraycopy(out, i * p, y, 0, p);
            output.collect(new StreamRecord<>(Part.result(batch.get(i), y, null)));
        }
    }

    /** Isolates the records an expert refuses; they reach COMBINE as errors and become dead letters. */
    private void runOneByOne(int e, List<Part> batch) {
        for (Part t : batch) {
            try {
                output.collect(new StreamRecord<>(Part.result(t, stage.runExpert(e, t.vector, 1), null)));
            } catch (RuntimeException one) {
                output.collect(new StreamRecord<>(Part.result(t, null, "Expert "
                        + stage.spec().experts().get(e).id() + " of stage " + stage.spec().name()
                        + " failed on this record: " + one.getMessage())));
            }
        }
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
