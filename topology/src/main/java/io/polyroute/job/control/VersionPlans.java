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
import io.polyroute.runtime.placement.Placement;
import io.polyroute.runtime.placement.PlanVersion;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The placement plans one GATE subtask follows for the versions other than the job's own bundle
 * (rollouts, docs/rollouts.md): per version the newest plan read from the plans topic, and the
 * version's round-robin placement until one arrives. The job's own bundle keeps its {@link
 * PlanTracker} and {@link PlanState}; this class never sees its plans.
 *
 * <p>A plan for another version takes effect at once: EXPERT loads that version's sessions when its
 * first record arrives, so there is nothing to wait for. A plan whose expert count for this stage
 * differs from the version's is ignored with a WARN line ({@link PlanFilter} has checked its stage
 * and slot counts already). The plans are kept in operator state (union list state {@value #STATE},
 * the plan records as read, which name their version); a checkpoint without that state restores
 * none, and every version starts from its round-robin placement.
 */
public final class VersionPlans {
    private static final Logger LOG = LoggerFactory.getLogger(VersionPlans.class);
    static final String STATE = "placement-plans-of-versions";

    private final PlanOrigin own;
    private final int stageIndex;
    private final int slots;
    private final ListState<byte[]> state;
    /** The newest plan per version key and its bytes. */
    private final Map<String, PlanVersion> plans = new HashMap<>();

    private final Map<String, byte[]> bytes = new HashMap<>();
    /** Expert count of this stage per version key, once a record of the version was routed. */
    private final Map<String, Integer> experts = new HashMap<>();

    private final Map<String, Placement> defaults = new HashMap<>();

    VersionPlans(PlanOrigin own, int stageIndex, int slots, ListState<byte[]> state) {
        this.own = own;
        this.stageIndex = stageIndex;
        this.slots = slots;
        this.state = state;
    }

    /**
     * Opens the state of a GATE of {@code stageIndex} whose job serves {@code own}'s bundle version
     * on {@code slots} slots, restoring the newest plan of every version any subtask stored.
     */
    public static VersionPlans open(StateInitializationContext ctx, PlanOrigin own, int stageIndex, int slots)
            throws Exception {
        ListState<byte[]> s = ctx.getOperatorStateStore()
                .getUnionListState(
                        new ListStateDescriptor<>(STATE, PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
        VersionPlans p = new VersionPlans(own, stageIndex, slots, s);
        if (ctx.isRestored()) {
            for (byte[] b : s.get()) {
                p.offer(b);
            }
        }
        return p;
    }

    /**
     * Takes {@code plan} when it is for another version than the job's own bundle and newer than the
     * one held for it. Returns false when it is a plan of the job's own bundle (for the caller's
     * {@link PlanTracker}); a plan that does not decode counts as the own bundle's, whose tracker
     * path reports it.
     */
    public boolean offer(byte[] plan) {
        PlacementPlan avro;
        try {
            avro = PlanCodec.decodeAvro(plan);
        } catch (RuntimeException e) {
            return false;
        }
        String key = PlanFilter.versionOf(avro, own);
        if (key == null) {
            return false;
        }
        PlanVersion p;
        try {
            p = PlanCodec.fromAvro(avro);
        } catch (RuntimeException e) {
            LOG.warn("Ignored plan {} for {}: it is not a valid placement: {}", avro.getVersion(), key, e.getMessage());
            return true;
        }
        PlanVersion held = plans.get(key);
        if (held != null && p.version() <= held.version()) {
            return true;
        }
        String misfit = misfit(key, p);
        if (misfit != null) {
            LOG.warn(
                    "Ignored plan {} for {}: {}; keeping {}.",
                    p.version(),
                    key,
                    misfit,
                    held == null ? "its round-robin placement" : "plan " + held.version());
            return true;
        }
        plans.put(key, p);
        bytes.put(key, plan);
        LOG.info("Following plan {} for {} in stage {} ({}).", p.version(), key, stageIndex, p.reason());
        return true;
    }

    private String misfit(String key, PlanVersion p) {
        if (p.stageCount() <= stageIndex || p.stage(stageIndex).slots() != slots) {
            return "it does not place stage " + stageIndex + " on " + slots + " slots";
        }
        Integer n = experts.get(key);
        if (n != null && p.stage(stageIndex).experts() != n) {
            return "it places " + p.stage(stageIndex).experts() + " experts in stage " + stageIndex + ", but " + key
                    + " has " + n;
        }
        return null;
    }

    /**
     * The placement records of version {@code key}, which has {@code expertCount} experts in this
     * stage, are routed by: its newest plan, or its round-robin placement until one arrives.
     */
    public Placement placement(String key, int expertCount) {
        if (experts.putIfAbsent(key, expertCount) == null) {
            // A plan read (or restored) before the version was opened is checked now.
            PlanVersion held = plans.get(key);
            String misfit = held == null ? null : misfit(key, held);
            if (misfit != null) {
                LOG.warn(
                        "Dropped plan {} for {}: {}; routing by its round-robin placement.",
                        held.version(),
                        key,
                        misfit);
                plans.remove(key);
                bytes.remove(key);
            }
        }
        PlanVersion p = plans.get(key);
        return p != null
                ? p.stage(stageIndex)
                : defaults.computeIfAbsent(key, k -> Placement.roundRobin(expertCount, slots));
    }

    /** The version of the plan {@code key} routes by; 0 for its round-robin placement. */
    public long version(String key) {
        PlanVersion p = plans.get(key);
        return p == null ? 0 : p.version();
    }

    /** Stores the newest plan of every version. */
    public void store() throws Exception {
        state.update(new ArrayList<>(bytes.values()));
    }

    /** The versions with a plan, for tests and logs. */
    List<String> planned() {
        return List.copyOf(plans.keySet());
    }
}
