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
package io.polyroute.job.config;

import java.util.List;

/**
 * Checks the settings records of the operators run in their constructors, so an operator built by
 * hand (a test, a tool) fails as early and as clearly as one built from a {@link JobConfig}. Every
 * failure is an {@link IllegalArgumentException} whose message is a whole sentence naming the key
 * that sets the value.
 */
public final class SettingsChecks {
    private SettingsChecks() {}

    /** {@code value} must be at least {@code min}. */
    public static void atLeast(String key, long value, long min) {
        if (value < min) {
            throw new IllegalArgumentException(
                    "Invalid value " + value + " for '" + key + "': it must be at least " + min + ".");
        }
    }

    /** {@code value} must lie in {@code [min, max]}. */
    public static void between(String key, double value, double min, double max) {
        if (!(value >= min && value <= max)) {
            throw new IllegalArgumentException(
                    "Invalid value " + value + " for '" + key + "': it must be between " + min + " and " + max + ".");
        }
    }

    /** {@code value} must be set. */
    public static <T> T notNull(String key, T value) {
        if (value == null) {
            throw new IllegalArgumentException("The setting '" + key + "' is missing; set it before building.");
        }
        return value;
    }

    /** Expert counts per stage: at least one stage, each with at least one expert; returns an immutable copy. */
    public static List<Integer> expertsPerStage(String key, List<Integer> experts) {
        notNull(key, experts);
        if (experts.isEmpty()) {
            throw new IllegalArgumentException("The setting '" + key + "' lists no stage; a bundle has at least one.");
        }
        for (int s = 0; s < experts.size(); s++) {
            Integer e = experts.get(s);
            if (e == null || e < 1) {
                throw new IllegalArgumentException("The setting '" + key + "' gives stage " + s + " " + e
                        + " experts; every stage needs at least one.");
            }
        }
        return List.copyOf(experts);
    }

    /** {@code stage} must index {@code experts}. */
    public static void stageIndex(String key, int stage, List<Integer> experts) {
        if (stage < 0 || stage >= experts.size()) {
            throw new IllegalArgumentException("Invalid value " + stage + " for '" + key + "': the bundle has "
                    + experts.size() + " stages, numbered from 0.");
        }
    }
}
