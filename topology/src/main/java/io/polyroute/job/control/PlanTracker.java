package io.polyroute.job.control;

import io.polyroute.runtime.placement.PlanVersion;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * The placement plan an operator routes or hosts by: starts from the static round-robin plan,
 * accepts only newer versions, and activates a new plan after an optional delay.
 */
public final class PlanTracker {
    private PlanVersion current;
    private PlanVersion pending;

    public PlanTracker(List<Integer> expertsPerStage, int slots) {
        this.current = PlanVersion.initial(expertsPerStage, slots);
    }

    public PlanVersion current() {
        return current;
    }

    /** Restores a plan from operator state. */
    public void restore(PlanVersion plan) {
        if (plan.version() >= current.version()) {
            current = plan;
        }
    }

    /**
     * Offers a plan read from the plans topic. Returns true when it is newer than everything seen;
     * it then becomes current at once ({@code delayMillis == 0}) or when {@link #activatePending}
     * is called, which {@code schedule} is asked to arrange after the delay.
     */
    public boolean offer(PlanVersion plan, long delayMillis, LongConsumer schedule) {
        long newest = Math.max(current.version(), pending == null ? -1 : pending.version());
        if (plan.version() <= newest) {
            return false;
        }
        if (plan.stageCount() != current.stageCount()) {
            throw new IllegalArgumentException("Plan " + plan.version() + " has " + plan.stageCount()
                    + " stages, but the bundle has " + current.stageCount() + ".");
        }
        if (delayMillis <= 0) {
            current = plan;
            pending = null;
        } else {
            pending = plan;
            schedule.accept(delayMillis);
        }
        return true;
    }

    /** Makes the pending plan current, if there is one. */
    public void activatePending() {
        if (pending != null) {
            current = pending;
            pending = null;
        }
    }

    /** A stable 64-bit hash of an event id, spread over all bits, for replica choice. */
    public static long recordHash(String eventId) {
        long h = eventId.hashCode() * 0x9E3779B97F4A7C15L;
        h ^= (h >>> 31);
        h *= 0xBF58476D1CE4E5B9L;
        return h ^ (h >>> 29);
    }
}
