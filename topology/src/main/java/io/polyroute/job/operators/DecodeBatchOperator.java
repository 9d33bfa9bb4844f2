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

import io.polyroute.job.model.InFlight;
import io.polyroute.job.model.InFlightBatch;
import io.polyroute.job.model.RawRecord;
import org.apache.flink.api.common.functions.Partitioner;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.operators.AbstractUdfStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Decodes and validates records with a {@link DecodeValidateFunction} and sends the accepted ones
 * towards the global dedupe operator in batches, one per receiving subtask: each record's
 * {@link EventKey} is hashed once, here, and its subtask computed as Flink computes it for a keyed
 * stream (key group of the key under {@code maxParallelism}, then the subtask owning that group).
 * A subtask's batch leaves when it holds {@code batchSize} records, when the oldest buffered
 * record has waited {@code maxDelayMillis}, before every checkpoint barrier and at the end of
 * input, so no record lives only in a buffer when a checkpoint completes. Refused records go to the
 * dead-letter side output at once.
 */
public final class DecodeBatchOperator extends AbstractUdfStreamOperator<InFlightBatch, DecodeValidateFunction>
        implements OneInputStreamOperator<RawRecord, InFlightBatch> {
    private static final long serialVersionUID = 1L;

    private final int maxParallelism;
    private final int batchSize;
    private final long maxDelayMillis;

    private transient int subtasks;
    private transient InFlightBatch[] batches;
    private transient int buffered;
    private transient boolean timerPending;
    private transient Collector<InFlight> collector;
    private transient DecodeValidateFunction.Context context;
    private transient StreamRecord<Object> sideRecord;
    /** The input record being decoded, whose timestamp its dead letter keeps. */
    private transient StreamRecord<RawRecord> current;

    private transient Histogram batchSizes;

    /**
     * @param function the decoding and validation
     * @param maxParallelism the dedupe operator's max parallelism (its number of key groups)
     * @param batchSize records per receiving subtask at which a batch leaves
     * @param maxDelayMillis longest a record waits in a batch
     */
    public DecodeBatchOperator(
            DecodeValidateFunction function, int maxParallelism, int batchSize, long maxDelayMillis) {
        super(function);
        if (maxParallelism < 1 || batchSize < 1 || maxDelayMillis < 0) {
            throw new IllegalArgumentException("Max parallelism " + maxParallelism + ", batch size " + batchSize
                    + " and max delay " + maxDelayMillis + " ms must be positive (the delay may be 0).");
        }
        this.maxParallelism = maxParallelism;
        this.batchSize = batchSize;
        this.maxDelayMillis = maxDelayMillis;
    }

    @Override
    public void open() throws Exception {
        super.open();
        // The dedupe operator runs with the parallelism of this one (both take job.parallelism);
        // every batch names it, and the partitioner refuses a batch grouped for another.
        subtasks = getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks();
        batches = new InFlightBatch[subtasks];
        sideRecord = new StreamRecord<>(null);
        batchSizes = getMetricGroup().histogram(JobMetrics.BATCH_SIZE, new DescriptiveStatisticsHistogram(1000));
        getMetricGroup().gauge(JobMetrics.QUEUE_DEPTH, () -> buffered);
        collector = new Collector<>() {
            @Override
            public void collect(InFlight rec) {
                add(rec);
            }

            @Override
            public void close() {}
        };
        context = userFunction.new Context() {
            @Override
            public Long timestamp() {
                return current.hasTimestamp() ? current.getTimestamp() : null;
            }

            @Override
            public TimerService timerService() {
                throw new UnsupportedOperationException("Decoding sets no timers.");
            }

            @Override
            @SuppressWarnings("unchecked")
            public <X> void output(OutputTag<X> tag, X value) {
                StreamRecord<Object> r = current.hasTimestamp()
                        ? sideRecord.replace(value, current.getTimestamp())
                        : sideRecord.replace(value);
                if (!current.hasTimestamp()) {
                    r.eraseTimestamp();
                }
                output.collect(tag, (StreamRecord<X>) r);
            }
        };
    }

    @Override
    public void processElement(StreamRecord<RawRecord> element) throws Exception {
        current = element;
        userFunction.processElement(element.getValue(), context, collector);
    }

    private void add(InFlight rec) {
        long[] h = EventKey.hash(rec.eventId);
        int target = subtaskOf(h[0], h[1], maxParallelism, subtasks);
        InFlightBatch b = batches[target];
        if (b == null) {
            b = new InFlightBatch(target, subtasks, Math.min(batchSize, 64));
            batches[target] = b;
        }
        b.add(h[0], h[1], rec);
        buffered++;
        if (b.size() >= batchSize) {
            emit(target);
        } else if (!timerPending) {
            timerPending = true;
            long now = getProcessingTimeService().getCurrentProcessingTime();
            getProcessingTimeService().registerTimer(now + maxDelayMillis, t -> {
                timerPending = false;
                flush();
            });
        }
    }

    /** The subtask of {@code subtasks} that owns the key ({@code high}, {@code low}), as Flink assigns it. */
    public static int subtaskOf(long high, long low, int maxParallelism, int subtasks) {
        return KeyGroupRangeAssignment.assignKeyToParallelOperator(Tuple2.of(high, low), maxParallelism, subtasks);
    }

    private void emit(int target) {
        InFlightBatch b = batches[target];
        batches[target] = null;
        buffered -= b.size();
        batchSizes.update(b.size());
        output.collect(new StreamRecord<>(b));
    }

    /** Emits every batch that holds records. */
    private void flush() {
        for (int t = 0; t < batches.length; t++) {
            if (batches[t] != null && batches[t].size() > 0) {
                emit(t);
            }
        }
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        super.prepareSnapshotPreBarrier(checkpointId);
        flush();
    }

    @Override
    public void finish() throws Exception {
        flush();
        super.finish();
    }

    /** Sends a batch to the subtask it was grouped for, refusing one grouped for another parallelism. */
    public static final class Routing implements Partitioner<InFlightBatch> {
        private static final long serialVersionUID = 1L;

        @Override
        public int partition(InFlightBatch batch, int numPartitions) {
            if (batch.subtasks != numPartitions) {
                throw new IllegalStateException("A dedupe batch grouped for " + batch.subtasks
                        + " subtasks reached an operator with " + numPartitions
                        + "; decode-validate and dedupe must run with the same parallelism.");
            }
            return batch.target;
        }
    }

    /** The batch itself, as the key {@link Routing} reads. */
    public static final class Whole implements KeySelector<InFlightBatch, InFlightBatch> {
        private static final long serialVersionUID = 1L;

        @Override
        public InFlightBatch getKey(InFlightBatch batch) {
            return batch;
        }
    }

    /** The key of a batch's first record: where the batch belongs, as the receiving keyed operator sees it. */
    public static final class FirstKey implements KeySelector<InFlightBatch, Tuple2<Long, Long>> {
        private static final long serialVersionUID = 1L;

        @Override
        public Tuple2<Long, Long> getKey(InFlightBatch batch) {
            return batch.key(0);
        }
    }
}
