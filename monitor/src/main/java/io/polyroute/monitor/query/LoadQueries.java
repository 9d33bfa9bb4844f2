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
package io.polyroute.monitor.query;

import io.polyroute.avro.ExpertPlacement;
import io.polyroute.avro.PlacementPlan;
import io.polyroute.monitor.MonitorStores;
import io.polyroute.monitor.aggregate.ExpertKey;
import io.polyroute.monitor.aggregate.LoadMatrix;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.IntStream;

/** Load per slot and per expert, the heat map and the imbalance. */
final class LoadQueries {

    private final WindowReader reader;
    private final PlanQueries plans;

    LoadQueries(WindowReader reader, PlanQueries plans) {
        this.reader = reader;
        this.plans = plans;
    }

    /** Slot loads per window of {@code range}, with the plan changes in it. */
    Views.SlotSeries slots(TimeRange range) {
        SortedMap<Long, LoadMatrix> byWindow = reader.series(MonitorStores.ROUTED_LOAD, range, MonitorStores.ALL);
        int highest = byWindow.values().stream()
                .mapToInt(LoadMatrix::highestSlot)
                .max()
                .orElse(-1);
        int slotCount = slotCount(highest);
        List<Views.SlotPoint> points = new ArrayList<>(range.windowCount());
        for (int i = 0; i < range.windowCount(); i++) {
            long start = range.windowStart(i);
            LoadMatrix matrix = byWindow.getOrDefault(start, LoadMatrix.empty());
            NavigableMap<Integer, Long> bySlot = matrix.recordsBySlot();
            List<Long> loads = IntStream.range(0, slotCount)
                    .mapToObj(s -> bySlot.getOrDefault(s, 0L))
                    .toList();
            points.add(new Views.SlotPoint(start, loads, Views.finite(matrix.imbalance(slotCount))));
        }
        return new Views.SlotSeries(
                range.resolution().label(),
                range.firstStart(),
                range.end(),
                IntStream.range(0, slotCount).boxed().toList(),
                points,
                plans.markers(range.firstStart(), range.end()));
    }

    /** The routed load of every expert and slot over [sinceMs, untilMs). */
    LoadMatrix routed(long sinceMs, long untilMs) {
        return reader.totals(MonitorStores.ROUTED_LOAD, sinceMs, untilMs, MonitorStores.ALL::equals)
                .getOrDefault(MonitorStores.ALL, LoadMatrix.empty());
    }

    /** Load per expert over [sinceMs, untilMs), from the predictions and from the load reports. */
    List<Views.ExpertLoad> experts(long sinceMs, long untilMs) {
        LoadMatrix routed = routed(sinceMs, untilMs);
        Map<String, LoadMatrix> reported = reader.totals(MonitorStores.REPORTED_LOAD, sinceMs, untilMs, k -> true);
        LoadMatrix gate = reported.getOrDefault("GATE", LoadMatrix.empty());
        LoadMatrix served = reported.getOrDefault("EXPERT", LoadMatrix.empty());
        Map<ExpertKey, List<Integer>> replicas = replicasOfLatestPlan();

        TreeSet<ExpertKey> experts = new TreeSet<>(routed.recordsByExpert().keySet());
        experts.addAll(gate.recordsByExpert().keySet());
        experts.addAll(served.recordsByExpert().keySet());
        experts.addAll(replicas.keySet());

        Map<ExpertKey, Map<Integer, Long>> bySlot = new HashMap<>();
        routed.cells()
                .forEach((cell, load) -> bySlot.computeIfAbsent(cell.expertKey(), k -> new TreeMap<>())
                        .merge(cell.slot(), load.records(), Long::sum));
        long total = routed.totalRecords();
        List<Views.ExpertLoad> out = new ArrayList<>();
        for (ExpertKey e : experts) {
            long records = routed.recordsByExpert().getOrDefault(e, 0L);
            long servedRecords = served.recordsByExpert().getOrDefault(e, 0L);
            long nanos = served.serviceNanosByExpert().getOrDefault(e, 0L);
            out.add(new Views.ExpertLoad(
                    e.stage(),
                    e.expert(),
                    e.label(),
                    records,
                    total == 0 ? null : (double) records / total,
                    bySlot.getOrDefault(e, Map.of()),
                    gate.recordsByExpert().getOrDefault(e, 0L),
                    servedRecords == 0 ? null : nanos / 1000.0 / servedRecords,
                    replicas.getOrDefault(e, List.of())));
        }
        return out;
    }

    /** Expert × slot invocation counts over [sinceMs, untilMs). */
    Views.Heatmap heatmap(int minutes, long sinceMs, long untilMs) {
        LoadMatrix routed = routed(sinceMs, untilMs);
        int slotCount = slotCount(routed.highestSlot());
        TreeSet<ExpertKey> experts = new TreeSet<>(routed.recordsByExpert().keySet());
        experts.addAll(replicasOfLatestPlan().keySet());
        Map<ExpertKey, long[]> rows = new TreeMap<>();
        experts.forEach(e -> rows.put(e, new long[slotCount]));
        routed.cells().forEach((cell, load) -> {
            if (cell.slot() >= 0) {
                rows.get(cell.expertKey())[cell.slot()] += load.records();
            }
        });
        long max = rows.values().stream().flatMapToLong(Arrays::stream).max().orElse(0);
        return new Views.Heatmap(
                minutes,
                sinceMs,
                untilMs,
                experts.stream().map(ExpertKey::label).toList(),
                IntStream.range(0, slotCount).boxed().toList(),
                rows.values().stream()
                        .map(r -> Arrays.stream(r).boxed().toList())
                        .toList(),
                max);
    }

    /**
     * Number of slots: what the latest plan says, raised to cover the highest slot with load;
     * at least one.
     */
    int slotCount(int highestSlotWithLoad) {
        int planned = plans.latest().map(PlacementPlan::getSlots).orElse(0);
        return Math.max(1, Math.max(planned, highestSlotWithLoad + 1));
    }

    private Map<ExpertKey, List<Integer>> replicasOfLatestPlan() {
        Optional<PlacementPlan> latest = plans.latest();
        Map<ExpertKey, List<Integer>> out = new TreeMap<>();
        latest.ifPresent(plan -> {
            for (ExpertPlacement p : plan.getReplicas()) {
                out.put(new ExpertKey(p.getStage(), p.getExpert()), List.copyOf(p.getSlots()));
            }
        });
        return out;
    }
}
