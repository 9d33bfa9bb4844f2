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
package io.polyroute.job.rollout;

import org.apache.flink.util.OutputTag;

/** The serving operator's side outputs of a rollout. */
public final class RolloutOutputs {
    /** {@code RolloutStatus} records, to {@code rollout.status-topic}. */
    public static final OutputTag<KeyedBytes> STATUS = new OutputTag<>("rollout-status") {};
    /** {@code ShadowPair} records, to {@code rollout.shadow-topic}, exactly once. */
    public static final OutputTag<KeyedBytes> SHADOW = new OutputTag<>("rollout-shadow") {};

    private RolloutOutputs() {}
}
