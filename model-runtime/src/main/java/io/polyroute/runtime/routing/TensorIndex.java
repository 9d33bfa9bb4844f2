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
package io.polyroute.runtime.routing;

/**
 * Digits of the first {@code d} flat indices of an N-way outer product of width-m vectors,
 * row-major (last index fastest): {@code digit[i][o]} is the leaf entry of order {@code o} that
 * multiplies into output {@code i}.
 */
final class TensorIndex {
    final int order;
    final int leafDim;
    final int truncate;
    /** Row-major {@code [truncate][order]}. */
    final int[] digits;

    TensorIndex(int order, int leafDim, int truncate) {
        if (order < 1 || leafDim < 1 || truncate < 1) {
            throw new IllegalArgumentException("Tensor combine needs order, leaf_dim and output_dim >= 1, got " + order
                    + ", " + leafDim + ", " + truncate + ".");
        }
        if (truncate > Math.pow(leafDim, order)) {
            throw new IllegalArgumentException(
                    "output_dim " + truncate + " exceeds leaf_dim^order = " + (long) Math.pow(leafDim, order) + ".");
        }
        this.order = order;
        this.leafDim = leafDim;
        this.truncate = truncate;
        this.digits = new int[truncate * order];
        for (int i = 0; i < truncate; i++) {
            int rest = i;
            for (int o = order - 1; o >= 0; o--) {
                digits[i * order + o] = rest % leafDim;
                rest /= leafDim;
            }
        }
    }
}
