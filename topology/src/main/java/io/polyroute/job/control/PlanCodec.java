package io.polyroute.job.control;

import io.polyroute.avro.ExpertPlacement;
import io.polyroute.avro.PlacementPlan;
import io.polyroute.runtime.placement.ExpertReplicas;
import io.polyroute.runtime.placement.Placement;
import io.polyroute.runtime.placement.PlanVersion;
import io.polyroute.schemas.AvroCodec;
import io.polyroute.schemas.AvroEncoding;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/** Maps the core's {@link PlanVersion} to and from the Avro {@code PlacementPlan} of the plans topic. */
public final class PlanCodec {
    private PlanCodec() {}

    public static PlacementPlan toAvro(PlanVersion plan) {
        List<ExpertPlacement> replicas = new ArrayList<>();
        int slots = 0;
        for (int s = 0; s < plan.stageCount(); s++) {
            Placement p = plan.stage(s);
            slots = Math.max(slots, p.slots());
            Set<Integer> pinned = plan.pinnedExperts(s);
            for (int e = 0; e < p.experts(); e++) {
                ExpertReplicas r = p.replicas(e);
                List<Integer> sl = new ArrayList<>();
                List<Double> sh = new ArrayList<>();
                for (int i = 0; i < r.count(); i++) {
                    sl.add(r.slot(i));
                    sh.add(r.share(i));
                }
                replicas.add(ExpertPlacement.newBuilder()
                        .setStage(s)
                        .setExpert(e)
                        .setSlots(sl)
                        .setShares(sh)
                        .setPinned(pinned.contains(e))
                        .build());
            }
        }
        return PlacementPlan.newBuilder()
                .setVersion(plan.version())
                .setCreatedTime(Instant.ofEpochMilli(plan.timestampMillis()))
                .setReason(plan.reason())
                .setPinned(plan.pinned())
                .setSlots(slots)
                .setPredictedImbalance(plan.predictedImbalance())
                .setSessionsMoved(plan.sessionsMoved())
                .setReplicas(replicas)
                .build();
    }

    public static PlanVersion fromAvro(PlacementPlan avro) {
        TreeMap<Integer, TreeMap<Integer, ExpertReplicas>> byStage = new TreeMap<>();
        TreeMap<Integer, Set<Integer>> pinned = new TreeMap<>();
        for (ExpertPlacement r : avro.getReplicas()) {
            int[] sl = r.getSlots().stream().mapToInt(Integer::intValue).toArray();
            double[] sh =
                    r.getShares().stream().mapToDouble(Double::doubleValue).toArray();
            byStage.computeIfAbsent(r.getStage(), k -> new TreeMap<>()).put(r.getExpert(), ExpertReplicas.of(sl, sh));
            if (r.getPinned()) {
                pinned.computeIfAbsent(r.getStage(), k -> new TreeSet<>()).add(r.getExpert());
            }
        }
        PlanVersion.Builder b = PlanVersion.builder()
                .version(avro.getVersion())
                .timestampMillis(avro.getCreatedTime().toEpochMilli())
                .reason(avro.getReason())
                .predictedImbalance(Math.max(1.0, avro.getPredictedImbalance()))
                .sessionsMoved(avro.getSessionsMoved());
        for (int s = 0; s < byStage.size(); s++) {
            TreeMap<Integer, ExpertReplicas> experts = byStage.get(s);
            if (experts == null || experts.firstKey() != 0 || experts.lastKey() != experts.size() - 1) {
                throw new IllegalArgumentException(
                        "Plan " + avro.getVersion() + " does not place every expert of stage " + s + " exactly once.");
            }
            b.stage(Placement.of(avro.getSlots(), new ArrayList<>(experts.values())));
        }
        pinned.forEach(b::pinned);
        return b.build();
    }

    public static byte[] encode(PlanVersion plan) {
        return AvroCodec.of(PlacementPlan.class, AvroEncoding.BINARY).encode(toAvro(plan));
    }

    public static PlanVersion decode(byte[] bytes) {
        return fromAvro(AvroCodec.of(PlacementPlan.class, AvroEncoding.BINARY).decode(bytes));
    }
}
