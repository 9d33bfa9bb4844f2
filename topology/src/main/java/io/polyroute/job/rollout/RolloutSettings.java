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

import io.polyroute.schemas.AvroEncoding;
import java.io.Serializable;
import java.util.Map;
import java.util.Objects;

/**
 * What a serving operator needs to take part in rollouts.
 *
 * @param jobName {@code job.name}: commands for another job are ignored
 * @param encoding {@code topics.encoding} of commands, status records and shadow pairs
 * @param refusal null when this operator serves rollouts; otherwise the reason every START is refused with
 * @param voteTopic the rollouts topic the serving subtasks vote on; null: each vote goes straight to
 *     the subtask itself, which is a job-wide vote only with one serving subtask (operator tests)
 * @param voteClient Kafka client properties of the vote producer (bootstrap servers and {@code
 *     kafka.properties.*})
 * @param voteTimeoutMillis {@code rollout.vote-timeout}: a subtask whose load started this long ago
 *     without the vote being decided votes the version down, naming the subtasks that did not vote
 */
public record RolloutSettings(
        String jobName,
        AvroEncoding encoding,
        String refusal,
        String voteTopic,
        Map<String, String> voteClient,
        long voteTimeoutMillis)
        implements Serializable {
    /** The default of {@code rollout.vote-timeout}. */
    public static final long DEFAULT_VOTE_TIMEOUT_MILLIS = 5 * 60_000L;

    public RolloutSettings {
        Objects.requireNonNull(jobName, "jobName");
        Objects.requireNonNull(encoding, "encoding");
        voteClient = voteClient == null ? Map.of() : Map.copyOf(voteClient);
        if (voteTimeoutMillis <= 0) {
            throw new IllegalArgumentException("The vote timeout must be positive, not " + voteTimeoutMillis + " ms.");
        }
    }

    /** Settings whose votes go straight to the one serving subtask (no rollouts topic to vote on). */
    public RolloutSettings(String jobName, AvroEncoding encoding, String refusal) {
        this(jobName, encoding, refusal, null, Map.of(), DEFAULT_VOTE_TIMEOUT_MILLIS);
    }
}
