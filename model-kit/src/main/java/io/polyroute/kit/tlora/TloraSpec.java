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
package io.polyroute.kit.tlora;

/**
 * What {@link TloraModelKit} builds: a TensorPoly-I adapter with {@code skills} TLoRA skills of
 * tensor order {@code order} and LoRA rank {@code rank} on a frozen {@code inputDim × outputDim}
 * base layer.
 *
 * @param skills S, the skill inventory; one expert per skill in each of the two stages
 * @param order N, the number of leaf vectors whose tensor product forms each factor row
 * @param rank r, the LoRA rank
 * @param inputDim D
 * @param outputDim the output width
 * @param routeOnTask route on the one-hot of the record's task ({@code gate_input: task}) instead
 *     of on the features
 * @param topK skills mixed per record
 * @param tasks size of the task vocabulary ({@code task-00 …}); used when routing on the task
 * @param seed seed of every factor, the base layer and the gate
 */
public record TloraSpec(
        int skills,
        int order,
        int rank,
        int inputDim,
        int outputDim,
        boolean routeOnTask,
        int topK,
        int tasks,
        long seed) {

    /** Skills mixed per record unless stated: two, as in a sparse top-2 mixture. */
    public static final int DEFAULT_TOP_K = 2;

    public TloraSpec {
        require(skills >= 1, "skills must be >= 1, but is " + skills + ".");
        require(order >= 1, "order must be >= 1, but is " + order + ".");
        require(rank >= 1, "rank must be >= 1, but is " + rank + ".");
        require(inputDim >= 1, "input-dim must be >= 1, but is " + inputDim + ".");
        require(outputDim >= 1, "output-dim must be >= 1, but is " + outputDim + ".");
        require(
                topK >= 1 && topK <= skills,
                "top-k must be between 1 and the skill count " + skills + ", but is " + topK + ".");
        require(tasks >= 1, "the task vocabulary must have at least one task, but has " + tasks + ".");
        long leaves = (long) Math.max(TloraFactors.leafDim(inputDim, order), TloraFactors.leafDim(outputDim, order));
        require(
                Math.pow(leaves, order) <= 1 << 24,
                "order " + order + " with leaves of " + leaves
                        + " gives a tensor product of more than 2^24 entries per row; use a smaller order or width.");
    }

    /**
     * The spec with the default top-k ({@value #DEFAULT_TOP_K}, or every skill when there are fewer)
     * and one task per skill.
     */
    public static TloraSpec of(
            int skills, int order, int rank, int inputDim, int outputDim, boolean routeOnTask, long seed) {
        return new TloraSpec(
                skills,
                order,
                rank,
                inputDim,
                outputDim,
                routeOnTask,
                Math.min(DEFAULT_TOP_K, Math.max(1, skills)),
                Math.max(1, skills),
                seed);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException("Invalid TLoRA bundle: " + message);
        }
    }
}
