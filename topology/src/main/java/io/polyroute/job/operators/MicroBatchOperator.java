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

import org.apache.flink.metrics.Histogram;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;

/**
 * Base of the operators that buffer records into micro-batches. A batch is flushed when the
 * subclass says it is full, when the oldest buffered record has waited {@code maxDelayMillis}
 * (a processing-time timer), before every checkpoint barrier ({@link #prepareSnapshotPreBarrier}),
 * and at the end of input — so no record lives only in a buffer when a checkpoint completes.
 */
public abstract class MicroBatchOperator<OUT> extends AbstractStreamOperator<OUT> {
    private static final long serialVersionUID = 1L;

    /** Records per batch that trigger a flush. */
    protected final int batchSize;
    /** Longest a record may wait in the buffer, milliseconds. */
    protected final long maxDelayMillis;

    private transient boolean timerPending;
    /** Processing time the oldest buffered record arrived, milliseconds. */
    private transient long oldestMillis;

    protected transient Histogram batchSizes;
    protected transient Histogram batchDelays;
    protected transient Histogram batchRunMicros;

    protected MicroBatchOperator(int batchSize, long maxDelayMillis) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("Batch size must be >= 1, but is " + batchSize + ".");
        }
        if (maxDelayMillis < 0) {
            throw new IllegalArgumentException("Batch max delay must be >= 0 ms, but is " + maxDelayMillis + ".");
        }
        this.batchSize = batchSize;
        this.maxDelayMillis = maxDelayMillis;
    }

    @Override
    public void open() throws Exception {
        super.open();
        batchSizes = getMetricGroup().histogram(JobMetrics.BATCH_SIZE, new DescriptiveStatisticsHistogram(1000));
        batchDelays = getMetricGroup().histogram(JobMetrics.BATCH_DELAY_MS, new DescriptiveStatisticsHistogram(1000));
        batchRunMicros = getMetricGroup().histogram(JobMetrics.BATCH_RUN_US, new DescriptiveStatisticsHistogram(1000));
        getMetricGroup().gauge(JobMetrics.QUEUE_DEPTH, this::buffered);
    }

    /** Records buffered now. */
    protected abstract int buffered();

    /** Runs and emits everything buffered. */
    protected abstract void flushAll() throws Exception;

    /** Call after buffering a record: starts the delay timer for the first record of a batch. */
    protected void afterBuffering() throws Exception {
        if (buffered() == 1 || !timerPending) {
            long now = getProcessingTimeService().getCurrentProcessingTime();
            if (buffered() == 1) {
                oldestMillis = now;
            }
            if (!timerPending) {
                timerPending = true;
                getProcessingTimeService().registerTimer(now + maxDelayMillis, this::onDelayTimer);
            }
        }
    }

    private void onDelayTimer(long time) throws Exception {
        timerPending = false;
        if (buffered() == 0) {
            return;
        }
        // The timer may belong to a batch that was already flushed because it was full; then the
        // current batch is younger than max-delay and must not be cut short: wait for its own
        // deadline. Cutting it halved batch sizes under backlog on small models.
        // Measured on the processing-time service, like the timers themselves.
        long now = getProcessingTimeService().getCurrentProcessingTime();
        long remaining = maxDelayMillis - (now - oldestMillis);
        if (remaining > 0) {
            timerPending = true;
            getProcessingTimeService().registerTimer(now + remaining, this::onDelayTimer);
            return;
        }
        flushAndRecord();
    }

    /** Flushes and records batch metrics. */
    protected void flushAndRecord() throws Exception {
        int n = buffered();
        if (n == 0) {
            return;
        }
        batchDelays.update(getProcessingTimeService().getCurrentProcessingTime() - oldestMillis);
        long t0 = System.nanoTime();
        flushAll();
        batchRunMicros.update((System.nanoTime() - t0) / 1_000L);
        batchSizes.update(n);
        oldestMillis = getProcessingTimeService().getCurrentProcessingTime();
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        super.prepareSnapshotPreBarrier(checkpointId);
        flushAndRecord();
    }

    @Override
    public void finish() throws Exception {
        flushAndRecord();
        super.finish();
    }
}
