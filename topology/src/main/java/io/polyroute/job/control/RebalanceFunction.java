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
package io.polyroute.job.control;

import io.polyroute.job.operators.JobMetrics;
import io.polyroute.runtime.placement.LoadSmoother;
import io.polyroute.runtime.placement.LoadSnapshot;
import io.polyroute.runtime.placement.PlanDecision;
import io.polyroute.runtime.placement.PlanRequest;
import io.polyroute.runtime.placement.PlanVersion;
import io.polyroute.runtime.placement.Planner;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The REBALANCER (parallelism 1, a single key): collects the GATE and EXPERT load reports of each
 * window ({@link LoadWindows} decides when a window is complete enough to plan), smooths demand and
 * cost per expert, runs the {@link Planner} for every stage and, when a stage's plan is worth
 * publishing, emits a new versioned plan for the plans topic. The second input is the plans topic
 * itself, so the rebalancer learns about manual pins (and passes them to the planner, which keeps
 * pinned experts where they are) and never goes backwards in version. A manual plan that reused
 * the version of a plan of ours still in an uncommitted transaction is re-published under the next
 * version, so its pins win whichever of the two GATE and EXPERT read first.
 */
public final class RebalanceFunction extends KeyedCoProcessFunction<Integer, LoadReport, byte[], byte[]> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(RebalanceFunction.class);

    private final RebalanceSettings settings;
    /** Written into every plan this function publishes. */
    private final PlanOrigin origin;

    private transient Planner planner;
    private transient Counter failures;
    private transient ValueState<byte[]> current;
    private transient ValueState<Integer> sinceLastPublish;
    /** The last plan this function published, to tell its own plans from others of the same version. */
    private transient ValueState<byte[]> lastPublished;
    /** Set when a manual plan lost the race for its version: the next window re-publishes it under a new one. */
    private transient ValueState<Boolean> reissue;

    private transient LoadWindows windows;
    private transient LoadSmoother[] smoothers;

    /** A rebalancer whose plans name no job or bundle. */
    public RebalanceFunction(RebalanceSettings settings) {
        this(settings, PlanOrigin.UNKNOWN);
    }

    /** A rebalancer whose plans name {@code origin}. */
    public RebalanceFunction(RebalanceSettings settings, PlanOrigin origin) {
        this.settings = settings;
        this.origin = origin;
    }

    @Override
    public void open(OpenContext ctx) {
        Planner.Builder b = Planner.builder()
                .hysteresis(settings.hysteresis())
                .stickinessThreshold(settings.stickiness())
                .cooldownWindows(settings.cooldownWindows())
                .minRowsPerReplicaBatch(settings.minRowsPerReplicaBatch())
                .expertBatching(settings.expertBatchSize(), settings.expertMaxDelayMillis());
        if (settings.replicaBudget() >= 0) {
            b.replicaBudget(settings.replicaBudget());
        }
        planner = b.build();
        current = getRuntimeContext()
                .getState(new ValueStateDescriptor<>("plan", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
        sinceLastPublish = getRuntimeContext().getState(new ValueStateDescriptor<>("since-last-publish", Types.INT));
        lastPublished = getRuntimeContext()
                .getState(new ValueStateDescriptor<>(
                        "last-published", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
        reissue = getRuntimeContext().getState(new ValueStateDescriptor<>("reissue", Types.BOOLEAN));
        failures = getRuntimeContext().getMetricGroup().counter(JobMetrics.REBALANCE_FAILURES);
        windows = new LoadWindows(settings);
        smoothers = new LoadSmoother[settings.expertsPerStage().size()];
        for (int s = 0; s < smoothers.length; s++) {
            smoothers[s] = new LoadSmoother(settings.expertsPerStage().get(s), settings.smoothing());
        }
    }

    @Override
    public void processElement1(LoadReport report, Context ctx, Collector<byte[]> out) throws Exception {
        if (!windows.add(report)) {
            LOG.debug(
                    "Dropped a {} report of subtask {} for window {}, which was already planned ({} so far).",
                    report.source,
                    report.subtask,
                    report.windowStart,
                    windows.dropped());
            return;
        }
        for (long deadline : windows.deadlines(report.windowEnd)) {
            ctx.timerService().registerProcessingTimeTimer(deadline);
        }
        planReady(ctx.timerService().currentProcessingTime(), out);
    }

    @Override
    public void processElement2(byte[] planBytes, Context ctx, Collector<byte[]> out) throws Exception {
        PlanVersion seen = PlanCodec.decode(planBytes);
        PlanVersion mine = currentPlan();
        if (seen.version() > mine.version()) {
            current.update(planBytes);
            LOG.info("Adopted plan {} from the plans topic ({}).", seen.version(), seen.reason());
            return;
        }
        byte[] own = lastPublished.value();
        if (own != null && seen.version() == PlanCodec.decode(own).version() && !Arrays.equals(own, planBytes)) {
            // Someone (`polyroute plan pin`) published while our plan of the same version was still in an
            // uncommitted transaction. GATE and EXPERT keep whichever of the two they read first, so
            // adopt theirs and publish it again under the next version: everyone converges on its pins.
            current.update(
                    PlanCodec.encode(seen.toBuilder().version(mine.version()).build(), origin));
            reissue.update(true);
            LOG.warn(
                    "Plan {} on the plans topic is not the one this rebalancer published under that version ({});"
                            + " adopting it and re-publishing it as plan {}.",
                    seen.version(),
                    seen.reason(),
                    mine.version() + 1);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<byte[]> out) throws Exception {
        planReady(timestamp, out);
    }

    private void planReady(long now, Collector<byte[]> out) throws Exception {
        for (LoadWindows.Window w : windows.ready(now)) {
            try {
                planWindow(w, out);
            } catch (RuntimeException e) {
                // A window that cannot be planned keeps the plan in force; throwing would restart the
                // job, replay the same reports and fail again for ever.
                failures.inc();
                LOG.error(
                        "Could not plan load window {} ({} failed so far); keeping plan {}: {}",
                        w.start(),
                        failures.getCount(),
                        currentPlan().version(),
                        e.toString(),
                        e);
            }
        }
    }

    private void planWindow(LoadWindows.Window window, Collector<byte[]> out) throws Exception {
        List<LoadReport> reports = window.reports();
        long windowStart = window.start();
        PlanVersion plan = currentPlan();
        // Windows since the one that published, counting this one: the planner's cooldown blocks 1..N.
        Integer stored = sinceLastPublish.value();
        int since = stored == null ? Integer.MAX_VALUE / 2 : Math.min(stored + 1, Integer.MAX_VALUE / 2);
        List<PlanDecision> decisions = new ArrayList<>();
        boolean publish = false;
        for (int s = 0; s < smoothers.length; s++) {
            LoadSnapshot load = smoothers[s].update(windows.demand(window, s), windows.cost(window, s));
            int experts = settings.expertsPerStage().get(s);
            PlanDecision d = planner.plan(PlanRequest.builder()
                    .load(load)
                    .slots(settings.slots())
                    .slotCapacity(settings.slotCapacity() < 0 ? experts : settings.slotCapacity())
                    .current(plan.stage(s))
                    .pins(plan.pins(s))
                    .windowsSinceLastPublish(since)
                    .build());
            if (LOG.isDebugEnabled()) {
                LOG.debug(
                        "Window {} stage {}: {} reports ({} GATE), demand {}, cost ns {}, smoothed loads {}: {}",
                        windowStart,
                        s,
                        reports.size(),
                        reports.stream()
                                .filter(r -> LoadReport.GATE.equals(r.source))
                                .count(),
                        Arrays.toString(round(windows.demand(window, s))),
                        Arrays.toString(round(windows.cost(window, s))),
                        Arrays.toString(round(load.loads())),
                        d.reason());
            }
            decisions.add(d);
            publish |= d.published();
        }
        boolean reissuing = Boolean.TRUE.equals(reissue.value());
        if (!publish && !reissuing) {
            sinceLastPublish.update(since);
            return;
        }
        PlanVersion.Builder next =
                PlanVersion.builder().version(plan.version() + 1).timestampMillis(System.currentTimeMillis());
        StringBuilder reason = new StringBuilder();
        double imbalance = 1.0;
        int moved = 0;
        for (int s = 0; s < decisions.size(); s++) {
            PlanDecision d = decisions.get(s);
            next.stage(d.placement().orElse(plan.stage(s)));
            next.pinned(s, plan.pinnedExperts(s));
            if (d.published()) {
                reason.append(reason.length() == 0 ? "" : "; ")
                        .append(smoothers.length > 1 ? "stage " + s + ": " : "")
                        .append(d.reason());
                moved += d.sessionsMoved();
            }
            imbalance = Math.max(imbalance, d.published() ? d.imbalanceAfter() : d.imbalanceBefore());
        }
        if (reissuing) {
            reason.insert(
                    0, reason.length() == 0 ? "re-issued: " + plan.reason() : "re-issued: " + plan.reason() + "; ");
        }
        PlanVersion published = next.reason(reason.toString())
                .predictedImbalance(imbalance)
                .sessionsMoved(moved)
                .build();
        byte[] bytes = PlanCodec.encode(published, origin);
        current.update(bytes);
        lastPublished.update(bytes);
        reissue.clear();
        sinceLastPublish.update(0);
        LOG.info("Publishing plan {}: {}", published.version(), published.reason());
        out.collect(bytes);
    }

    private static long[] round(double[] v) {
        long[] r = new long[v.length];
        for (int i = 0; i < v.length; i++) {
            r[i] = Double.isNaN(v[i]) ? -1 : Math.round(v[i]);
        }
        return r;
    }

    /** The plan in force; a stored plan that no longer fits the job (a savepoint of another bundle) is dropped. */
    private PlanVersion currentPlan() throws Exception {
        byte[] b = current.value();
        PlanVersion initial = PlanVersion.initial(settings.expertsPerStage(), settings.slots());
        if (b == null) {
            return initial;
        }
        String misfit;
        PlanVersion stored = null;
        try {
            stored = PlanCodec.decode(b);
            misfit = PlanFilter.misfit(stored, settings.expertsPerStage(), settings.slots());
        } catch (RuntimeException e) {
            misfit = "it does not decode: " + e.getMessage();
        }
        if (misfit == null) {
            return stored;
        }
        LOG.warn("Dropped the restored plan: {}; planning from the round-robin placement.", misfit);
        // Keep the version climbing so GATE and EXPERT, which ignore older versions, follow the next plan.
        PlanVersion fresh = stored == null
                ? initial
                : initial.toBuilder().version(stored.version()).build();
        current.update(PlanCodec.encode(fresh, origin));
        lastPublished.clear();
        return fresh;
    }
}
