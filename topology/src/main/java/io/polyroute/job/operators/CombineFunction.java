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
import io.polyroute.job.bundle.BundleCache;
import io.polyroute.job.model.ExpertResult;
import io.polyroute.job.model.InFlight;
import io.polyroute.job.model.Pending;
import io.polyroute.job.model.RecordHeader;
import io.polyroute.job.model.Rejected;
import io.polyroute.runtime.bundle.StageSpec;
import io.polyroute.runtime.eval.StageCombiner;
import io.polyroute.runtime.routing.Choices;
import io.polyroute.runtime.routing.RoutingDecision;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
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
 */
public final class CombineFunction extends KeyedCoProcessFunction<String, ExpertResult, RecordHeader, InFlight> {
    private static final long serialVersionUID = 1L;

    private final StageOpener opener;
    private final int stageIndex;
    private final long timeoutMillis;

    /** The stage's combine of the job's own bundle. */
    private transient StageCombiner combiner;

    private transient int experts;
    /** The stage's combine of each other version that records name, by version id (docs/rollouts.md). */
    private transient Map<String, VersionCombine> others;
    /** Everything received for the current key: one state access to read it and one to write it. */
    private transient ValueState<Pending> pending;

    private transient Counter completed;
    private transient Counter rejected;

    /** COMBINE of stage {@code stageIndex}; a record incomplete {@code timeout} after it was read is dropped. */
    public CombineFunction(StageOpener opener, int stageIndex, Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException(
                    "Invalid value " + timeout.toMillis() + " ms for 'combine.timeout': it must be greater than zero.");
        }
        this.opener = opener;
        this.stageIndex = stageIndex;
        this.timeoutMillis = timeout.toMillis();
    }

    @Override
    public void open(OpenContext ctx) {
        StageSpec spec = opener.manifest().stage(stageIndex);
        combiner = StageCombiner.forStage(spec);
        experts = spec.expertCount();
        others = new HashMap<>();
        pending =
                getRuntimeContext().getState(new ValueStateDescriptor<>("pending", TypeInformation.of(Pending.class)));
        completed = getRuntimeContext().getMetricGroup().counter(JobMetrics.PREDICTIONS);
        rejected = getRuntimeContext().getMetricGroup().counter(JobMetrics.RECORDS_REJECTED);
    }

    @Override
    public void processElement1(ExpertResult result, Context ctx, Collector<InFlight> out) throws Exception {
        Pending p = pendingOrNew(ctx);
        if (result.failed()) {
            if (p.failure == null) {
                p.failure = result.error();
            }
            p.add(result.expert(), new float[0]);
        } else {
            p.add(result.expert(), result.output());
        }
        completeOrKeep(p, ctx, out);
    }

    @Override
    public void processElement2(RecordHeader header, Context ctx, Collector<InFlight> out) throws Exception {
        Pending p = pendingOrNew(ctx);
        p.header = header;
        long byRead = header.record().readTime + timeoutMillis;
        if (header.record().readTime > 0 && byRead < p.deadline) {
            // The timeout counts from when the source read the record.
            ctx.timerService().deleteProcessingTimeTimer(p.deadline);
            p.deadline = byRead;
            ctx.timerService().registerProcessingTimeTimer(byRead);
        }
        completeOrKeep(p, ctx, out);
    }

    private Pending pendingOrNew(Context ctx) throws Exception {
        long now = ctx.timerService().currentProcessingTime();
        Pending p = pending.value();
        if (p != null && p.deadline > 0 && now >= p.deadline) {
            // Past its deadline, its timer not run yet: never let a newer record of the id join it.
            expire(p, ctx);
            p = null;
        }
        if (p == null) {
            p = new Pending();
        }
        if (p.deadline == 0) {
            p.deadline = now + timeoutMillis;
            ctx.timerService().registerProcessingTimeTimer(p.deadline);
        }
        return p;
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<InFlight> out) throws Exception {
        Pending p = pending.value();
        if (p != null && p.deadline > 0 && p.deadline <= timestamp) {
            expire(p, ctx);
        }
    }

    /** Drops {@code p} and sends its record to the dead-letter topic. */
    private void expire(Pending p, Context ctx) {
        pending.clear();
        ctx.timerService().deleteProcessingTimeTimer(p.deadline);
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

    private void completeOrKeep(Pending p, Context ctx, Collector<InFlight> out) throws Exception {
        if (!p.complete()) {
            pending.update(p);
            return;
        }
        pending.clear();
        ctx.timerService().deleteProcessingTimeTimer(p.deadline);
        RecordHeader h = p.header;
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
        out.collect(advance(h, y));
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
