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
package io.polyroute.runtime.placement;

import java.util.Optional;

/**
 * What the {@link Planner} decided for one stage in one window: a new placement to publish, or why
 * nothing was published. Immutable.
 */
public final class PlanDecision {
    /** Whether a plan was published, and if not, why. */
    public enum Outcome {
        /** A new placement should be published. */
        PUBLISHED,
        /** The best plan does not improve the predicted imbalance by more than the hysteresis threshold. */
        WITHIN_HYSTERESIS,
        /** A plan was published too few windows ago. */
        COOLDOWN,
        /** Every expert is pinned, so there is nothing to plan. */
        PINNED
    }

    private final Outcome outcome;
    /** The placement to publish; present exactly when the outcome is {@link Outcome#PUBLISHED}. */
    private final Placement placement;
    /** Predicted imbalance of the current placement under the snapshot's load. */
    private final double imbalanceBefore;
    /** Predicted imbalance of the placement in force after this decision. */
    private final double imbalanceAfter;
    /** Sessions the new placement loads that the current one does not hold; 0 when nothing is published. */
    private final int sessionsMoved;
    /** One line for operators and the plan history. */
    private final String reason;

    PlanDecision(
            Outcome outcome,
            Placement placement,
            double imbalanceBefore,
            double imbalanceAfter,
            int sessionsMoved,
            String reason) {
        if ((outcome == Outcome.PUBLISHED) != (placement != null)) {
            throw new IllegalArgumentException(
                    "A decision carries a placement exactly when it publishes one; outcome is " + outcome + ".");
        }
        this.outcome = outcome;
        this.placement = placement;
        this.imbalanceBefore = imbalanceBefore;
        this.imbalanceAfter = imbalanceAfter;
        this.sessionsMoved = sessionsMoved;
        this.reason = reason;
    }

    public Outcome outcome() {
        return outcome;
    }

    /** Whether a new placement is to be published. */
    public boolean published() {
        return outcome == Outcome.PUBLISHED;
    }

    /** The new placement, present when {@link #published()}. */
    public Optional<Placement> placement() {
        return Optional.ofNullable(placement);
    }

    /** Predicted max/mean slot load of the current placement under the snapshot's load. */
    public double imbalanceBefore() {
        return imbalanceBefore;
    }

    /** Predicted max/mean slot load of the placement in force after this decision (the current one if none is published). */
    public double imbalanceAfter() {
        return imbalanceAfter;
    }

    /** Sessions slots must load for the new placement; 0 when nothing is published. */
    public int sessionsMoved() {
        return sessionsMoved;
    }

    /** Why, in one line, e.g. {@code "imbalance 1.62 -> 1.04 (expert 3 hot), shares re-split, 0 sessions moved"}. */
    public String reason() {
        return reason;
    }

    @Override
    public String toString() {
        return "PlanDecision{" + outcome + ", " + reason + '}';
    }
}
