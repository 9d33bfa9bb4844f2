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

import java.util.Arrays;

/**
 * Relabels the slots of a fresh plan so that it moves as few sessions as possible. Slots are
 * interchangeable for balance, so any permutation of a plan's slots is an equally good plan; the
 * matcher picks the one that keeps the most replicas where the reference already has them (and,
 * among those, leaves the most slots in place), by the Hungarian method. Slots that hold a pinned
 * replica keep their label.
 */
final class SlotMatcher {
    private SlotMatcher() {}

    /** {@code perm} such that slot {@code s} of the relabelled plan is slot {@code perm[s]} of {@code plan}. */
    static int[] match(PlanningProblem p, Assignment plan, Assignment reference) {
        int[] perm = new int[p.slots];
        for (int s = 0; s < p.slots; s++) {
            perm[s] = s;
        }
        int[] movable =
                Arrays.stream(perm).filter(s -> p.pinnedResident[s] == 0).toArray();
        int n = movable.length;
        if (n < 2) {
            return perm;
        }
        long[][] weight = new long[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                weight[i][j] = overlap(p, plan, movable[i], reference, movable[j]) * (long) (n + 1) + (i == j ? 1 : 0);
            }
        }
        int[] columnOfRow = maximumWeightMatching(weight);
        for (int i = 0; i < n; i++) {
            perm[movable[columnOfRow[i]]] = movable[i];
        }
        return perm;
    }

    private static long overlap(PlanningProblem p, Assignment plan, int planSlot, Assignment reference, int refSlot) {
        long n = 0;
        for (int e = 0; e < p.experts; e++) {
            n += !p.pinned(e) && plan.hosts(e, planSlot) && reference.hosts(e, refSlot) ? 1 : 0;
        }
        return n;
    }

    /** Hungarian method (potentials, O(n³)) on the negated weights: row i is matched to column result[i]. */
    static int[] maximumWeightMatching(long[][] weight) {
        int n = weight.length;
        long[] u = new long[n + 1];
        long[] v = new long[n + 1];
        int[] rowOfColumn = new int[n + 1];
        int[] way = new int[n + 1];
        for (int i = 1; i <= n; i++) {
            rowOfColumn[0] = i;
            int j0 = 0;
            long[] minv = new long[n + 1];
            Arrays.fill(minv, Long.MAX_VALUE);
            boolean[] used = new boolean[n + 1];
            do {
                used[j0] = true;
                int i0 = rowOfColumn[j0];
                long delta = Long.MAX_VALUE;
                int j1 = 0;
                for (int j = 1; j <= n; j++) {
                    if (!used[j]) {
                        long cur = -weight[i0 - 1][j - 1] - u[i0] - v[j];
                        if (cur < minv[j]) {
                            minv[j] = cur;
                            way[j] = j0;
                        }
                        if (minv[j] < delta) {
                            delta = minv[j];
                            j1 = j;
                        }
                    }
                }
                for (int j = 0; j <= n; j++) {
                    if (used[j]) {
                        u[rowOfColumn[j]] += delta;
                        v[j] -= delta;
                    } else {
                        minv[j] -= delta;
                    }
                }
                j0 = j1;
            } while (rowOfColumn[j0] != 0);
            do {
                int j1 = way[j0];
                rowOfColumn[j0] = rowOfColumn[j1];
                j0 = j1;
            } while (j0 != 0);
        }
        int[] result = new int[n];
        for (int j = 1; j <= n; j++) {
            result[rowOfColumn[j] - 1] = j - 1;
        }
        return result;
    }
}
