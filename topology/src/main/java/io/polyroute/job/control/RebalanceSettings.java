package io.polyroute.job.control;

import java.io.Serializable;
import java.util.List;

/**
 * What the rebalancer needs to know, resolved from the job options.
 *
 * @param expertsPerStage expert count of every stage
 * @param slots expert slots (the EXPERT operator's parallelism)
 * @param gateSubtasks GATE parallelism: a window is complete when every GATE subtask reported it
 * @param windowMillis load window length
 * @param smoothing weight of the newest window
 * @param hysteresis planner hysteresis threshold
 * @param stickiness planner stickiness threshold
 * @param cooldownWindows planner cooldown
 * @param replicaBudget extra replicas, -1 for as many as slots
 * @param slotCapacity resident sessions per slot, -1 for no limit
 */
public record RebalanceSettings(
        List<Integer> expertsPerStage,
        int slots,
        int gateSubtasks,
        long windowMillis,
        double smoothing,
        double hysteresis,
        double stickiness,
        int cooldownWindows,
        int replicaBudget,
        int slotCapacity)
        implements Serializable {}
