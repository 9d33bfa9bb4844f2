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
package io.polyroute.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.polyroute.avro.RolloutCommand;
import io.polyroute.avro.RolloutKind;
import io.polyroute.avro.RolloutMode;
import io.polyroute.avro.RolloutPhase;
import io.polyroute.job.rollout.KeyedBytes;
import io.polyroute.job.rollout.RolloutCodec;
import io.polyroute.job.rollout.RolloutSettings;
import io.polyroute.job.rollout.RolloutState;
import io.polyroute.job.rollout.VersionRef;
import io.polyroute.kafka.RolloutTopics;
import io.polyroute.schemas.AvroEncoding;
import io.polyroute.testing.KafkaBrokerExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code polyroute rollout status} against an in-process broker whose rollouts topic holds the
 * serving subtasks' votes next to the commands (docs/rollouts.md): the latest command is the
 * latest command, not a vote, and a subtask waiting for the vote shows how many votes it waits for.
 */
@Timeout(120)
class RolloutStatusCommandITCase {
    private static final String JOB = "status-votes";
    private static final VersionRef V2 = new VersionRef("m", "2", "/bundles/m-2", "d2");

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @Test
    void shouldShowTheLatestCommandAndTheVoteItWaitsForWithVotesOnTheTopic() {
        String commands = KAFKA.createRandomTopic("rollouts", 1);
        String statuses = KAFKA.createRandomTopic("rollout-status", 1);
        RolloutCodec codec = new RolloutCodec(new RolloutSettings(JOB, AvroEncoding.BINARY, null));
        String id = UUID.randomUUID().toString();
        RolloutTopics.publish(
                KAFKA.clientProperties(),
                commands,
                RolloutCommand.newBuilder()
                        .setJobName(JOB)
                        .setCommandId(id)
                        .setKind(RolloutKind.START)
                        .setMode(RolloutMode.SWITCH)
                        .setShare(0)
                        .setBundlePath(V2.path())
                        .setBundleName(V2.name())
                        .setBundleVersion(V2.version())
                        .setChecksumsDigest(V2.digest())
                        .setIssuedTime(Instant.now())
                        .build(),
                AvroEncoding.BINARY,
                Duration.ofSeconds(30));
        KeyedBytes vote = codec.vote(id, V2, 0, 2, null, System.currentTimeMillis());
        ProducerRecord<byte[], byte[]> voteRecord = new ProducerRecord<>(commands, 0, vote.key, vote.value);
        voteRecord
                .headers()
                .add(new RecordHeader(
                        RolloutTopics.RECORD_HEADER, RolloutTopics.VOTE.getBytes(StandardCharsets.UTF_8)));
        KAFKA.produce(List.of(voteRecord));
        VersionRef v1 = new VersionRef("m", "1", "/bundles/m-1", "");
        status(
                statuses,
                codec,
                id,
                0,
                RolloutPhase.LOADING,
                "Loaded on this subtask; waiting for the votes of 1 of 2" + " subtasks ([1]).",
                v1,
                1);
        status(statuses, codec, id, 1, RolloutPhase.LOADING, "Loading /bundles/m-2.", v1, 2);

        BundleCommandsTest.Result waiting = status(commands, statuses);

        assertThat(waiting.code()).as(waiting.err()).isZero();
        assertThat(waiting.out())
                .contains("latest command " + id + ": START SWITCH m:2")
                .contains("subtask 0: LOADING m:2 (serving m:1) Loaded on this subtask; waiting for the votes of 1 of"
                        + " 2 subtasks ([1]).")
                .contains("subtask 1: LOADING m:2 (serving m:1) Loading /bundles/m-2.");

        String reason = "Loading m:2 from /bundles/m-2 failed on subtask 1: cannot read experts/e0.onnx";
        status(statuses, codec, id, 0, RolloutPhase.REFUSED, reason, v1, 3);
        status(statuses, codec, id, 1, RolloutPhase.REFUSED, reason, v1, 4);

        BundleCommandsTest.Result refused = status(commands, statuses);

        assertThat(refused.code()).isEqualTo(1);
        assertThat(refused.out())
                .contains("latest command " + id)
                .contains("subtask 0: REFUSED m:2 (serving m:1) " + reason)
                .contains("subtask 1: REFUSED m:2 (serving m:1) " + reason);
    }

    private static BundleCommandsTest.Result status(String commands, String statuses) {
        return BundleCommandsTest.run(
                "rollout",
                "status",
                "--bootstrap-servers",
                KAFKA.bootstrapServers(),
                "--job",
                JOB,
                "--topic",
                commands,
                "--status-topic",
                statuses);
    }

    private static void status(
            String topic,
            RolloutCodec codec,
            String id,
            int subtask,
            RolloutPhase phase,
            String reason,
            VersionRef serving,
            long time) {
        // Later records carry later times: the command shows each subtask's latest.
        KeyedBytes s = codec.status(
                new RolloutState.Status(id, phase, RolloutMode.SWITCH.name(), V2.id(), reason),
                subtask,
                serving,
                System.currentTimeMillis() + time);
        KAFKA.produce(List.of(new ProducerRecord<>(topic, 0, s.key, s.value)));
    }
}
