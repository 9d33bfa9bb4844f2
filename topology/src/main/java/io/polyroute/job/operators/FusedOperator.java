package io.polyroute.job.operators;

import io.polyroute.avro.DeadLetterReason;
import io.polyroute.job.model.InFlight;
import io.polyroute.job.model.Rejected;
import io.polyroute.runtime.eval.Evaluation;
import io.polyroute.runtime.eval.MoeEvaluator;
import io.polyroute.runtime.routing.RoutingDecision;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * The fused execution mode: gate, every selected expert and combine for all stages inside one
 * operator per subtask, on micro-batches, with no shuffle. The natural baseline of the
 * expert-parallel mode; both produce the same predictions.
 */
public final class FusedOperator extends MicroBatchOperator<InFlight> implements OneInputStreamOperator<InFlight, InFlight> {
    private static final long serialVersionUID = 1L;

    private final StageOpener opener;
    private final int deviceCount;
    private transient MoeEvaluator evaluator;
    private transient List<InFlight> buffer;
    private transient Counter completed;
    private transient Counter rejected;

    public FusedOperator(StageOpener opener, int deviceCount, int batchSize, long maxDelayMillis) {
        super(batchSize, maxDelayMillis);
        this.opener = opener;
        this.deviceCount = deviceCount;
    }

    @Override
    public void open() throws Exception {
        super.open();
        evaluator = opener.evaluator(getRuntimeContext().getTaskInfo().getIndexOfThisSubtask(), deviceCount);
        evaluator.preloadExperts();
        buffer = new ArrayList<>(batchSize);
        completed = getMetricGroup().counter(JobMetrics.PREDICTIONS);
        rejected = getMetricGroup().counter(JobMetrics.RECORDS_REJECTED);
    }

    @Override
    public void processElement(StreamRecord<InFlight> element) throws Exception {
        buffer.add(element.getValue());
        afterBuffering();
        if (buffer.size() >= batchSize) {
            flushAndRecord();
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
        List<InFlight> done;
        try {
            done = evaluate(batch);
        } catch (RuntimeException e) {
            done = new ArrayList<>();
            for (InFlight rec : batch) {
                try {
                    done.addAll(evaluate(List.of(rec)));
                } catch (RuntimeException one) {
                    modelError(rec, "The model failed on this record: " + one.getMessage());
                }
            }
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
        output.collect(DeadLetters.TAG,
                new StreamRecord<>(Rejected.of(rec, DeadLetterReason.MODEL_ERROR.name(), message)));
    }

    private List<InFlight> evaluate(List<InFlight> batch) {
        int n = batch.size();
        int d = batch.get(0).features.length;
        float[] x = new float[n * d];
        int[] tasks = new int[n];
        for (int r = 0; r < n; r++) {
            System.arraycopy(batch.get(r).features, 0, x, r * d, d);
            tasks[r] = batch.get(r).taskIndex;
        }
        Evaluation ev = evaluator.evaluate(x, n, tasks);
        for (int r = 0; r < n; r++) {
            InFlight rec = batch.get(r);
            rec.choiceStage = new int[0];
            rec.choiceGroup = new int[0];
            rec.choiceExpert = new int[0];
            rec.choiceSlot = new int[0];
            rec.choiceWeight = new float[0];
            for (int s = 0; s < ev.routing().length; s++) {
                RoutingDecision dec = ev.routing()[s][r];
                int m = dec.groups() * dec.k();
                int[] groups = new int[m];
                int[] experts = new int[m];
                int[] slots = new int[m];
                float[] weights = new float[m];
                for (int i = 0; i < m; i++) {
                    groups[i] = i / dec.k();
                    experts[i] = dec.expert(groups[i], i % dec.k());
                    weights[i] = dec.weight(groups[i], i % dec.k());
                    slots[i] = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
                }
                rec.addChoices(s, groups, experts, slots, weights);
            }
            rec.previous = ev.row(r);
            rec.stage = ev.routing().length;
        }
        return batch;
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
        } finally {
            super.close();
        }
    }
}
