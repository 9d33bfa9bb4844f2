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

/**
 * A mutable replica assignment (which slots host which expert, no shares) that the planning steps
 * edit. Rows of pinned experts hold their pin and are never edited.
 */
final class Assignment {
    final int experts;
    final int slots;
    private final boolean[][] hosts;

    Assignment(int experts, int slots) {
        this.experts = experts;
        this.slots = slots;
        this.hosts = new boolean[experts][slots];
    }

    /** The replica sets of {@code placement}, dropping replicas on slots {@code >= slots}. */
    static Assignment of(Placement placement, int slots) {
        Assignment a = new Assignment(placement.experts(), slots);
        for (int e = 0; e < placement.experts(); e++) {
            ExpertReplicas r = placement.replicas(e);
            for (int i = 0; i < r.count(); i++) {
                if (r.slot(i) < slots) {
                    a.hosts[e][r.slot(i)] = true;
                }
            }
        }
        return a;
    }

    Assignment copy() {
        Assignment a = new Assignment(experts, slots);
        for (int e = 0; e < experts; e++) {
            System.arraycopy(hosts[e], 0, a.hosts[e], 0, slots);
        }
        return a;
    }

    boolean hosts(int expert, int slot) {
        return hosts[expert][slot];
    }

    void set(int expert, int slot, boolean hosted) {
        hosts[expert][slot] = hosted;
    }

    /** Replaces the row of {@code expert} by the slots of {@code replicas}. */
    void setRow(int expert, ExpertReplicas replicas) {
        java.util.Arrays.fill(hosts[expert], false);
        for (int i = 0; i < replicas.count(); i++) {
            hosts[expert][replicas.slot(i)] = true;
        }
    }

    int replicas(int expert) {
        int n = 0;
        for (boolean h : hosts[expert]) {
            n += h ? 1 : 0;
        }
        return n;
    }

    int resident(int slot) {
        int n = 0;
        for (boolean[] row : hosts) {
            n += row[slot] ? 1 : 0;
        }
        return n;
    }

    /** Replicas beyond one per expert. */
    int extras() {
        int n = 0;
        for (int e = 0; e < experts; e++) {
            n += replicas(e) - 1;
        }
        return n;
    }

    /** Replicas of this assignment absent from {@code from}. */
    int movedFrom(Assignment from) {
        int n = 0;
        for (int e = 0; e < experts; e++) {
            for (int s = 0; s < slots; s++) {
                n += hosts[e][s] && !(s < from.slots && from.hosts[e][s]) ? 1 : 0;
            }
        }
        return n;
    }

    /** A copy with slot {@code s} of the result holding what slot {@code perm[s]} holds here. */
    Assignment permuted(int[] perm) {
        Assignment a = new Assignment(experts, slots);
        for (int e = 0; e < experts; e++) {
            for (int s = 0; s < slots; s++) {
                a.hosts[e][s] = hosts[e][perm[s]];
            }
        }
        return a;
    }
}
