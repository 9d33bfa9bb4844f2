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

import io.polyroute.avro.ExpertLoad;
import io.polyroute.avro.ExpertLoadEntry;
import io.polyroute.avro.LoadSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What the load topic says about one window: per stage the demand the GATE subtasks routed to each
 * expert, and the records and service time each EXPERT slot spent on each expert. Imbalance here is
 * observed, not predicted: max / mean over slots of the service time they spent in the window.
 *
 * <pre>{@code
 * List<LoadSummary> windows = LoadSummary.windows(reports);
 * LoadSummary last = LoadSummary.latestComplete(reports, 4).orElseThrow();
 * double imbalance = last.imbalance(0, 4);
 * }</pre>
 */
public final class LoadSummary {
    private final long windowStart;
    private final long windowEnd;
    private final long planVersion;
    private final List<ExpertLoad> reports;

    private LoadSummary(long windowStart, long windowEnd, List<ExpertLoad> reports) {
        this.windowStart = windowStart;
        this.windowEnd = windowEnd;
        this.reports = List.copyOf(reports);
        this.planVersion =
                reports.stream().mapToLong(ExpertLoad::getPlanVersion).max().orElse(0);
    }

    /**
     * One summary per window of {@code reports}, oldest first. Only reports of the job's own bundle
     * count: during a rollout GATE reports other versions apart ({@code bundle_version} set), and
     * their experts are another model's.
     */
    public static List<LoadSummary> windows(List<ExpertLoad> reports) {
        Map<Long, List<ExpertLoad>> byWindow = new TreeMap<>();
        Map<Long, Long> ends = new TreeMap<>();
        for (ExpertLoad r : reports) {
            if (!r.getBundleVersion().isEmpty()) {
                continue;
            }
            long start = r.getWindowStart().toEpochMilli();
            byWindow.computeIfAbsent(start, k -> new ArrayList<>()).add(r);
            ends.put(start, r.getWindowEnd().toEpochMilli());
        }
        List<LoadSummary> out = new ArrayList<>();
        byWindow.forEach((start, rs) -> out.add(new LoadSummary(start, ends.get(start), rs)));
        return out;
    }

    /** The newest window in which all {@code slots} EXPERT slots reported, if any. */
    public static Optional<LoadSummary> latestComplete(List<ExpertLoad> reports, int slots) {
        List<LoadSummary> all = windows(reports);
        for (int i = all.size() - 1; i >= 0; i--) {
            if (all.get(i).expertSlotsReporting() >= slots) {
                return Optional.of(all.get(i));
            }
        }
        return Optional.empty();
    }

    public long windowStart() {
        return windowStart;
    }

    public long windowEnd() {
        return windowEnd;
    }

    /** The newest plan version any subtask followed in the window. */
    public long planVersion() {
        return planVersion;
    }

    /** Number of distinct EXPERT subtasks (slots) that reported the window. */
    public int expertSlotsReporting() {
        return (int) reports.stream()
                .filter(r -> r.getSource() == LoadSource.EXPERT)
                .mapToInt(ExpertLoad::getSubtask)
                .distinct()
                .count();
    }

    /** Stages named in the window's entries. */
    public int stages() {
        int n = 0;
        for (ExpertLoad r : reports) {
            for (ExpertLoadEntry e : r.getEntries()) {
                n = Math.max(n, e.getStage() + 1);
            }
        }
        return n;
    }

    /** Experts of {@code stage} named in the window's entries. */
    public int experts(int stage) {
        int n = 0;
        for (ExpertLoad r : reports) {
            for (ExpertLoadEntry e : r.getEntries()) {
                n = e.getStage() == stage ? Math.max(n, e.getExpert() + 1) : n;
            }
        }
        return n;
    }

    /** Records the GATE subtasks routed to each expert of {@code stage}. */
    public long[] demand(int stage) {
        long[] d = new long[experts(stage)];
        forEach(LoadSource.GATE, stage, (r, e) -> d[e.getExpert()] += e.getRecords());
        return d;
    }

    /** Records the EXPERT slots served for each expert of {@code stage}. */
    public long[] served(int stage) {
        long[] d = new long[experts(stage)];
        forEach(LoadSource.EXPERT, stage, (r, e) -> d[e.getExpert()] += e.getRecords());
        return d;
    }

    /** Service nanoseconds the EXPERT slots spent on each expert of {@code stage}. */
    public long[] serviceNanos(int stage) {
        long[] d = new long[experts(stage)];
        forEach(LoadSource.EXPERT, stage, (r, e) -> d[e.getExpert()] += e.getServiceNanos());
        return d;
    }

    /** Service nanoseconds each of {@code slots} slots spent on {@code stage}'s experts. */
    public long[] slotServiceNanos(int stage, int slots) {
        long[] d = new long[slots];
        forEach(LoadSource.EXPERT, stage, (r, e) -> {
            if (r.getSubtask() < slots) {
                d[r.getSubtask()] += e.getServiceNanos();
            }
        });
        return d;
    }

    /** Observed imbalance of {@code stage}: max / mean slot service time; 1.0 when nothing was served. */
    public double imbalance(int stage, int slots) {
        return imbalance(slotServiceNanos(stage, slots));
    }

    /** Max / mean of {@code slotLoads}; 1.0 when they sum to 0. */
    public static double imbalance(long[] slotLoads) {
        long max = 0;
        double sum = 0;
        for (long l : slotLoads) {
            max = Math.max(max, l);
            sum += l;
        }
        return sum <= 0 ? 1.0 : max / (sum / slotLoads.length);
    }

    /**
     * Work per expert of {@code stage} as the planner sees it: demand × service nanoseconds per
     * record (the pooled cost for experts that served nothing).
     */
    public double[] expertLoad(int stage) {
        long[] demand = demand(stage);
        long[] served = served(stage);
        long[] nanos = serviceNanos(stage);
        double pooled = 0;
        long all = 0;
        for (int e = 0; e < nanos.length; e++) {
            pooled += nanos[e];
            all += served[e];
        }
        pooled = all > 0 ? pooled / all : 1.0;
        double[] load = new double[demand.length];
        for (int e = 0; e < load.length; e++) {
            load[e] = demand[e] * (served[e] > 0 ? (double) nanos[e] / served[e] : pooled);
        }
        return load;
    }

    private void forEach(LoadSource source, int stage, java.util.function.BiConsumer<ExpertLoad, ExpertLoadEntry> f) {
        for (ExpertLoad r : reports) {
            if (r.getSource() == source) {
                for (ExpertLoadEntry e : r.getEntries()) {
                    if (e.getStage() == stage) {
                        f.accept(r, e);
                    }
                }
            }
        }
    }
}
