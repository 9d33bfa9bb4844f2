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
package io.polyroute.job.operators;

import io.polyroute.job.model.TaggedBytes;

/**
 * The second input of the first stage's GATE when the job serves rollouts: placement plans and
 * rollout commands on one broadcast stream, each message prefixed by a byte that says which.
 */
public final class ControlInput {
    /** A placement plan ({@code PlanCodec}). */
    public static final byte PLAN = 'P';
    /** A rollout command (a {@code RolloutCommand} in {@code topics.encoding}). */
    public static final byte ROLLOUT = 'R';

    private ControlInput() {}

    /** {@code plan} tagged as a plan. */
    public static byte[] plan(byte[] plan) {
        return tag(PLAN, plan);
    }

    /** {@code command} tagged as a rollout command. */
    public static byte[] rollout(byte[] command) {
        return tag(ROLLOUT, command);
    }

    private static byte[] tag(byte kind, byte[] body) {
        return TaggedBytes.tag(kind, body);
    }

    /** The tag of {@code message}. */
    static byte kind(byte[] message) {
        return TaggedBytes.kind(message);
    }

    /** The message without its tag. */
    static byte[] body(byte[] message) {
        return TaggedBytes.body(message);
    }
}
