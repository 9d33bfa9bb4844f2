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
import java.time.Duration;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * The global dedupe on batches from {@link DecodeBatchOperator}: for every record of a batch it sets
 * the record's {@link EventKey} as the current key and then does what {@link DedupeFunction} does,
 * with the same keyed state ({@code seen}, TTL = the horizon) under the same key type, so a
 * checkpoint or savepoint of either reads into the other. The records of a batch all belong to this
 * subtask's key groups by construction; the operator refuses a batch addressed to another subtask,
 * and refuses to run with a max parallelism other than the one the batches were grouped under.
 */
public final class DedupeBatchOperator extends AbstractStreamOperator<InFlight>
        implements OneInputStreamOperator<InFlightBatch, InFlight> {
    private static final long serialVersionUID = 1L;

    private final Duration horizon;
    private final int maxParallelism;
    private transient ValueState<Boolean> seen;
    private transient Counter duplicates;
    private transient Counter rejected;
    private transient StreamRecord<InFlight> out;
    private transient int subtask;

    /** Dedupe within {@code horizon}, for batches grouped under {@code maxParallelism} key groups. */
    public DedupeBatchOperator(Duration horizon, int maxParallelism) {
        if (horizon.isNegative() || horizon.isZero()) {
            throw new IllegalArgumentException("dedupe.horizon must be positive, but is " + horizon + ".");
        }
        this.horizon = horizon;
        this.maxParallelism = maxParallelism;
    }

    @Override
    public void open() throws Exception {
        super.open();
        int actual = getRuntimeContext().getTaskInfo().getMaxNumberOfParallelSubtasks();
        if (actual != maxParallelism) {
            throw new IllegalStateException("The dedupe operator runs with max parallelism " + actual
                    + ", but its input was grouped for " + maxParallelism
                    + "; a restore from state of another max parallelism needs the same max parallelism "
                    + "(pipeline.max-parallelism).");
        }
        subtask = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
        seen = getRuntimeContext().getState(DedupeFunction.seenState(horizon));
        duplicates = getMetricGroup().counter(JobMetrics.DUPLICATES);
        rejected = getMetricGroup().counter(JobMetrics.RECORDS_REJECTED);
        out = new StreamRecord<>(null);
    }

    @Override
    public void processElement(StreamRecord<InFlightBatch> element) throws Exception {
        InFlightBatch batch = element.getValue();
        if (batch.target != subtask) {
            throw new IllegalStateException(
                    "A dedupe batch for subtask " + batch.target + " reached subtask " + subtask + ".");
        }
        for (int i = 0; i < batch.size(); i++) {
            InFlight rec = batch.record(i);
            setCurrentKey(batch.key(i));
            if (seen.value() != null) {
                duplicates.inc();
                rejected.inc();
                output.collect(DeadLetters.TAG, new StreamRecord<>(DedupeFunction.duplicate(rec, horizon)));
                continue;
            }
            seen.update(Boolean.TRUE);
            output.collect(out.replace(rec));
        }
    }
}
