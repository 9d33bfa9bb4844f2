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
package io.polyroute.runtime.bundle;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** How a stage combines the outputs of its selected experts (docs/design.md §5). */
public enum CombineMode {
    /** {@code y = Σ_{e in S_0} w[0,e] · f_e(x)}. */
    WEIGHTED_SUM("weighted_sum"),
    /** TensorPoly-I: weighted sum over rank components of per-expert outer products of its leaves. */
    TENSORPOLY_RANK("tensorpoly_rank"),
    /** TensorPoly-II: one routing group per order, outer product of the per-order mixtures. */
    TENSORPOLY_ORDER("tensorpoly_order");

    private final String key;

    CombineMode(String key) {
        this.key = key;
    }

    /** The name used in {@code bundle.yaml}. */
    public String key() {
        return key;
    }

    public boolean isTensor() {
        return this != WEIGHTED_SUM;
    }

    public static Optional<CombineMode> parse(String key) {
        return Arrays.stream(values()).filter(m -> m.key.equals(key)).findFirst();
    }

    public static String allKeys() {
        return Arrays.stream(values()).map(CombineMode::key).collect(Collectors.joining(", "));
    }
}
