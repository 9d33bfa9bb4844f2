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
package io.polyroute.bench.skew;

import io.polyroute.avro.ExpertLoad;
import io.polyroute.job.control.LoadSummary;
import io.polyroute.runtime.placement.Placement;
import io.polyroute.runtime.placement.PlanVersion;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The figures of one run, from its load topic and plans topic. Imbalance is observed: max / mean
 * over slots of the expert service time each slot spent, summed over the converged windows of the
 * second phase. The drift window is the one in which the GATE routed the first phase-2 record (the
 * routed count crosses the first phase's). The plan that answers it is the first plan created after
 * the drift window ended that balances the second phase's observed load better than the plan
 * before it; the reaction counts windows from the drift window to that plan: 1 when it was planned
 * from the drift window's own load, 2 when one window later, and so on.
 *
 * @param windows busy windows (every slot reported, the GATE routed at least half the median load)
 * @param driftWindowStart start of the drift window, -1 when none was found
 * @param reactionWindows windows from the drift to the answering plan, -1 when there is none
 * @param phase1Imbalance observed imbalance over the converged windows of phase 1
 * @param phase2Imbalance observed imbalance over the converged windows of phase 2
 * @param phase2Windows number of windows phase2Imbalance sums over
 * @param planChanges plans published in the run (versions above 0)
 * @param sessionsMoved sessions those plans loaded, summed
 * @param hottestShare share of all routed records that went to the hottest expert, per phase
 * @param phase2Busy per slot, the share of the converged phase-2 windows it spent running experts
 * @param phase2MicrosPerVisit expert service time per served record over the converged phase-2 windows
 */
record SkewFigures(
        int windows,
        long driftWindowStart,
        int reactionWindows,
        double phase1Imbalance,
        double phase2Imbalance,
        int phase2Windows,
        int planChanges,
        int sessionsMoved,
        double[] hottestShare,
        double[] phase2Busy,
        double phase2MicrosPerVisit) {

    /**
     * @param phase1Visits expert visits the GATE routes in the first phase (records × top-k); the
     *     window in which the routed count exceeds it is the drift window
     */
    static SkewFigures of(
            List<ExpertLoad> loads,
            List<PlanVersion> plans,
            int slots,
            long windowMillis,
            long activationMillis,
            int hot1,
            int hot2,
            long phase1Visits) {
        List<LoadSummary> all = LoadSummary.windows(loads);
        List<LoadSummary> busy = busy(all, slots);
        List<PlanVersion> published =
                plans.stream().filter(p -> p.version() > 0).toList();
        int moved = published.stream().mapToInt(PlanVersion::sessionsMoved).sum();
        Optional<LoadSummary> drift = driftWindow(all, phase1Visits);
        long driftStart = drift.map(LoadSummary::windowStart).orElse(-1L);
        Optional<PlanVersion> first = published.stream().findFirst();
        Optional<PlanVersion> answer = drift.flatMap(d -> answer(published, d, busy));
        int reaction = answer.map(
                        p -> 1 + (int) ((p.timestampMillis() - drift.get().windowEnd()) / windowMillis))
                .orElse(-1);
        // Converged: two windows into a phase for the static placement, after the answering plan took effect otherwise.
        long phase1From = busy.isEmpty() ? 0 : busy.get(0).windowStart() + 2 * windowMillis;
        if (first.isPresent() && first.get().timestampMillis() < driftStart) {
            phase1From = Math.max(phase1From, first.get().timestampMillis() + activationMillis);
        }
        long phase2From = driftStart + 2 * windowMillis;
        if (answer.isPresent()) {
            phase2From = Math.max(phase2From, answer.get().timestampMillis() + activationMillis);
        }
        long p1 = phase1From;
        long p2 = phase2From;
        List<LoadSummary> phase1 = busy.stream()
                .filter(w -> w.windowStart() >= p1 && (driftStart < 0 || w.windowEnd() <= driftStart))
                .toList();
        List<LoadSummary> phase2 = driftStart < 0
                ? List.of()
                : busy.stream().filter(w -> w.windowStart() >= p2).toList();
        return new SkewFigures(
                busy.size(),
                driftStart,
                reaction,
                imbalance(phase1, slots),
                imbalance(phase2, slots),
                phase2.size(),
                published.size(),
                moved,
                new double[] {share(busy, driftStart, hot1, true), share(busy, driftStart, hot2, false)},
                busyShares(phase2, slots),
                microsPerVisit(phase2));
    }

    /** Per slot: service time over the windows' length; NaN entries when there are no windows. */
    private static double[] busyShares(List<LoadSummary> windows, int slots) {
        double[] out = new double[slots];
        long span = 0;
        for (LoadSummary w : windows) {
            long[] s = w.slotServiceNanos(0, slots);
            for (int i = 0; i < slots; i++) {
                out[i] += s[i];
            }
            span += (w.windowEnd() - w.windowStart()) * 1_000_000L;
        }
        for (int i = 0; i < slots; i++) {
            out[i] = span == 0 ? Double.NaN : out[i] / span;
        }
        return out;
    }

    private static double microsPerVisit(List<LoadSummary> windows) {
        long nanos = 0;
        long served = 0;
        for (LoadSummary w : windows) {
            nanos += Arrays.stream(w.serviceNanos(0)).sum();
            served += Arrays.stream(w.served(0)).sum();
        }
        return served == 0 ? Double.NaN : nanos / 1e3 / served;
    }

    private static Optional<LoadSummary> driftWindow(List<LoadSummary> windows, long phase1Visits) {
        long routed = 0;
        for (LoadSummary w : windows) {
            routed += w.experts(0) == 0 ? 0 : Arrays.stream(w.demand(0)).sum();
            if (routed > phase1Visits) {
                return Optional.of(w);
            }
        }
        return Optional.empty();
    }

    /** The first plan after the drift window that balances phase 2's observed load better than its predecessor. */
    private static Optional<PlanVersion> answer(
            List<PlanVersion> published, LoadSummary drift, List<LoadSummary> busy) {
        double[] load = null;
        for (LoadSummary w : busy) {
            if (w.windowStart() > drift.windowStart()) {
                double[] l = w.expertLoad(0);
                if (load == null) {
                    load = new double[l.length];
                }
                for (int e = 0; e < l.length; e++) {
                    load[e] += l[e];
                }
            }
        }
        PlanVersion before = null;
        for (PlanVersion p : published) {
            if (p.timestampMillis() >= drift.windowEnd()) {
                if (load == null) {
                    return Optional.of(p);
                }
                Placement previous = before == null
                        ? Placement.roundRobin(load.length, p.stage(0).slots())
                        : before.stage(0);
                if (p.stage(0).imbalance(load) < previous.imbalance(load)) {
                    return Optional.of(p);
                }
            }
            before = p;
        }
        return Optional.empty();
    }

    private static List<LoadSummary> busy(List<LoadSummary> windows, int slots) {
        long[] totals = windows.stream()
                .mapToLong(w -> Arrays.stream(w.demand(0)).sum())
                .filter(t -> t > 0)
                .sorted()
                .toArray();
        long median = totals.length == 0 ? 0 : totals[totals.length / 2];
        List<LoadSummary> out = new ArrayList<>();
        for (LoadSummary w : windows) {
            if (w.expertSlotsReporting() >= slots
                    && w.experts(0) > 0
                    && Arrays.stream(w.demand(0)).sum() * 2 >= median
                    && median > 0) {
                out.add(w);
            }
        }
        return out;
    }

    /** Observed imbalance over {@code windows}: slot service times summed first; NaN when there are none. */
    private static double imbalance(List<LoadSummary> windows, int slots) {
        if (windows.isEmpty()) {
            return Double.NaN;
        }
        long[] perSlot = new long[slots];
        for (LoadSummary w : windows) {
            long[] s = w.slotServiceNanos(0, slots);
            for (int i = 0; i < slots; i++) {
                perSlot[i] += s[i];
            }
        }
        return LoadSummary.imbalance(perSlot);
    }

    private static double share(List<LoadSummary> busy, long driftStart, int expert, boolean before) {
        long hot = 0;
        long all = 0;
        for (LoadSummary w : busy) {
            if (driftStart < 0 || (w.windowStart() < driftStart) == before) {
                long[] d = w.demand(0);
                hot += d[expert];
                all += Arrays.stream(d).sum();
            }
        }
        return all == 0 ? Double.NaN : (double) hot / all;
    }
}
