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
package io.polyroute.bench;

import java.util.Locale;

/**
 * A benchmark workload: a synthetic weighted-sum bundle with {@value #INPUT_DIM} features, output
 * {@value #OUTPUT_DIM}, top-{@value #TOP_K} of {@code experts} ReLU-MLP experts of width
 * {@code hidden}, and how many records a run drains.
 *
 * @param name label in tables and file names
 * @param experts E
 * @param hidden expert hidden width H
 * @param records records of a full run
 * @param quickRecords records of a {@code --quick} run
 */
public record Workload(String name, int experts, int hidden, long records, long quickRecords) {
    public static final int INPUT_DIM = 32;
    public static final int OUTPUT_DIM = 32;
    public static final int TOP_K = 2;
    /** Seed of every bundle and input of the benchmarks. */
    public static final long SEED = 20_261_122L;

    /** Kafka and engine overhead dominate: E = 16, H = 256. */
    public static final Workload LIGHT = new Workload("light", 16, 256, 1_000_000, 100_000);
    /** Expert arithmetic dominates, as with GPU-sized experts: E = 16, H = 4096. */
    public static final Workload HEAVY = new Workload("heavy", 16, 4096, 200_000, 40_000);

    public static Workload named(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "light" -> LIGHT;
            case "heavy" -> HEAVY;
            default -> throw new IllegalArgumentException("--workload must be light or heavy, but is '" + name + "'.");
        };
    }

    /** The heavy workload with another expert count, for the scaling study. */
    public static Workload heavyWith(int experts) {
        return new Workload("heavy-e" + experts, experts, HEAVY.hidden(), HEAVY.records(), HEAVY.quickRecords());
    }

    public long records(boolean quick) {
        return quick ? quickRecords : records;
    }

    /** Multiply-adds ×2 of the gate plus the k selected experts, per record (what sparse routing must do). */
    public double sparseFlopsPerRecord() {
        return gateFlops() + TOP_K * expertFlops();
    }

    /** FLOPs of the dense reference per record: the gate plus every expert. */
    public double denseFlopsPerRecord() {
        return gateFlops() + (double) experts * expertFlops();
    }

    private double gateFlops() {
        return 2.0 * INPUT_DIM * experts;
    }

    private double expertFlops() {
        return 2.0 * INPUT_DIM * hidden + 2.0 * hidden * OUTPUT_DIM;
    }

    @Override
    public String toString() {
        return name + " (E=" + experts + ", H=" + hidden + ", D=" + INPUT_DIM + ", k=" + TOP_K + ")";
    }
}
