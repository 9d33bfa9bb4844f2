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

import java.util.ArrayDeque;
import java.util.Arrays;

/** Dinic's maximum flow on a small graph with real capacities; residuals at or below eps count as 0. */
final class MaxFlow {
    private final double eps;
    private final int[] head;
    private int[] next = new int[16];
    private int[] to = new int[16];
    private double[] residual = new double[16];
    private double[] capacity = new double[16];
    private int edges;
    private int[] level;
    private int[] iter;

    MaxFlow(int nodes, double eps) {
        this.eps = eps;
        this.head = new int[nodes];
        Arrays.fill(head, -1);
    }

    /** Adds an edge u → v of capacity c and returns its id. */
    int addEdge(int u, int v, double c) {
        int id = edges;
        push(u, v, c);
        push(v, u, 0);
        return id;
    }

    private void push(int u, int v, double c) {
        if (edges == to.length) {
            next = Arrays.copyOf(next, edges * 2);
            to = Arrays.copyOf(to, edges * 2);
            residual = Arrays.copyOf(residual, edges * 2);
            capacity = Arrays.copyOf(capacity, edges * 2);
        }
        to[edges] = v;
        residual[edges] = c;
        capacity[edges] = c;
        next[edges] = head[u];
        head[u] = edges++;
    }

    /** Flow currently on edge {@code id}. */
    double flow(int id) {
        return capacity[id] - residual[id];
    }

    /** Maximum flow from s to t. */
    double run(int s, int t) {
        double total = 0;
        level = new int[head.length];
        iter = new int[head.length];
        while (bfs(s, t)) {
            System.arraycopy(head, 0, iter, 0, head.length);
            double f;
            while ((f = dfs(s, t, Double.POSITIVE_INFINITY)) > eps) {
                total += f;
            }
        }
        return total;
    }

    private boolean bfs(int s, int t) {
        Arrays.fill(level, -1);
        level[s] = 0;
        ArrayDeque<Integer> queue = new ArrayDeque<>();
        queue.add(s);
        while (!queue.isEmpty()) {
            int u = queue.poll();
            for (int e = head[u]; e >= 0; e = next[e]) {
                if (residual[e] > eps && level[to[e]] < 0) {
                    level[to[e]] = level[u] + 1;
                    queue.add(to[e]);
                }
            }
        }
        return level[t] >= 0;
    }

    private double dfs(int u, int t, double limit) {
        if (u == t) {
            return limit;
        }
        for (; iter[u] >= 0; iter[u] = next[iter[u]]) {
            int e = iter[u];
            int v = to[e];
            if (residual[e] > eps && level[v] == level[u] + 1) {
                double d = dfs(v, t, Math.min(limit, residual[e]));
                if (d > eps) {
                    residual[e] -= d;
                    residual[e ^ 1] += d;
                    return d;
                }
            }
        }
        return 0;
    }

    /** Nodes reachable from s through edges with residual capacity (the minimal min-cut side). */
    boolean[] reachableFrom(int s) {
        boolean[] seen = new boolean[head.length];
        ArrayDeque<Integer> queue = new ArrayDeque<>();
        seen[s] = true;
        queue.add(s);
        while (!queue.isEmpty()) {
            int u = queue.poll();
            for (int e = head[u]; e >= 0; e = next[e]) {
                if (residual[e] > eps && !seen[to[e]]) {
                    seen[to[e]] = true;
                    queue.add(to[e]);
                }
            }
        }
        return seen;
    }

    /** Nodes that can reach t through edges with residual capacity (the complement of the maximal min-cut side). */
    boolean[] reaching(int t) {
        boolean[] seen = new boolean[head.length];
        ArrayDeque<Integer> queue = new ArrayDeque<>();
        seen[t] = true;
        queue.add(t);
        while (!queue.isEmpty()) {
            int v = queue.poll();
            for (int e = head[v]; e >= 0; e = next[e]) {
                int w = to[e];
                // e is v -> w; its twin e ^ 1 is w -> v.
                if (residual[e ^ 1] > eps && !seen[w]) {
                    seen[w] = true;
                    queue.add(w);
                }
            }
        }
        return seen;
    }
}
