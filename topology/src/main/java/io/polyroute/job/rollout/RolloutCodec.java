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

import io.polyroute.avro.RolloutCommand;
import io.polyroute.avro.RolloutStatus;
import io.polyroute.avro.RolloutVote;
import io.polyroute.schemas.AvroCodec;
import io.polyroute.schemas.AvroEncoding;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Decodes rollout commands, encodes status records and both encodes and decodes votes, in {@code topics.encoding}. */
public final class RolloutCodec {
    private static final Logger LOG = LoggerFactory.getLogger(RolloutCodec.class);

    private final RolloutSettings settings;
    private transient AvroCodec<RolloutCommand> commands;
    private transient AvroCodec<RolloutStatus> statuses;
    private transient AvroCodec<RolloutVote> votes;

    public RolloutCodec(RolloutSettings settings) {
        this.settings = settings;
    }

    /** The command in {@code bytes} if it decodes and is for this job; null (with a WARN line) otherwise. */
    public RolloutCommand command(byte[] bytes) {
        if (commands == null) {
            commands = AvroCodec.of(RolloutCommand.class, settings.encoding());
        }
        RolloutCommand c;
        try {
            c = commands.decode(bytes);
        } catch (RuntimeException e) {
            LOG.warn("Skipped a record of the rollouts topic that is no valid RolloutCommand: {}", e.getMessage());
            return null;
        }
        if (!c.getJobName().toString().equals(settings.jobName())) {
            LOG.info("Ignored rollout command {} for job '{}'.", c.getCommandId(), c.getJobName());
            return null;
        }
        return c;
    }

    /** A status record of {@code subtask}, keyed by the job name. */
    public KeyedBytes status(RolloutState.Status s, int subtask, VersionRef serving, long now) {
        if (statuses == null) {
            statuses = AvroCodec.of(RolloutStatus.class, settings.encoding());
        }
        RolloutStatus r = RolloutStatus.newBuilder()
                .setJobName(settings.jobName())
                .setCommandId(s.commandId())
                .setSubtask(subtask)
                .setState(s.phase())
                .setMode(s.mode())
                .setVersion(s.version())
                .setServing(serving.id())
                .setReason(s.reason())
                .setTime(Instant.ofEpochMilli(now))
                .build();
        return new KeyedBytes(settings.jobName().getBytes(StandardCharsets.UTF_8), statuses.encode(r));
    }

    /** The vote in {@code bytes} if it decodes and is of this job; null (with a WARN line) otherwise. */
    public RolloutVote vote(byte[] bytes) {
        RolloutVote v;
        try {
            v = votes().decode(bytes);
        } catch (RuntimeException e) {
            LOG.warn("Skipped a vote on the rollouts topic that is no valid RolloutVote: {}", e.getMessage());
            return null;
        }
        return v.getJobName().toString().equals(settings.jobName()) ? v : null;
    }

    /** The vote of {@code subtask} of {@code parallelism} on the load of {@code version} for {@code commandId}. */
    public KeyedBytes vote(
            String commandId, VersionRef version, int subtask, int parallelism, String failure, long now) {
        RolloutVote v = RolloutVote.newBuilder()
                .setJobName(settings.jobName())
                .setCommandId(commandId)
                .setVersion(version.id())
                .setSubtask(subtask)
                .setParallelism(parallelism)
                .setOk(failure == null)
                .setReason(failure == null ? "" : failure)
                .setTime(Instant.ofEpochMilli(now))
                .build();
        return new KeyedBytes(settings.jobName().getBytes(StandardCharsets.UTF_8), votes().encode(v));
    }

    private AvroCodec<RolloutVote> votes() {
        if (votes == null) {
            votes = AvroCodec.of(RolloutVote.class, settings.encoding());
        }
        return votes;
    }

    /** The encoding records are written in. */
    public AvroEncoding encoding() {
        return settings.encoding();
    }
}
