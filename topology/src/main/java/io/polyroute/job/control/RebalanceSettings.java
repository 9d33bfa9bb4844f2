package io.polyroute.job.control;

import io.polyroute.runtime.placement.LoadSnapshot;
import io.polyroute.runtime.placement.PlanRequest;
import io.polyroute.runtime.placement.PlanVersion;
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
        implements Serializable {

    /**
     * Checks that the planner can plan {@code plan} under these settings: every stage's experts fit
     * {@code slots × slotCapacity} sessions, and its pins respect the capacity. The rebalancer runs
     * the same checks on every window; running them at start turns what would be a failure in the
     * first window, and a restart loop, into a start-up error.
     *
     * @throws IllegalArgumentException naming {@code rebalance.slot-capacity} when they do not hold
     */
    public void requireFeasible(PlanVersion plan) {
        for (int s = 0; s < expertsPerStage.size(); s++) {
            int experts = expertsPerStage.get(s);
            double[] uniform = new double[experts];
            java.util.Arrays.fill(uniform, 1.0);
            try {
                PlanRequest.builder()
                        .load(LoadSnapshot.ofLoads(uniform))
                        .slots(slots)
                        .slotCapacity(slotCapacity < 0 ? experts : slotCapacity)
                        .current(plan.stage(s))
                        .pins(plan.pins(s))
                        .windowsSinceLastPublish(0)
                        .build();
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        "Stage " + s + " (" + experts + " experts) cannot be placed under plan " + plan.version() + ": "
                                + e.getMessage(),
                        e);
            }
        }
    }
}
