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

import io.polyroute.avro.PlacementPlan;
import io.polyroute.job.operators.JobMetrics;
import io.polyroute.runtime.placement.LoadSmoother;
import io.polyroute.runtime.placement.LoadSnapshot;
import io.polyroute.runtime.placement.PlanDecision;
import io.polyroute.runtime.placement.PlanRequest;
import io.polyroute.runtime.placement.PlanVersion;
import io.polyroute.runtime.placement.Planner;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
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
 *
 * <p>Plans and load are per bundle version (docs/rollouts.md): the rebalancer keeps one {@link
 * Track} per version it sees in load reports or on the plans topic, each with its own windows,
 * smoothers, plan in force and plan versions, and a new version starts from its round-robin
 * placement. Plans of the job's own bundle keep the keyed state they always had ({@code plan},
 * {@code since-last-publish}, {@code last-published}, {@code reissue}); every other version's live
 * in map states keyed by the version ({@code name:version}), so a checkpoint written before versions
 * had plans restores unchanged. Another version's expert counts are learnt from its GATE reports;
 * it has no EXPERT reports (EXPERT counts the job's own bundle), so its plans balance demand at the
 * pooled cost per record.
 */
public final class RebalanceFunction extends KeyedCoProcessFunction<Integer, LoadReport, byte[], byte[]> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(RebalanceFunction.class);

    private final RebalanceSettings settings;
    /** Written into every plan this function publishes for the job's own bundle. */
    private final PlanOrigin origin;

    private transient Planner planner;
    private transient Counter failures;
    private transient ValueState<byte[]> current;
    private transient ValueState<Integer> sinceLastPublish;
    /** The last plan this function published, to tell its own plans from others of the same version. */
    private transient ValueState<byte[]> lastPublished;
    /** Set when a manual plan lost the race for its version: the next window re-publishes it under a new one. */
    private transient ValueState<Boolean> reissue;

    private transient MapState<String, byte[]> versionCurrent;
    private transient MapState<String, Integer> versionSinceLastPublish;
    private transient MapState<String, byte[]> versionLastPublished;
    private transient MapState<String, Boolean> versionReissue;

    /** One track per bundle version, by version key; "" is the job's own bundle. */
    private transient Map<String, Track> tracks;

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
        versionCurrent = getRuntimeContext()
                .getMapState(new MapStateDescriptor<>(
                        "plan-of-versions", Types.STRING, PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
        versionSinceLastPublish = getRuntimeContext()
                .getMapState(new MapStateDescriptor<>("since-last-publish-of-versions", Types.STRING, Types.INT));
        versionLastPublished = getRuntimeContext()
                .getMapState(new MapStateDescriptor<>(
                        "last-published-of-versions",
                        Types.STRING,
                        PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
        versionReissue = getRuntimeContext()
                .getMapState(new MapStateDescriptor<>("reissue-of-versions", Types.STRING, Types.BOOLEAN));
        failures = getRuntimeContext().getMetricGroup().counter(JobMetrics.REBALANCE_FAILURES);
        tracks = new LinkedHashMap<>();
        tracks.put("", new Track("", origin, true));
    }

    /** The track of {@code key} ("" for the job's own bundle), created for a version seen first. */
    private Track track(String key, String bundleName, String bundleVersion) {
        return tracks.computeIfAbsent(key, k -> {
            LOG.info("Planning {} on its own, from its round-robin placement.", k);
            return new Track(k, new PlanOrigin(origin.job(), bundleName, bundleVersion), false);
        });
    }

    /**
     * The version key of a report: "" for the job's own bundle, and for every report when the
     * rebalancer does not know its bundle's version (it then cannot tell plans of versions apart).
     */
    private String keyOf(LoadReport r) {
        String key = r.versionKey();
        return key == null
                        || origin.bundleVersion().isEmpty()
                        || key.equals(origin.bundleName() + ":" + origin.bundleVersion())
                ? ""
                : key;
    }

    @Override
    public void processElement1(LoadReport report, Context ctx, Collector<byte[]> out) throws Exception {
        String key = keyOf(report);
        Track t = key.isEmpty() ? tracks.get("") : track(key, report.bundleName, report.bundleVersion);
        if (!t.windows.add(report)) {
            LOG.debug(
                    "Dropped a {} report of subtask {} for window {} of {}: its window was already planned or it"
                            + " counts {} experts in stage {} ({} so far).",
                    report.source,
                    report.subtask,
                    report.windowStart,
                    t.name(),
                    report.records.length,
                    report.stage,
                    t.windows.dropped());
            return;
        }
        for (long deadline : t.windows.deadlines(report.windowEnd)) {
            ctx.timerService().registerProcessingTimeTimer(deadline);
        }
        planReady(ctx.timerService().currentProcessingTime(), out);
    }

    @Override
    public void processElement2(byte[] planBytes, Context ctx, Collector<byte[]> out) throws Exception {
        PlacementPlan avro = PlanCodec.decodeAvro(planBytes);
        String key = PlanFilter.versionOf(avro, origin);
        Track t = key == null
                ? tracks.get("")
                : track(
                        key,
                        avro.getBundleName().isEmpty() ? origin.bundleName() : avro.getBundleName(),
                        avro.getBundleVersion());
        PlanVersion seen = PlanCodec.fromAvro(avro);
        long mine = t.planVersion();
        if (seen.version() > mine) {
            t.plan(planBytes);
            LOG.info("Adopted plan {} for {} from the plans topic ({}).", seen.version(), t.name(), seen.reason());
            return;
        }
        byte[] own = t.lastPublished();
        if (own != null && seen.version() == PlanCodec.decode(own).version() && !Arrays.equals(own, planBytes)) {
            // Someone (`polyroute plan pin`) published while our plan of the same version was still in an
            // uncommitted transaction. GATE and EXPERT keep whichever of the two they read first, so
            // adopt theirs and publish it again under the next version: everyone converges on its pins.
            t.plan(PlanCodec.encode(seen.toBuilder().version(mine).build(), t.origin));
            t.reissue(true);
            LOG.warn(
                    "Plan {} for {} on the plans topic is not the one this rebalancer published under that version"
                            + " ({}); adopting it and re-publishing it as plan {}.",
                    seen.version(),
                    t.name(),
                    seen.reason(),
                    mine + 1);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<byte[]> out) throws Exception {
        planReady(timestamp, out);
    }

    private void planReady(long now, Collector<byte[]> out) throws Exception {
        for (Track t : tracks.values()) {
            for (LoadWindows.Window w : t.windows.ready(now)) {
                try {
                    t.planWindow(w, out);
                } catch (RuntimeException e) {
                    // A window that cannot be planned keeps the plan in force; throwing would restart the
                    // job, replay the same reports and fail again for ever.
                    failures.inc();
                    LOG.error(
                            "Could not plan load window {} of {} ({} failed so far); keeping plan {}: {}",
                            w.start(),
                            t.name(),
                            failures.getCount(),
                            t.planVersion(),
                            e.toString(),
                            e);
                }
            }
        }
    }

    private static long[] round(double[] v) {
        long[] r = new long[v.length];
        for (int i = 0; i < v.length; i++) {
            r[i] = Double.isNaN(v[i]) ? -1 : Math.round(v[i]);
        }
        return r;
    }

    /**
     * What the rebalancer keeps for one bundle version: its windows and smoothers, and in keyed
     * state its plan in force, the windows since it last published, the last plan it published and
     * whether a manual plan must be re-issued.
     */
    private final class Track {
        /** The version key, "" for the job's own bundle. */
        private final String key;
        /** Written into every plan of this version. */
        private final PlanOrigin origin;

        private final LoadWindows windows;
        /** Settings with this version's expert counts; null until every stage reported. */
        private RebalanceSettings versionSettings;

        private LoadSmoother[] smoothers;

        Track(String key, PlanOrigin origin, boolean own) {
            this.key = key;
            this.origin = origin;
            this.windows = new LoadWindows(settings, own);
            if (own) {
                known(settings);
            }
        }

        private void known(RebalanceSettings s) {
            versionSettings = s;
            smoothers = new LoadSmoother[s.expertsPerStage().size()];
            for (int i = 0; i < smoothers.length; i++) {
                smoothers[i] = new LoadSmoother(s.expertsPerStage().get(i), s.smoothing());
            }
        }

        String name() {
            return key.isEmpty() ? "the job's own bundle" : key;
        }

        byte[] storedPlan() throws Exception {
            return key.isEmpty() ? current.value() : versionCurrent.get(key);
        }

        void plan(byte[] b) throws Exception {
            if (key.isEmpty()) {
                current.update(b);
            } else {
                versionCurrent.put(key, b);
            }
        }

        Integer since() throws Exception {
            return key.isEmpty() ? sinceLastPublish.value() : versionSinceLastPublish.get(key);
        }

        void since(int n) throws Exception {
            if (key.isEmpty()) {
                sinceLastPublish.update(n);
            } else {
                versionSinceLastPublish.put(key, n);
            }
        }

        byte[] lastPublished() throws Exception {
            return key.isEmpty() ? RebalanceFunction.this.lastPublished.value() : versionLastPublished.get(key);
        }

        void lastPublished(byte[] b) throws Exception {
            if (key.isEmpty()) {
                if (b == null) {
                    RebalanceFunction.this.lastPublished.clear();
                } else {
                    RebalanceFunction.this.lastPublished.update(b);
                }
            } else if (b == null) {
                versionLastPublished.remove(key);
            } else {
                versionLastPublished.put(key, b);
            }
        }

        boolean reissuing() throws Exception {
            return Boolean.TRUE.equals(key.isEmpty() ? reissue.value() : versionReissue.get(key));
        }

        void reissue(boolean on) throws Exception {
            if (key.isEmpty()) {
                if (on) {
                    reissue.update(true);
                } else {
                    reissue.clear();
                }
            } else if (on) {
                versionReissue.put(key, true);
            } else {
                versionReissue.remove(key);
            }
        }

        /** The version of the plan in force: the stored plan's, 0 for none (the round-robin placement). */
        long planVersion() throws Exception {
            if (versionSettings != null) {
                return currentPlan().version();
            }
            byte[] b = storedPlan();
            try {
                return b == null ? 0 : PlanCodec.decode(b).version();
            } catch (RuntimeException e) {
                return 0;
            }
        }

        void planWindow(LoadWindows.Window window, Collector<byte[]> out) throws Exception {
            if (versionSettings == null) {
                List<Integer> experts = windows.expertsPerStage();
                if (experts == null) {
                    LOG.debug(
                            "Not planning window {} of {}: not every stage has reported yet.", window.start(), name());
                    return;
                }
                known(settings.withExpertsPerStage(experts));
                LOG.info("{} has {} experts per stage; planning it from its round-robin placement.", name(), experts);
            }
            List<LoadReport> reports = window.reports();
            long windowStart = window.start();
            PlanVersion plan = currentPlan();
            // Windows since the one that published, counting this one: the planner's cooldown blocks 1..N.
            Integer stored = since();
            int since = stored == null ? Integer.MAX_VALUE / 2 : Math.min(stored + 1, Integer.MAX_VALUE / 2);
            List<PlanDecision> decisions = new ArrayList<>();
            boolean publish = false;
            for (int s = 0; s < smoothers.length; s++) {
                LoadSnapshot load = smoothers[s].update(windows.demand(window, s), windows.cost(window, s));
                int experts = versionSettings.expertsPerStage().get(s);
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
                            "Window {} of {} stage {}: {} reports ({} GATE), demand {}, cost ns {}, smoothed loads"
                                    + " {}: {}",
                            windowStart,
                            name(),
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
            boolean reissuing = reissuing();
            if (!publish && !reissuing) {
                since(since);
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
            plan(bytes);
            lastPublished(bytes);
            reissue(false);
            since(0);
            LOG.info("Publishing plan {} for {}: {}", published.version(), name(), published.reason());
            out.collect(bytes);
        }

        /**
         * The plan in force; a stored plan that no longer fits the version (a savepoint of another
         * bundle) is dropped.
         */
        private PlanVersion currentPlan() throws Exception {
            byte[] b = storedPlan();
            PlanVersion initial = PlanVersion.initial(versionSettings.expertsPerStage(), settings.slots());
            if (b == null) {
                return initial;
            }
            String misfit;
            PlanVersion stored = null;
            try {
                stored = PlanCodec.decode(b);
                misfit = PlanFilter.misfit(stored, versionSettings.expertsPerStage(), settings.slots());
            } catch (RuntimeException e) {
                misfit = "it does not decode: " + e.getMessage();
            }
            if (misfit == null) {
                return stored;
            }
            LOG.warn("Dropped the stored plan of {}: {}; planning from the round-robin placement.", name(), misfit);
            // Keep the version climbing so GATE and EXPERT, which ignore older versions, follow the next plan.
            PlanVersion fresh = stored == null
                    ? initial
                    : initial.toBuilder().version(stored.version()).build();
            plan(PlanCodec.encode(fresh, origin));
            lastPublished(null);
            return fresh;
        }
    }
}
