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

import io.polyroute.runtime.placement.PlanVersion;
import java.util.List;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The placement plan an operator routes or hosts by: starts from the static round-robin plan,
 * accepts only newer versions that fit the job ({@link PlanFilter#misfit}), and activates a new
 * plan after an optional delay. A plan that does not fit is ignored with a WARN line, never thrown.
 */
public final class PlanTracker {
    private static final Logger LOG = LoggerFactory.getLogger(PlanTracker.class);

    private final List<Integer> expertsPerStage;
    private final int slots;
    private PlanVersion current;
    private PlanVersion pending;

    public PlanTracker(List<Integer> expertsPerStage, int slots) {
        this.expertsPerStage = List.copyOf(expertsPerStage);
        this.slots = slots;
        this.current = PlanVersion.initial(expertsPerStage, slots);
    }

    public PlanVersion current() {
        return current;
    }

    /** The plan waiting for its activation, or null. */
    public PlanVersion pending() {
        return pending;
    }

    /**
     * Restores a plan from operator state. A plan that does not fit the job (a savepoint of a job
     * with another bundle or slot count) is dropped with a WARN line; the job starts from the
     * round-robin plan and follows the next plan it reads.
     */
    public void restore(PlanVersion plan) {
        if (fits(plan, "restored from a checkpoint or savepoint") && plan.version() >= current.version()) {
            current = plan;
        }
    }

    /**
     * Restores a plan that was waiting for its activation. Returns true when it is newer than the
     * current plan and fits; the caller then arranges {@link #activatePending} as before.
     */
    public boolean restorePending(PlanVersion plan) {
        long newest = Math.max(current.version(), pending == null ? -1 : pending.version());
        if (!fits(plan, "restored as pending from a checkpoint or savepoint") || plan.version() <= newest) {
            return false;
        }
        pending = plan;
        return true;
    }

    /**
     * Offers a plan read from the plans topic. Returns true when it is newer than everything seen and
     * fits the job; it then becomes current at once ({@code delayMillis == 0}) or when
     * {@link #activatePending} is called, which {@code schedule} is asked to arrange after the delay.
     */
    public boolean offer(PlanVersion plan, long delayMillis, LongConsumer schedule) {
        long newest = Math.max(current.version(), pending == null ? -1 : pending.version());
        if (plan.version() <= newest || !fits(plan, "read from the plans topic")) {
            return false;
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

    private boolean fits(PlanVersion plan, String where) {
        String misfit = PlanFilter.misfit(plan, expertsPerStage, slots);
        if (misfit != null) {
            LOG.warn("Ignored a plan {}: {}. Keeping plan {}.", where, misfit, current.version());
            return false;
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
