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
import io.polyroute.avro.ShadowPair;
import io.polyroute.job.bundle.BundleCache;
import io.polyroute.job.model.ExpertResult;
import io.polyroute.job.model.InFlight;
import io.polyroute.job.model.Pending;
import io.polyroute.job.model.RecordHeader;
import io.polyroute.job.model.Rejected;
import io.polyroute.job.rollout.KeyedBytes;
import io.polyroute.job.rollout.RolloutOutputs;
import io.polyroute.job.rollout.ShadowPairs;
import io.polyroute.job.rollout.VersionRef;
import io.polyroute.runtime.bundle.StageSpec;
import io.polyroute.runtime.eval.StageCombiner;
import io.polyroute.runtime.routing.Choices;
import io.polyroute.runtime.routing.RoutingDecision;
import io.polyroute.schemas.AvroCodec;
import io.polyroute.schemas.AvroEncoding;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;

/**
 * COMBINE of one stage, keyed by event id: the expert results on the first input, the records'
 * headers from GATE on the second. Waits for the record's header and one result per visited expert (held in one keyed-state entry per record, so they survive failures), then
 * combines them and sends the record on to the next stage or the sink. A failed expert or a
 * non-finite output makes the record a {@code MODEL_ERROR} dead letter instead. A record that names
 * another version than the job's own bundle (docs/rollouts.md) is combined by that version's combine.
 *
 * <p>A record still incomplete {@code combine.timeout} after the source read it (a processing-time
 * timer per pending record) becomes an {@code INCOMPLETE} dead letter and its state is dropped. A
 * part that arrives for an entry past its deadline expires that entry first, so a record never
 * meets an earlier one with the same event id; the job refuses to start unless {@code
 * dedupe.horizon} is longer than the timeout ({@link io.polyroute.job.config.CombineOptions}).
 *
 * <p>During a shadow (docs/rollouts.md) a record and its shadow copy ({@link ShadowCopies}) share
 * the key; their parts are kept in two entries, and a copy never becomes a dead letter (the shadow
 * never changes what is served). The last stage writes the served record's prediction as always
 * and, once both are complete, one {@code ShadowPair} to {@link RolloutOutputs#SHADOW}; the one
 * finished first waits in keyed state, at most {@code combine.timeout}.
 */
public final class CombineFunction extends KeyedCoProcessFunction<String, ExpertResult, RecordHeader, InFlight> {
    private static final long serialVersionUID = 1L;

    private final StageOpener opener;
    private final int stageIndex;
    private final long timeoutMillis;
    /** The encoding of shadow pairs; null when the job serves no rollouts. */
    private final AvroEncoding shadowEncoding;

    /** The stage's combine of the job's own bundle. */
    private transient StageCombiner combiner;

    private transient int experts;
    /** The stage's combine of each other version that records name, by version id (docs/rollouts.md). */
    private transient Map<String, VersionCombine> others;
    /** Everything received for the current key: one state access to read it and one to write it. */
    private transient ValueState<Pending> pending;
    /** The same for a record's shadow copy. */
    private transient ValueState<Pending> copyPending;
    /** Last stage: the record or its shadow copy that finished first, waiting for the other. */
    private transient ValueState<InFlight> half;
    /** When {@link #half} is given up (processing time). */
    private transient ValueState<Long> halfDeadline;

    private transient boolean last;
    private transient VersionRef base;
    private transient AvroCodec<ShadowPair> pairCodec;

    private transient Counter completed;
    private transient Counter rejected;

    /** COMBINE of stage {@code stageIndex}; a record incomplete {@code timeout} after it was read is dropped. */
    public CombineFunction(StageOpener opener, int stageIndex, Duration timeout) {
        this(opener, stageIndex, timeout, null);
    }

    /**
     * COMBINE of stage {@code stageIndex} of a job that serves rollouts, whose shadow pairs the last
     * stage writes in {@code shadowEncoding} (null: the job serves no rollouts).
     */
    public CombineFunction(StageOpener opener, int stageIndex, Duration timeout, AvroEncoding shadowEncoding) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException(
                    "Invalid value " + timeout.toMillis() + " ms for 'combine.timeout': it must be greater than zero.");
        }
        this.opener = opener;
        this.stageIndex = stageIndex;
        this.timeoutMillis = timeout.toMillis();
        this.shadowEncoding = shadowEncoding;
    }

    @Override
    public void open(OpenContext ctx) {
        StageSpec spec = opener.manifest().stage(stageIndex);
        combiner = StageCombiner.forStage(spec);
        experts = spec.expertCount();
        others = new HashMap<>();
        pending =
                getRuntimeContext().getState(new ValueStateDescriptor<>("pending", TypeInformation.of(Pending.class)));
        if (shadowEncoding != null) {
            copyPending = getRuntimeContext()
                    .getState(new ValueStateDescriptor<>("shadow-pending", TypeInformation.of(Pending.class)));
            last = stageIndex == opener.manifest().stageCount() - 1;
            if (last) {
                half = getRuntimeContext()
                        .getState(new ValueStateDescriptor<>("shadow-half", TypeInformation.of(InFlight.class)));
                halfDeadline =
                        getRuntimeContext().getState(new ValueStateDescriptor<>("shadow-half-deadline", Long.class));
                base = new VersionRef(
                        opener.manifest().name(), opener.manifest().version(), "", "");
                pairCodec = AvroCodec.of(ShadowPair.class, shadowEncoding);
            }
        }
        completed = getRuntimeContext().getMetricGroup().counter(JobMetrics.PREDICTIONS);
        rejected = getRuntimeContext().getMetricGroup().counter(JobMetrics.RECORDS_REJECTED);
    }

    @Override
    public void processElement1(ExpertResult result, Context ctx, Collector<InFlight> out) throws Exception {
        ValueState<Pending> state = stateOf(result.eventId());
        Pending p = pendingOrNew(state, ctx, 0);
        if (result.failed()) {
            if (p.failure == null) {
                p.failure = result.error();
            }
            p.add(result.expert(), new float[0]);
        } else {
            p.add(result.expert(), result.output());
        }
        completeOrKeep(state, p, ctx, out);
    }

    /** {@code combine.timeout} in milliseconds. */
    long timeoutMillis() {
        return timeoutMillis;
    }

    @Override
    public void processElement2(RecordHeader header, Context ctx, Collector<InFlight> out) throws Exception {
        ValueState<Pending> state = stateOf(header.eventId());
        Pending p = pendingOrNew(state, ctx, header.record().readTime);
        p.header = header;
        long byRead = header.record().readTime + timeoutMillis;
        if (header.record().readTime > 0 && byRead < p.deadline) {
            // The timeout counts from when the source read the record.
            dropTimer(ctx, p.deadline, state);
            p.deadline = byRead;
            ctx.timerService().registerProcessingTimeTimer(byRead);
        }
        completeOrKeep(state, p, ctx, out);
    }

    /** Where the parts of the record with {@code eventId} are kept: a shadow copy's apart from the record's. */
    private ValueState<Pending> stateOf(String eventId) {
        return copyPending != null && ShadowCopies.isCopy(eventId) ? copyPending : pending;
    }

    /**
     * Deletes the timer at {@code time} unless another entry of the key than {@code own} still
     * waits for it (a record and its shadow copy may share a deadline).
     */
    private void dropTimer(Context ctx, long time, ValueState<?> own) throws Exception {
        if (copyPending != null) {
            for (ValueState<Pending> s : List.of(pending, copyPending)) {
                Pending other = s == own ? null : s.value();
                if (other != null && other.deadline == time) {
                    return;
                }
            }
            if (half != null && own != halfDeadline) {
                Long d = halfDeadline.value();
                if (d != null && d == time) {
                    return;
                }
            }
        }
        ctx.timerService().deleteProcessingTimeTimer(time);
    }

    /**
     * The entry of the current key, new when there is none; a new entry's timer is set once, at its
     * deadline: {@code combine.timeout} after {@code readTime} (when the source read the record,
     * known from its header; 0 when not known) or after now, whichever comes first.
     */
    private Pending pendingOrNew(ValueState<Pending> state, Context ctx, long readTime) throws Exception {
        long now = ctx.timerService().currentProcessingTime();
        Pending p = state.value();
        if (p != null && p.deadline > 0 && now >= p.deadline) {
            // Past its deadline, its timer not run yet: never let a newer record of the id join it.
            expire(state, p, ctx);
            p = null;
        }
        if (p == null) {
            p = new Pending();
        }
        if (p.deadline == 0) {
            p.deadline = readTime > 0 ? Math.min(now, readTime) + timeoutMillis : now + timeoutMillis;
            ctx.timerService().registerProcessingTimeTimer(p.deadline);
        }
        return p;
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<InFlight> out) throws Exception {
        Pending p = pending.value();
        if (p != null && p.deadline > 0 && p.deadline <= timestamp) {
            expire(pending, p, ctx);
        }
        if (copyPending != null) {
            Pending c = copyPending.value();
            if (c != null && c.deadline > 0 && c.deadline <= timestamp) {
                expire(copyPending, c, ctx);
            }
        }
        if (half != null) {
            Long d = halfDeadline.value();
            if (d != null && d <= timestamp) {
                // The other of the pair did not finish in time (it failed or expired): no pair.
                half.clear();
                halfDeadline.clear();
            }
        }
    }

    /** Drops {@code p} and sends its record to the dead-letter topic (a shadow copy: nowhere). */
    private void expire(ValueState<Pending> state, Pending p, Context ctx) throws Exception {
        state.clear();
        dropTimer(ctx, p.deadline, state);
        if (state == copyPending) {
            return;
        }
        rejected.inc();
        String eventId = ctx.getCurrentKey();
        if (p.failure != null && p.header != null) {
            ctx.output(DeadLetters.TAG, Rejected.of(p.header.record(), DeadLetterReason.MODEL_ERROR.name(), p.failure));
            return;
        }
        String message = "Stage " + stageIndex + " received " + p.received + " of "
                + (p.header == null ? "?" : Integer.toString(p.header.visited()))
                + " expert results" + (p.header == null ? " and no header" : "") + " for event id " + eventId
                + " within combine.timeout (" + timeoutMillis + " ms); the record was dropped.";
        Rejected r;
        if (p.header != null) {
            r = Rejected.of(p.header.record(), DeadLetterReason.INCOMPLETE.name(), message);
        } else {
            // Without its header COMBINE does not hold the record's bytes: the letter names the id only.
            r = new Rejected();
            r.reason = DeadLetterReason.INCOMPLETE.name();
            r.message = message;
            r.eventId = eventId;
            r.partition = -1;
            r.offset = -1;
            r.time = System.currentTimeMillis();
        }
        ctx.output(DeadLetters.TAG, r);
    }

    private void completeOrKeep(ValueState<Pending> state, Pending p, Context ctx, Collector<InFlight> out)
            throws Exception {
        if (!p.complete()) {
            state.update(p);
            return;
        }
        state.clear();
        dropTimer(ctx, p.deadline, state);
        RecordHeader h = p.header;
        if (state == copyPending) {
            completeCopy(h, p, ctx, out);
            return;
        }
        if (p.failure != null) {
            rejected.inc();
            ctx.output(DeadLetters.TAG, Rejected.of(h.record(), DeadLetterReason.MODEL_ERROR.name(), p.failure));
            return;
        }
        float[] y = combine(h, p);
        for (float v : y) {
            if (!Float.isFinite(v)) {
                rejected.inc();
                ctx.output(
                        DeadLetters.TAG,
                        Rejected.of(
                                h.record(),
                                DeadLetterReason.MODEL_ERROR.name(),
                                "Stage " + stageIndex + " produced a non-finite output (" + v + ") for this record."));
                return;
            }
        }
        completed.inc();
        InFlight rec = advance(h, y);
        if (!last || !ShadowCopies.isShadowed(rec)) {
            out.collect(rec);
            return;
        }
        ShadowCopies.unflag(rec);
        out.collect(rec);
        pairOrWait(rec, false, ctx);
    }

    /** A shadow copy complete at this stage: on to the next stage, or (last stage) into its pair. */
    private void completeCopy(RecordHeader h, Pending p, Context ctx, Collector<InFlight> out) throws Exception {
        if (p.failure != null) {
            return;
        }
        float[] y = combine(h, p);
        for (float v : y) {
            if (!Float.isFinite(v)) {
                return;
            }
        }
        InFlight copy = advance(h, y);
        if (!last) {
            out.collect(copy);
            return;
        }
        pairOrWait(copy, true, ctx);
    }

    /**
     * Writes the pair of {@code done} and the other of its pair when that finished already, or
     * keeps {@code done} until the other finishes.
     */
    private void pairOrWait(InFlight done, boolean isCopy, Context ctx) throws Exception {
        InFlight other = half.value();
        if (other == null || ShadowCopies.isCopy(other.eventId) == isCopy) {
            long deadline = ctx.timerService().currentProcessingTime() + timeoutMillis;
            half.update(done);
            halfDeadline.update(deadline);
            ctx.timerService().registerProcessingTimeTimer(deadline);
            return;
        }
        Long deadline = halfDeadline.value();
        half.clear();
        halfDeadline.clear();
        if (deadline != null) {
            dropTimer(ctx, deadline, halfDeadline);
        }
        InFlight served = isCopy ? other : done;
        InFlight copy = isCopy ? done : other;
        ShadowPair pair = ShadowPairs.of(served, versionOf(served), copy, versionOf(copy), System.currentTimeMillis());
        ctx.output(
                RolloutOutputs.SHADOW,
                new KeyedBytes(ctx.getCurrentKey().getBytes(StandardCharsets.UTF_8), pairCodec.encode(pair)));
    }

    private VersionRef versionOf(InFlight rec) {
        return rec.modelName == null ? base : new VersionRef(rec.modelName, rec.modelVersion, "", "");
    }

    private record VersionCombine(StageCombiner combiner, int experts) {}

    /** The combine of the version that serves {@code rec}: its manifest is read on the version's first record. */
    private VersionCombine otherCombine(InFlight rec) {
        return others.computeIfAbsent(VersionCache.versionOf(rec), id -> {
            StageSpec spec = BundleCache.loadManifest(rec.modelPath).stage(stageIndex);
            return new VersionCombine(StageCombiner.forStage(spec), spec.expertCount());
        });
    }

    private float[] combine(RecordHeader h, Pending p) {
        RoutingDecision d = Decisions.of(h);
        StageCombiner combiner = this.combiner;
        int experts = this.experts;
        if (h.record().modelName != null) {
            VersionCombine other = otherCombine(h.record());
            combiner = other.combiner();
            experts = other.experts();
        }
        float[][] outs = new float[experts][];
        for (int i = 0; i < d.visitedCount(); i++) {
            int e = d.visitedExpert(i);
            outs[e] = p.outputOf(e);
            if (outs[e] == null) {
                throw new IllegalStateException("Record " + h.eventId() + " at stage " + stageIndex
                        + " has no result of expert "
                        + e + "; decision " + d + ", results from experts "
                        + Arrays.toString(Arrays.copyOf(p.experts, p.received)) + ", visited "
                        + h.visited());
            }
        }
        float[] y = new float[combiner.outputDim()];
        combiner.combine(d, outs, h.shared(), y);
        return y;
    }

    private InFlight advance(RecordHeader h, float[] y) {
        InFlight rec = h.record();
        Choices c = Choices.of(Decisions.of(h));
        rec.addChoices(stageIndex, c.groups(), c.experts(), h.slots(), c.weights());
        Balancing.flag(rec, h.reroutes());
        rec.previous = y;
        rec.stage = stageIndex + 1;
        return rec;
    }
}
