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

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * The inputs of one planning run for one stage: the (smoothed) load, the slot count, the per-slot
 * capacity, the placement in force, the pinned experts and how many windows ago the last plan was
 * published. Immutable; use {@link #builder()}.
 *
 * <pre>{@code
 * PlanRequest request = PlanRequest.builder()
 *         .load(smoother.snapshot())
 *         .slots(8)
 *         .slotCapacity(6)
 *         .current(plan.stage(0))
 *         .pins(plan.pins(0))
 *         .windowsSinceLastPublish(3)
 *         .build();
 * }</pre>
 */
public final class PlanRequest {
    private final LoadSnapshot load;
    private final int slots;
    private final int slotCapacity;
    private final Placement current;
    private final Map<Integer, ExpertReplicas> pins;
    private final int windowsSinceLastPublish;

    private PlanRequest(Builder b) {
        this.load = b.load;
        this.slots = b.slots;
        this.slotCapacity = b.slotCapacity;
        this.current = b.current;
        this.pins = Collections.unmodifiableMap(new TreeMap<>(b.pins));
        this.windowsSinceLastPublish = b.windowsSinceLastPublish;
    }

    public static Builder builder() {
        return new Builder();
    }

    public LoadSnapshot load() {
        return load;
    }

    /** Number of slots (expert operator subtasks) of the stage. */
    public int slots() {
        return slots;
    }

    /** Maximum resident sessions per slot. */
    public int slotCapacity() {
        return slotCapacity;
    }

    /** The placement in force. */
    public Placement current() {
        return current;
    }

    /** Pinned experts and their fixed replicas, by expert. */
    public Map<Integer, ExpertReplicas> pins() {
        return pins;
    }

    /** Windows since the window in which the last plan was published ({@link Integer#MAX_VALUE}: never). */
    public int windowsSinceLastPublish() {
        return windowsSinceLastPublish;
    }

    /** Builder of {@link PlanRequest}; {@link #build()} checks every value. */
    public static final class Builder {
        private LoadSnapshot load;
        private int slots;
        private int slotCapacity;
        private Placement current;
        private final Map<Integer, ExpertReplicas> pins = new TreeMap<>();
        private int windowsSinceLastPublish = Integer.MAX_VALUE;

        public Builder load(LoadSnapshot load) {
            this.load = load;
            return this;
        }

        public Builder slots(int slots) {
            this.slots = slots;
            return this;
        }

        public Builder slotCapacity(int capacity) {
            this.slotCapacity = capacity;
            return this;
        }

        public Builder current(Placement current) {
            this.current = current;
            return this;
        }

        /** Pins {@code expert} to {@code replicas}: the planner keeps its slots and shares as given. */
        public Builder pin(int expert, ExpertReplicas replicas) {
            this.pins.put(expert, replicas);
            return this;
        }

        /** Adds every pin of {@code pins}. */
        public Builder pins(Map<Integer, ExpertReplicas> pins) {
            this.pins.putAll(pins);
            return this;
        }

        public Builder windowsSinceLastPublish(int windows) {
            this.windowsSinceLastPublish = windows;
            return this;
        }

        public PlanRequest build() {
            sanityCheck();
            return new PlanRequest(this);
        }

        private void sanityCheck() {
            if (load == null) {
                throw new IllegalArgumentException("The load snapshot must be set.");
            }
            if (current == null) {
                throw new IllegalArgumentException("The current placement must be set; use Placement.roundRobin("
                        + load.experts() + ", slots) before the first plan.");
            }
            if (slots < 1) {
                throw new IllegalArgumentException("The slot count must be >= 1, but is " + slots + ".");
            }
            if (slotCapacity < 1) {
                throw new IllegalArgumentException(
                        "rebalance.slot-capacity must be >= 1, but is " + slotCapacity + ".");
            }
            if (current.experts() != load.experts()) {
                throw new IllegalArgumentException("The current placement has " + current.experts()
                        + " experts but the load snapshot has " + load.experts()
                        + "; after a bundle change start from Placement.roundRobin(" + load.experts() + ", slots).");
            }
            if (windowsSinceLastPublish < 0) {
                throw new IllegalArgumentException(
                        "The windows since the last publish must be >= 0, but are " + windowsSinceLastPublish + ".");
            }
            checkPins();
        }

        private void checkPins() {
            int[] pinnedResident = new int[slots];
            int pinnedSessions = 0;
            for (Map.Entry<Integer, ExpertReplicas> pin : pins.entrySet()) {
                int e = pin.getKey() == null ? -1 : pin.getKey();
                if (e < 0 || e >= load.experts() || pin.getValue() == null) {
                    throw new IllegalArgumentException("A pin must name an expert in [0, " + load.experts()
                            + ") and its replicas, got expert " + pin.getKey() + " -> " + pin.getValue() + ".");
                }
                ExpertReplicas r = pin.getValue();
                for (int i = 0; i < r.count(); i++) {
                    if (r.slot(i) >= slots) {
                        throw new IllegalArgumentException("Expert " + e + " is pinned to slot " + r.slot(i)
                                + " but the stage has only " + slots + " slots.");
                    }
                    if (++pinnedResident[r.slot(i)] > slotCapacity) {
                        throw new IllegalArgumentException("Pins put more than rebalance.slot-capacity = "
                                + slotCapacity + " sessions on slot " + r.slot(i) + ".");
                    }
                    pinnedSessions++;
                }
            }
            long needed = pinnedSessions + (long) load.experts() - pins.size();
            if (needed > (long) slots * slotCapacity) {
                throw new IllegalArgumentException(slots + " slots with rebalance.slot-capacity = " + slotCapacity
                        + " hold " + (long) slots * slotCapacity + " sessions, fewer than the " + needed
                        + " that " + load.experts() + " experts need with the given pins.");
            }
        }
    }
}
