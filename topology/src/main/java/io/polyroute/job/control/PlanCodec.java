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

import io.polyroute.avro.ExpertPlacement;
import io.polyroute.avro.PlacementPlan;
import io.polyroute.runtime.placement.ExpertReplicas;
import io.polyroute.runtime.placement.Placement;
import io.polyroute.runtime.placement.PlanVersion;
import io.polyroute.schemas.AvroCodec;
import io.polyroute.schemas.AvroEncoding;
import io.polyroute.schemas.RecordDecodeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.avro.Schema;

/**
 * Maps the core's {@link PlanVersion} to and from the Avro {@code PlacementPlan} of the plans topic.
 *
 * <p>Plans are always plain Avro binary, whatever {@code topics.encoding} says: the job, the
 * {@code polyroute plan} commands and the monitor all write and read them that way. Plans written
 * before {@code job_name}, {@code bundle_name} and {@code bundle_version} existed still decode, with
 * those fields empty ({@link PlanOrigin#UNKNOWN}).
 */
public final class PlanCodec {
    private static final AvroCodec<PlacementPlan> CURRENT = AvroCodec.of(PlacementPlan.class, AvroEncoding.BINARY);
    /** The schema before the origin fields: plain binary names no writer, so it is tried when the current one fails. */
    private static final AvroCodec<PlacementPlan> WITHOUT_ORIGIN = CURRENT.withWriterSchema(withoutOrigin());

    private PlanCodec() {}

    /** {@code plan} as a record that names no job or bundle. */
    public static PlacementPlan toAvro(PlanVersion plan) {
        return toAvro(plan, PlanOrigin.UNKNOWN);
    }

    /** {@code plan} as a record for {@code origin}. */
    public static PlacementPlan toAvro(PlanVersion plan, PlanOrigin origin) {
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
                .setJobName(origin.job())
                .setBundleName(origin.bundleName())
                .setBundleVersion(origin.bundleVersion())
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

    /** {@code plan} in the plans topic's encoding, naming no job or bundle. */
    public static byte[] encode(PlanVersion plan) {
        return encode(plan, PlanOrigin.UNKNOWN);
    }

    /** {@code plan} for {@code origin} in the plans topic's encoding. */
    public static byte[] encode(PlanVersion plan, PlanOrigin origin) {
        return CURRENT.encode(toAvro(plan, origin));
    }

    /**
     * The plan record in {@code bytes}, written with the current schema or the one before the origin
     * fields.
     *
     * @throws RecordDecodeException when the bytes are neither
     */
    public static PlacementPlan decodeAvro(byte[] bytes) {
        try {
            return CURRENT.decode(bytes);
        } catch (RecordDecodeException current) {
            try {
                return WITHOUT_ORIGIN.decode(bytes);
            } catch (RecordDecodeException old) {
                throw current;
            }
        }
    }

    /**
     * The plan in {@code bytes}.
     *
     * @throws RecordDecodeException when the bytes are no plan record
     * @throws IllegalArgumentException when the record does not place every expert exactly once
     */
    public static PlanVersion decode(byte[] bytes) {
        return fromAvro(decodeAvro(bytes));
    }

    private static Schema withoutOrigin() {
        Schema current = PlacementPlan.getClassSchema();
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field f : current.getFields()) {
            if (!List.of("job_name", "bundle_name", "bundle_version").contains(f.name())) {
                fields.add(new Schema.Field(f, f.schema()));
            }
        }
        return Schema.createRecord(current.getName(), current.getDoc(), current.getNamespace(), false, fields);
    }
}
