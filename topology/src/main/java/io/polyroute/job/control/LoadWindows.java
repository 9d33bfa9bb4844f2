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

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The load reports of the windows the rebalancer has not planned yet, and the per-expert demand
 * and cost it plans a window with. Not thread-safe; lives in the single rebalancer task.
 *
 * <p>A window is ready when every GATE and EXPERT subtask has reported it; when every GATE subtask
 * has and half a window has passed since its end (EXPERT reports only refine the costs); or, at
 * the latest, {@value #LATEST_WINDOWS} windows after its end with whatever arrived (GATE reports lag
 * behind under backpressure, and without them a window carries no demand). Windows are planned
 * oldest first and each exactly once: a report for a window already planned is dropped, never
 * planned as a window of its own.
 *
 * <p>Costs are noisy: a cold expert serves a handful of records per window, and one preempted batch
 * on a busy machine multiplies its wall-clock cost per record tenfold. So each expert's cost is
 * shrunk towards the stage's pooled cost per record with the weight of {@value #PRIOR_RECORDS}
 * records: an expert that served many records keeps its own cost, one that served few gets
 * nearly the pooled one.
 *
 * <p>The rebalancer keeps one per bundle version. A version other than the job's own may have other
 * expert counts: it starts with them unknown and learns each stage's from the first GATE report of
 * that stage ({@link #expertsPerStage()}); a report of another count for a known stage is dropped.
 */
final class LoadWindows {
    /** Records of evidence the pooled cost counts as when estimating one expert's cost. */
    static final int PRIOR_RECORDS = 64;
    /** Windows after its end at which a window is planned whatever has arrived. */
    static final int LATEST_WINDOWS = 3;

    private final RebalanceSettings settings;
    /** Experts per stage, -1 while unknown. */
    private final int[] experts;

    private final Map<Long, List<LoadReport>> pending = new TreeMap<>();
    /** Start of the newest window planned, {@link Long#MIN_VALUE} before the first. */
    private long plannedUpTo = Long.MIN_VALUE;

    private long dropped;

    /** Windows of the job's own bundle, whose expert counts {@code settings} give. */
    LoadWindows(RebalanceSettings settings) {
        this(settings, true);
    }

    /** Windows of a version whose expert counts are learnt from its reports unless {@code known}. */
    LoadWindows(RebalanceSettings settings, boolean known) {
        this.settings = settings;
        this.experts = new int[settings.expertsPerStage().size()];
        for (int s = 0; s < experts.length; s++) {
            experts[s] = known ? settings.expertsPerStage().get(s) : -1;
        }
    }

    /** The experts per stage, or null while some stage has not reported yet. */
    List<Integer> expertsPerStage() {
        List<Integer> out = new ArrayList<>(experts.length);
        for (int n : experts) {
            if (n < 0) {
                return null;
            }
            out.add(n);
        }
        return out;
    }

    /** One window's reports, ready to plan. */
    record Window(long start, List<LoadReport> reports) {}

    /**
     * Adds a report; returns false (and drops it) when its window has already been planned, or when
     * it counts another number of experts than its stage has.
     */
    boolean add(LoadReport report) {
        if (report.stage < 0 || report.stage >= experts.length) {
            dropped++;
            return false;
        }
        if (experts[report.stage] < 0) {
            experts[report.stage] = report.records.length;
        }
        if (report.windowStart <= plannedUpTo || report.records.length != experts[report.stage]) {
            dropped++;
            return false;
        }
        pending.computeIfAbsent(report.windowStart, k -> new ArrayList<>()).add(report);
        return true;
    }

    /** Reports dropped because they arrived after their window was planned. */
    long dropped() {
        return dropped;
    }

    /** Processing times at which a window ending at {@code windowEnd} may become ready. */
    long[] deadlines(long windowEnd) {
        return new long[] {windowEnd + settings.windowMillis() / 2, windowEnd + LATEST_WINDOWS * settings.windowMillis()
        };
    }

    /** Removes and returns the windows to plan at processing time {@code now}, oldest first. */
    List<Window> ready(long now) {
        long newestReady = Long.MIN_VALUE;
        for (Map.Entry<Long, List<LoadReport>> w : pending.entrySet()) {
            if (isReady(w.getKey(), w.getValue(), now)) {
                newestReady = w.getKey();
            }
        }
        List<Window> out = new ArrayList<>();
        // Everything older than a ready window is ready too: its reports can no longer all arrive in order.
        for (Iterator<Map.Entry<Long, List<LoadReport>>> it = pending.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Long, List<LoadReport>> w = it.next();
            if (w.getKey() > newestReady) {
                break;
            }
            out.add(new Window(w.getKey(), w.getValue()));
            plannedUpTo = w.getKey();
            it.remove();
        }
        return out;
    }

    private boolean isReady(long start, List<LoadReport> reports, long now) {
        long end = start + settings.windowMillis();
        int stages = settings.expertsPerStage().size();
        long gates =
                reports.stream().filter(r -> LoadReport.GATE.equals(r.source)).count();
        long experts = reports.size() - gates;
        boolean allGates = gates >= (long) settings.gateSubtasks() * stages;
        boolean allExperts = experts >= (long) settings.slots() * stages;
        return allGates && allExperts
                || allGates && now >= end + settings.windowMillis() / 2
                || now >= end + LATEST_WINDOWS * settings.windowMillis();
    }

    /**
     * Records per second routed to each expert of {@code stage}, scaled up when some GATE subtasks
     * did not report (each sees about the same share of the input).
     */
    double[] demand(Window w, int stage) {
        double[] d = new double[experts[stage]];
        double seconds = settings.windowMillis() / 1000.0;
        int gates = 0;
        for (LoadReport r : w.reports()) {
            if (r.stage == stage && LoadReport.GATE.equals(r.source)) {
                gates++;
                for (int e = 0; e < d.length; e++) {
                    d[e] += r.records[e] / seconds;
                }
            }
        }
        if (gates > 0 && gates < settings.gateSubtasks()) {
            for (int e = 0; e < d.length; e++) {
                d[e] *= (double) settings.gateSubtasks() / gates;
            }
        }
        return d;
    }

    /**
     * Service nanoseconds per record of each expert of {@code stage}, shrunk towards the pooled cost;
     * all {@code NaN} (keep the previous estimate) when no expert served a record.
     */
    double[] cost(Window w, int stage) {
        int experts = this.experts[stage];
        double[] nanos = new double[experts];
        double[] records = new double[experts];
        double totalNanos = 0;
        double totalRecords = 0;
        for (LoadReport r : w.reports()) {
            if (r.stage == stage && LoadReport.EXPERT.equals(r.source)) {
                for (int e = 0; e < experts; e++) {
                    nanos[e] += r.serviceNanos[e];
                    records[e] += r.records[e];
                    totalNanos += r.serviceNanos[e];
                    totalRecords += r.records[e];
                }
            }
        }
        double[] c = new double[experts];
        double pooled = totalRecords > 0 ? totalNanos / totalRecords : Double.NaN;
        for (int e = 0; e < experts; e++) {
            c[e] = totalRecords > 0 ? (nanos[e] + PRIOR_RECORDS * pooled) / (records[e] + PRIOR_RECORDS) : Double.NaN;
        }
        return c;
    }
}
