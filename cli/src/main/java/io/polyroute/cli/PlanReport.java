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
package io.polyroute.cli;

import io.polyroute.job.control.LoadSummary;
import io.polyroute.runtime.placement.ExpertReplicas;
import io.polyroute.runtime.placement.Placement;
import io.polyroute.runtime.placement.PlanVersion;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Optional;

/** Prints a plan and the latest observed load the way {@code polyroute plan} shows them. */
final class PlanReport {
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);

    private PlanReport() {}

    static void plan(PrintWriter out, PlanVersion plan, Optional<LoadSummary> load) {
        out.printf(
                Locale.ROOT,
                "plan %d, %s, %d slots%s%n",
                plan.version(),
                Instant.ofEpochMilli(plan.timestampMillis()),
                plan.stage(0).slots(),
                plan.pinned() ? ", manual pins in force" : "");
        out.printf(Locale.ROOT, "reason: %s%n", plan.reason());
        out.printf(
                Locale.ROOT,
                "predicted imbalance %.3f, sessions moved %d%n",
                plan.predictedImbalance(),
                plan.sessionsMoved());
        for (int s = 0; s < plan.stageCount(); s++) {
            Placement p = plan.stage(s);
            int stage = s;
            double[] expertLoad = load.filter(l -> l.experts(stage) > 0)
                    .map(l -> l.expertLoad(stage))
                    .orElse(null);
            out.printf(Locale.ROOT, "stage %d: %d experts, %d replicas%n", s, p.experts(), p.totalReplicas());
            out.printf(Locale.ROOT, "  %6s  %-36s %s%n", "expert", "replicas (slot:share)", "pinned");
            for (int e = 0; e < p.experts(); e++) {
                out.printf(
                        Locale.ROOT,
                        "  %6d  %-36s %s%n",
                        e,
                        replicas(p.replicas(e)),
                        plan.pinnedExperts(s).contains(e) ? "pinned" : "");
            }
            double[] slotLoad = expertLoad != null && expertLoad.length == p.experts() ? p.slotLoads(expertLoad) : null;
            double total = 0;
            for (int i = 0; slotLoad != null && i < slotLoad.length; i++) {
                total += slotLoad[i];
            }
            out.printf(
                    Locale.ROOT,
                    "  %6s  %8s  %s%n",
                    "slot",
                    "sessions",
                    slotLoad == null ? "" : "share of the latest load");
            for (int slot = 0; slot < p.slots(); slot++) {
                out.printf(
                        Locale.ROOT,
                        "  %6d  %8d  %s%n",
                        slot,
                        p.residentSessions(slot),
                        slotLoad == null || total <= 0
                                ? ""
                                : String.format(Locale.ROOT, "%.1f%%", 100 * slotLoad[slot] / total));
            }
        }
    }

    static void load(PrintWriter out, Optional<LoadSummary> latest, int slots, String topic) {
        if (latest.isEmpty()) {
            out.printf(Locale.ROOT, "no complete load window on %s yet%n", topic);
            return;
        }
        LoadSummary l = latest.get();
        out.printf(
                Locale.ROOT,
                "latest load: window %s-%s UTC, plan %d in force, %d of %d slots reported%n",
                TIME.format(Instant.ofEpochMilli(l.windowStart())),
                TIME.format(Instant.ofEpochMilli(l.windowEnd())),
                l.planVersion(),
                l.expertSlotsReporting(),
                slots);
        for (int s = 0; s < l.stages(); s++) {
            long[] routed = l.demand(s);
            long[] served = l.served(s);
            long[] nanos = l.serviceNanos(s);
            out.printf(
                    Locale.ROOT,
                    "stage %d:%n  %6s  %8s  %8s  %10s  %10s%n",
                    s,
                    "expert",
                    "routed",
                    "served",
                    "service ms",
                    "us/record");
            for (int e = 0; e < routed.length; e++) {
                out.printf(
                        Locale.ROOT,
                        "  %6d  %8d  %8d  %10.1f  %10s%n",
                        e,
                        routed[e],
                        served[e],
                        nanos[e] / 1e6,
                        served[e] > 0 ? String.format(Locale.ROOT, "%.1f", nanos[e] / 1e3 / served[e]) : "-");
            }
            long[] perSlot = l.slotServiceNanos(s, slots);
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < perSlot.length; i++) {
                sb.append(String.format(Locale.ROOT, "  %d: %.1f", i, perSlot[i] / 1e6));
            }
            out.printf(Locale.ROOT, "  service ms per slot:%s%n", sb);
            out.printf(
                    Locale.ROOT,
                    "  observed imbalance %.3f (max / mean slot service time)%n",
                    LoadSummary.imbalance(perSlot));
        }
    }

    private static String replicas(ExpertReplicas r) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < r.count(); i++) {
            sb.append(i == 0 ? "" : " ").append(String.format(Locale.ROOT, "%d:%.3f", r.slot(i), r.share(i)));
        }
        return sb.toString();
    }
}
