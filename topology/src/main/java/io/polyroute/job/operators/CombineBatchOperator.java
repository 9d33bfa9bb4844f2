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

import io.polyroute.job.model.ExpertResult;
import io.polyroute.job.model.ExpertResultBatch;
import io.polyroute.job.model.InFlight;
import io.polyroute.job.model.PartBatch;
import io.polyroute.job.model.RecordHeader;
import io.polyroute.job.model.RecordHeaderBatch;
import java.util.LinkedHashSet;
import java.util.Set;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.SimpleTimerService;
import org.apache.flink.streaming.api.TimeDomain;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.streaming.api.operators.AbstractUdfStreamOperator;
import org.apache.flink.streaming.api.operators.InternalTimer;
import org.apache.flink.streaming.api.operators.InternalTimerService;
import org.apache.flink.streaming.api.operators.TimestampedCollector;
import org.apache.flink.streaming.api.operators.Triggerable;
import org.apache.flink.streaming.api.operators.TwoInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;

/**
 * COMBINE on batches from EXPERT ({@link ExpertResultBatch}) and GATE ({@link RecordHeaderBatch}):
 * for every element of a batch it sets the element's COMBINE key ({@link ShadowCopies#key} of its
 * event id) as the current key and runs the unchanged {@link CombineFunction} on it, as Flink's
 * {@code KeyedCoProcessOperator} runs it on single elements. State and timers are the same: the
 * function's own keyed state under a {@code String} key, and its timers in the internal timer
 * service {@code "user-timers"} in the {@link VoidNamespace}, so a checkpoint or savepoint of either
 * operator (same uid, same max parallelism) restores into the other. A timer reaches the function's
 * {@code onTimer} with the context {@code KeyedCoProcessOperator} gives it (timestamp, time domain,
 * key, side outputs).
 *
 * <p>The elements of a batch all belong to this subtask's key groups by construction ({@link
 * PartRouting#combineSubtask}); the operator refuses a batch addressed to another subtask or grouped
 * for another parallelism, and refuses to run with a max parallelism other than the one the batches
 * were grouped under. Main and side outputs carry the timestamp of the batch an element came in.
 */
public final class CombineBatchOperator extends AbstractUdfStreamOperator<InFlight, CombineFunction>
        implements TwoInputStreamOperator<ExpertResultBatch, RecordHeaderBatch, InFlight>,
                Triggerable<String, VoidNamespace> {
    private static final long serialVersionUID = 1L;

    /** The timer service {@code KeyedCoProcessOperator} keeps the function's timers in. */
    static final String TIMERS = "user-timers";

    private final int maxParallelism;

    private transient TimestampedCollector<InFlight> collector;
    private transient ElementContext context;
    private transient TimerContext timerContext;
    private transient int subtask;
    private transient int subtasks;
    private transient DeferredTimers deferred;

    /** Runs {@code function} on batches grouped under {@code maxParallelism} key groups. */
    public CombineBatchOperator(CombineFunction function, int maxParallelism) {
        super(function);
        if (maxParallelism < 1) {
            throw new IllegalArgumentException(
                    "The max parallelism COMBINE batches are grouped under must be positive, but is " + maxParallelism
                            + ".");
        }
        this.maxParallelism = maxParallelism;
    }

    /**
     * Wires the batched COMBINE of stage {@code stage}: each batch stream is keyed by its first
     * element's COMBINE key ({@link ResultsKey}, {@link HeadersKey}), which sends the whole batch to
     * the subtask that owns that key's key group, the subtask it was grouped for, since every element
     * of a batch belongs to that subtask; both are connected into {@code combine-s} (uid
     * {@code combine-s}, the record-by-record COMBINE's, whose state it restores). COMBINE runs with
     * {@code parallelism} subtasks and {@code maxParallelism} key groups, which must be those the
     * batches were grouped for; the operator refuses a batch that reached another subtask.
     */
    public static SingleOutputStreamOperator<InFlight> wire(
            DataStream<ExpertResultBatch> results,
            DataStream<RecordHeaderBatch> headers,
            CombineFunction function,
            int stage,
            int parallelism,
            int maxParallelism) {
        return results.keyBy(new ResultsKey(), Types.STRING)
                .connect(headers.keyBy(new HeadersKey(), Types.STRING))
                .transform(
                        "combine-" + stage,
                        TypeInformation.of(InFlight.class),
                        new CombineBatchOperator(function, maxParallelism))
                .uid("combine-" + stage)
                .setParallelism(parallelism)
                .setMaxParallelism(maxParallelism);
    }

    @Override
    public void open() throws Exception {
        super.open();
        int actual = getRuntimeContext().getTaskInfo().getMaxNumberOfParallelSubtasks();
        if (actual != maxParallelism) {
            throw new IllegalStateException("The COMBINE operator runs with max parallelism " + actual
                    + ", but its input batches were grouped for " + maxParallelism
                    + "; run it with the max parallelism the batches are grouped under (pipeline.max-parallelism), "
                    + "and restore state only into that same max parallelism.");
        }
        subtask = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
        subtasks = getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks();
        collector = new TimestampedCollector<>(output);
        InternalTimerService<VoidNamespace> timers =
                getInternalTimerService(TIMERS, VoidNamespaceSerializer.INSTANCE, this);
        deferred = new DeferredTimers(new SimpleTimerService(timers), graceMillis(userFunction.timeoutMillis()));
        context = new ElementContext(userFunction, deferred);
        timerContext = new TimerContext(userFunction, deferred);
    }

    /**
     * How long a processing-time timer the function sets waits outside Flink's timer service: a
     * quarter of {@code combine.timeout}, at most one second. Most records complete well within it,
     * and their timers then never touch the timer heap.
     */
    static long graceMillis(long timeoutMillis) {
        return Math.max(1, Math.min(timeoutMillis / 4, 1_000));
    }

    /** Every deferred timer goes into Flink's timer service before the checkpoint barrier, so snapshots hold them all. */
    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        deferred.registerAll();
        super.prepareSnapshotPreBarrier(checkpointId);
    }

    /** Also here, for a snapshot taken without the barrier step before it. */
    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        deferred.registerAll();
        super.snapshotState(context);
    }

    /** Timers the function has set and not deleted that are still held out of Flink's timer service. */
    int deferredTimers() {
        return deferred.size();
    }

    /** The key is set per element in {@link #processElement1}; a batch as a whole has none. */
    @Override
    public void setKeyContextElement1(StreamRecord record) {}

    /** The key is set per element in {@link #processElement2}; a batch as a whole has none. */
    @Override
    public void setKeyContextElement2(StreamRecord record) {}

    @Override
    public void processElement1(StreamRecord<ExpertResultBatch> element) throws Exception {
        ExpertResultBatch batch = element.getValue();
        check(batch, "results");
        collector.setTimestamp(element);
        context.element = element;
        try {
            for (int i = 0; i < batch.size(); i++) {
                ExpertResult result = batch.get(i);
                setCurrentKey(ShadowCopies.key(result.eventId()));
                userFunction.processElement1(result, context, collector);
            }
        } finally {
            context.element = null;
        }
    }

    @Override
    public void processElement2(StreamRecord<RecordHeaderBatch> element) throws Exception {
        RecordHeaderBatch batch = element.getValue();
        check(batch, "headers");
        collector.setTimestamp(element);
        context.element = element;
        try {
            for (int i = 0; i < batch.size(); i++) {
                RecordHeader header = batch.get(i);
                setCurrentKey(ShadowCopies.key(header.eventId()));
                userFunction.processElement2(header, context, collector);
            }
        } finally {
            context.element = null;
        }
    }

    private void check(PartBatch<?> batch, String what) {
        if (batch.target != subtask || batch.subtasks != subtasks) {
            throw new IllegalStateException("A COMBINE batch of " + what + " for subtask " + batch.target + " of "
                    + batch.subtasks + " reached subtask " + subtask + " of " + subtasks
                    + "; batches must be keyed by their first element (CombineBatchOperator.wire) into a COMBINE "
                    + "of the parallelism and max parallelism they were grouped for.");
        }
    }

    @Override
    public void onEventTime(InternalTimer<String, VoidNamespace> timer) throws Exception {
        collector.setAbsoluteTimestamp(timer.getTimestamp());
        fire(timer, TimeDomain.EVENT_TIME);
    }

    @Override
    public void onProcessingTime(InternalTimer<String, VoidNamespace> timer) throws Exception {
        collector.eraseTimestamp();
        fire(timer, TimeDomain.PROCESSING_TIME);
    }

    private void fire(InternalTimer<String, VoidNamespace> timer, TimeDomain domain) throws Exception {
        timerContext.domain = domain;
        timerContext.timer = timer;
        try {
            userFunction.onTimer(timer.getTimestamp(), timerContext, collector);
        } finally {
            timerContext.domain = null;
            timerContext.timer = null;
        }
    }

    /**
     * The function's timer service, which keeps a processing-time timer out of Flink's timer heap
     * while it is young. A timer set more than two grace periods ahead is held in a set (young, then
     * old) and goes into Flink's timer service at the second grace tick after it was set, still
     * before its time; deleting it before then costs a hash-set removal instead of a heap removal.
     * Every held timer goes in before each checkpoint barrier ({@link #prepareSnapshotPreBarrier}),
     * so checkpoints and savepoints hold exactly the timers {@code KeyedCoProcessOperator} would,
     * and every timer fires at its time. Event-time timers and timers due within two grace periods
     * go in directly.
     */
    private final class DeferredTimers implements TimerService {
        private final TimerService timers;
        private final long graceMillis;
        private Set<Deferred> young = new LinkedHashSet<>();
        private Set<Deferred> old = new LinkedHashSet<>();
        private boolean ticking;

        DeferredTimers(TimerService timers, long graceMillis) {
            this.timers = timers;
            this.graceMillis = graceMillis;
        }

        @Override
        public long currentProcessingTime() {
            return timers.currentProcessingTime();
        }

        @Override
        public long currentWatermark() {
            return timers.currentWatermark();
        }

        @Override
        public void registerProcessingTimeTimer(long time) {
            long now = timers.currentProcessingTime();
            if (time - now <= 2 * graceMillis) {
                timers.registerProcessingTimeTimer(time);
                return;
            }
            young.add(new Deferred(getCurrentKey(), time));
            if (!ticking) {
                ticking = true;
                getProcessingTimeService().registerTimer(now + graceMillis, this::tick);
            }
        }

        @Override
        public void deleteProcessingTimeTimer(long time) {
            Deferred d = new Deferred(getCurrentKey(), time);
            if (!young.remove(d) && !old.remove(d)) {
                timers.deleteProcessingTimeTimer(time);
            }
        }

        @Override
        public void registerEventTimeTimer(long time) {
            timers.registerEventTimeTimer(time);
        }

        @Override
        public void deleteEventTimeTimer(long time) {
            timers.deleteEventTimeTimer(time);
        }

        /**
         * A grace period passed: the old timers go in, the young ones grow old. A tick that runs a
         * grace period or more after its time (the task was busy or stalled) puts every held timer
         * in, so none can fire later than it would have in Flink's timer service.
         */
        private void tick(long scheduled) {
            if (getProcessingTimeService().getCurrentProcessingTime() - scheduled >= graceMillis) {
                registerAll();
            } else {
                register(old);
            }
            Set<Deferred> spare = old;
            old = young;
            young = spare;
            ticking = !old.isEmpty();
            if (ticking) {
                getProcessingTimeService()
                        .registerTimer(getProcessingTimeService().getCurrentProcessingTime() + graceMillis, this::tick);
            }
        }

        void registerAll() {
            register(old);
            register(young);
        }

        private void register(Set<Deferred> timersOf) {
            if (timersOf.isEmpty()) {
                return;
            }
            Object key = getCurrentKey();
            for (Deferred d : timersOf) {
                setCurrentKey(d.key);
                timers.registerProcessingTimeTimer(d.time);
            }
            timersOf.clear();
            if (key != null) {
                setCurrentKey(key);
            }
        }

        int size() {
            return young.size() + old.size();
        }
    }

    /** A processing-time timer held back: its key and time. */
    private record Deferred(Object key, long time) {}

    /** The context of an element, as {@code KeyedCoProcessOperator} gives it: the batch's timestamp. */
    private final class ElementContext
            extends KeyedCoProcessFunction<String, ExpertResult, RecordHeader, InFlight>.Context {
        private final TimerService timerService;
        private StreamRecord<?> element;

        ElementContext(CombineFunction function, TimerService timerService) {
            function.super();
            this.timerService = timerService;
        }

        @Override
        public Long timestamp() {
            if (element == null) {
                throw new IllegalStateException("No element is being processed.");
            }
            return element.hasTimestamp() ? element.getTimestamp() : null;
        }

        @Override
        public TimerService timerService() {
            return timerService;
        }

        @Override
        public <X> void output(OutputTag<X> outputTag, X value) {
            if (outputTag == null) {
                throw new IllegalArgumentException("OutputTag must not be null.");
            }
            output.collect(outputTag, new StreamRecord<>(value, element.getTimestamp()));
        }

        @Override
        public String getCurrentKey() {
            return (String) CombineBatchOperator.this.getCurrentKey();
        }
    }

    /** The context of a timer, as {@code KeyedCoProcessOperator} gives it: the timer's time and key. */
    private final class TimerContext
            extends KeyedCoProcessFunction<String, ExpertResult, RecordHeader, InFlight>.OnTimerContext {
        private final TimerService timerService;
        private TimeDomain domain;
        private InternalTimer<String, VoidNamespace> timer;

        TimerContext(CombineFunction function, TimerService timerService) {
            function.super();
            this.timerService = timerService;
        }

        @Override
        public Long timestamp() {
            if (timer == null) {
                throw new IllegalStateException("No timer is firing.");
            }
            return timer.getTimestamp();
        }

        @Override
        public TimerService timerService() {
            return timerService;
        }

        @Override
        public <X> void output(OutputTag<X> outputTag, X value) {
            if (outputTag == null) {
                throw new IllegalArgumentException("OutputTag must not be null.");
            }
            output.collect(outputTag, new StreamRecord<>(value, timer.getTimestamp()));
        }

        @Override
        public TimeDomain timeDomain() {
            if (domain == null) {
                throw new IllegalStateException("No timer is firing.");
            }
            return domain;
        }

        @Override
        public String getCurrentKey() {
            return timer.getKey();
        }
    }

    /** The COMBINE key of a results batch's first element: where the batch belongs, as the keyed view sees it. */
    public static final class ResultsKey implements KeySelector<ExpertResultBatch, String> {
        private static final long serialVersionUID = 1L;

        @Override
        public String getKey(ExpertResultBatch batch) {
            if (batch.isEmpty()) {
                throw new IllegalArgumentException(
                        "An empty batch of expert results has no COMBINE key; EXPERT must not send empty batches.");
            }
            return ShadowCopies.key(batch.get(0).eventId());
        }
    }

    /** The COMBINE key of a headers batch's first element: where the batch belongs, as the keyed view sees it. */
    public static final class HeadersKey implements KeySelector<RecordHeaderBatch, String> {
        private static final long serialVersionUID = 1L;

        @Override
        public String getKey(RecordHeaderBatch batch) {
            if (batch.isEmpty()) {
                throw new IllegalArgumentException(
                        "An empty batch of record headers has no COMBINE key; GATE must not send empty batches.");
            }
            return ShadowCopies.key(batch.get(0).eventId());
        }
    }
}
