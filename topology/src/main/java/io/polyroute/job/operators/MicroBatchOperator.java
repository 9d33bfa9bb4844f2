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
 *
 * <p>Batch sizes follow the load, as in Triton's dynamic batching (a preferred size and a maximum
 * queue delay): a subclass that asks {@link #isFull()} cuts a batch at {@link #targetSize()}. The
 * target starts at {@code batchSize}, the size that keeps the model efficient; after
 * {@value #GROW_AFTER} batches in a row that filled before their deadline (a backlog: the input
 * keeps the buffer full) it doubles, up to {@code maxBatchSize}, so a model runs on more rows per
 * call exactly when the job cannot keep up; when a batch leaves at its deadline before it filled
 * (the input thinned), the target falls to what that batch held, halving at least, and never below
 * {@code batchSize}. Barrier and end-of-input flushes leave it alone. Latency stays bounded by the
 * delay whatever the target. The target is not checkpointed: a restored subtask starts again from
 * {@code batchSize}.
 */
public abstract class MicroBatchOperator<OUT> extends AbstractStreamOperator<OUT> {
    private static final long serialVersionUID = 1L;

    /** Records per batch that trigger a flush. */
    protected final int batchSize;
    /** Longest a record may wait in the buffer, milliseconds. */
    protected final long maxDelayMillis;
    /** Largest batch the target may grow to under backlog; {@code batchSize} for fixed batches. */
    protected final int maxBatchSize;

    /** Consecutive full batches after which the target doubles. */
    static final int GROW_AFTER = 2;

    /** Records at which the current batch is cut, between batchSize and maxBatchSize. */
    private transient int target;
    /** Batches in a row that filled before their deadline. */
    private transient int fullInARow;

    private transient boolean timerPending;
    /** Processing time the oldest buffered record arrived, milliseconds. */
    private transient long oldestMillis;

    protected transient Histogram batchSizes;
    protected transient Histogram batchDelays;
    protected transient Histogram batchRunMicros;

    /** Fixed batches of {@code batchSize}. */
    protected MicroBatchOperator(int batchSize, long maxDelayMillis) {
        this(batchSize, batchSize, maxDelayMillis);
    }

    /** Batches of {@code batchSize} that grow up to {@code maxBatchSize} under backlog. */
    protected MicroBatchOperator(int batchSize, int maxBatchSize, long maxDelayMillis) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("Batch size must be >= 1, but is " + batchSize + ".");
        }
        if (maxBatchSize < batchSize) {
            throw new IllegalArgumentException(
                    "Largest batch must be >= the batch size " + batchSize + ", but is " + maxBatchSize + ".");
        }
        if (maxDelayMillis < 0) {
            throw new IllegalArgumentException("Batch max delay must be >= 0 ms, but is " + maxDelayMillis + ".");
        }
        this.batchSize = batchSize;
        this.maxBatchSize = maxBatchSize;
        this.maxDelayMillis = maxDelayMillis;
    }

    @Override
    public void open() throws Exception {
        super.open();
        target = batchSize;
        fullInARow = 0;
        getMetricGroup().gauge(JobMetrics.BATCH_TARGET_SIZE, this::targetSize);
        batchSizes = getMetricGroup().histogram(JobMetrics.BATCH_SIZE, new DescriptiveStatisticsHistogram(1000));
        batchDelays = getMetricGroup().histogram(JobMetrics.BATCH_DELAY_MS, new DescriptiveStatisticsHistogram(1000));
        batchRunMicros = getMetricGroup().histogram(JobMetrics.BATCH_RUN_US, new DescriptiveStatisticsHistogram(1000));
        getMetricGroup().gauge(JobMetrics.QUEUE_DEPTH, this::buffered);
    }

    /** Records at which the current batch is cut: {@code batchSize} grown by the load, at most {@code maxBatchSize}. */
    protected int targetSize() {
        return target == 0 ? batchSize : target;
    }

    /** Whether the buffer has reached {@link #targetSize()}; the subclass then calls {@link #flushAndRecord()}. */
    protected boolean isFull() {
        return buffered() >= targetSize();
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
        flush(true);
    }

    /**
     * Flushes and records batch metrics. A flush of a full buffer counts towards growing the
     * target; any other (barrier, end of input, a subclass's own reason) leaves it as it is.
     */
    protected void flushAndRecord() throws Exception {
        flush(false);
    }

    private void flush(boolean deadline) throws Exception {
        int n = buffered();
        if (n == 0) {
            return;
        }
        adapt(n, deadline);
        batchDelays.update(getProcessingTimeService().getCurrentProcessingTime() - oldestMillis);
        long t0 = System.nanoTime();
        flushAll();
        batchRunMicros.update((System.nanoTime() - t0) / 1_000L);
        batchSizes.update(n);
        oldestMillis = getProcessingTimeService().getCurrentProcessingTime();
    }

    /** Moves the target by how batch of {@code n} records left: full, or at its deadline. */
    private void adapt(int n, boolean deadline) {
        int t = targetSize();
        if (n >= t) {
            if (++fullInARow >= GROW_AFTER && t < maxBatchSize) {
                target = (int) Math.min(maxBatchSize, 2L * t);
                fullInARow = 0;
            }
        } else if (deadline) {
            fullInARow = 0;
            target = Math.max(batchSize, Math.min(t / 2, n));
        }
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
