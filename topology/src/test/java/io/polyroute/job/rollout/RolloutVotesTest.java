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

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.polyroute.avro.RolloutCommand;
import io.polyroute.avro.RolloutKind;
import io.polyroute.avro.RolloutMode;
import io.polyroute.avro.RolloutPhase;
import io.polyroute.avro.RolloutStatus;
import io.polyroute.avro.RolloutVote;
import io.polyroute.kafka.RolloutTopics;
import io.polyroute.schemas.AvroCodec;
import io.polyroute.schemas.AvroEncoding;
import io.polyroute.testing.Poll;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.Test;

/**
 * The vote of a serving subtask's {@link RolloutVersions}: its own vote when it is the only one,
 * the vote timeout, and how the rollouts source tells votes from commands.
 */
class RolloutVotesTest {
    private static final String JOB = "votes";
    private static final VersionRef V1 = new VersionRef("m", "1", "/models/m1", "");
    private static final VersionRef V2 = new VersionRef("m", "2", "/models/m2", "d2");
    private static final Duration DEADLINE = Duration.ofSeconds(30);

    /** Models that only know whether they were closed. */
    private static final class Models implements AutoCloseable {
        volatile boolean closed;

        @Override
        public void close() {
            closed = true;
        }
    }

    @Test
    void shouldActivateOnItsOwnOkVoteWhenItIsTheOnlySubtask() throws Exception {
        List<RolloutStatus> statuses = new CopyOnWriteArrayList<>();
        try (RolloutVersions<Models> versions =
                versions(new RolloutSettings(JOB, AvroEncoding.BINARY, null), v -> new Models(), statuses)) {
            versions.open();
            versions.onCommand(RolloutMessages.command(start(V2)));

            Poll.until(DEADLINE, "the switch to m:2", () -> {
                versions.atBarrier();
                return versions.state().serving().equals(V2);
            });
            assertThat(statuses).extracting(RolloutStatus::getState).contains(RolloutPhase.ACTIVE);
            assertThat(versions.residentVersions()).isEqualTo(1);
        }
    }

    @Test
    void shouldVoteTheVersionDownWhenTheVoteTimesOut() throws Exception {
        List<RolloutStatus> statuses = new CopyOnWriteArrayList<>();
        CountDownLatch never = new CountDownLatch(1);
        RolloutSettings settings = new RolloutSettings(JOB, AvroEncoding.BINARY, null, null, Map.of(), 1);
        try (RolloutVersions<Models> versions = versions(
                settings,
                v -> {
                    never.await();
                    return new Models();
                },
                statuses)) {
            versions.open();
            versions.onCommand(RolloutMessages.command(start(V2)));

            Poll.until(DEADLINE, "the refusal by timeout", () -> {
                versions.atBarrier();
                return statuses.stream().anyMatch(s -> s.getState() == RolloutPhase.REFUSED);
            });
            RolloutStatus refused = statuses.get(statuses.size() - 1);
            assertThat(refused.getReason().toString())
                    .contains("No vote of subtask(s) [0] of 1")
                    .contains("rollout.vote-timeout");
            assertThat(refused.getServing().toString()).isEqualTo("m:1");
            assertThat(versions.state().phase()).isEqualTo(RolloutState.Phase.IDLE);
        }
    }

    @Test
    void shouldApplyAFailureVoteReadFromTheTopicToASubtaskWhoseLoadSucceeded() throws Exception {
        List<RolloutStatus> statuses = new CopyOnWriteArrayList<>();
        List<Models> opened = new CopyOnWriteArrayList<>();
        RolloutSettings settings =
                new RolloutSettings(JOB, AvroEncoding.BINARY, null, "unused-topic", Map.of(), 60_000);
        // Two serving subtasks: this one (0) votes on a topic; the test hands it subtask 1's vote.
        try (RolloutVersions<Models> versions = new RolloutVersions<>(
                "TEST subtask 0",
                0,
                2,
                settings,
                new RolloutState(V1),
                V1,
                new Models(),
                v -> {
                    Models m = new Models();
                    opened.add(m);
                    return m;
                },
                null,
                statuses(statuses))) {
            versions.open();
            byte[] command = start(V2);
            versions.onCommand(RolloutMessages.command(command));
            String id = AvroCodec.of(RolloutCommand.class, AvroEncoding.BINARY)
                    .decode(command)
                    .getCommandId()
                    .toString();
            Poll.until(DEADLINE, "the load on subtask 0", () -> !opened.isEmpty());
            versions.atBarrier();
            versions.onCommand(RolloutMessages.vote(new RolloutCodec(settings).vote(id, V2, 0, 2, null, 1L).value));
            versions.atBarrier();
            assertThat(versions.state().serving()).as("one ok vote of two").isEqualTo(V1);

            versions.onCommand(RolloutMessages.vote(new RolloutCodec(settings)
                    .vote(id, V2, 1, 2, "Loading m:2 from /models/m2 failed on subtask 1: experts/e3.onnx", 2L)
                    .value));
            versions.atBarrier();

            assertThat(statuses.get(statuses.size() - 1)).satisfies(s -> {
                assertThat(s.getState()).isEqualTo(RolloutPhase.REFUSED);
                assertThat(s.getReason().toString())
                        .contains("failed on subtask 1")
                        .contains("experts/e3.onnx");
            });
            assertThat(versions.state().serving()).isEqualTo(V1);
            Poll.until(DEADLINE, "the refused version released", () -> opened.get(0).closed);
        }
    }

    @Test
    void shouldCastNoVoteForALoadThatClosingInterrupts() throws Exception {
        List<RolloutStatus> statuses = new CopyOnWriteArrayList<>();
        java.util.concurrent.CountDownLatch loading = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch ended = new java.util.concurrent.CountDownLatch(1);
        RolloutVersions<Models> versions = versions(
                new RolloutSettings(JOB, AvroEncoding.BINARY, null),
                v -> {
                    try {
                        loading.countDown();
                        // A load that takes longer than the task lives: a failover cancels the task.
                        new java.util.concurrent.CountDownLatch(1).await();
                        return new Models();
                    } finally {
                        ended.countDown();
                    }
                },
                statuses);
        versions.open();
        versions.onCommand(RolloutMessages.command(start(V2)));
        assertThat(loading.await(DEADLINE.toSeconds(), java.util.concurrent.TimeUnit.SECONDS))
                .isTrue();

        versions.close();

        assertThat(ended.await(DEADLINE.toSeconds(), java.util.concurrent.TimeUnit.SECONDS))
                .as("the interrupted load ended")
                .isTrue();
        // The vote is cast after the loader returns; give its completion stage the same deadline.
        long until = System.nanoTime() + java.time.Duration.ofSeconds(2).toNanos();
        while (System.nanoTime() < until && versions.uncountedOwnVotes() == 0) {
            Thread.onSpinWait();
        }
        assertThat(versions.uncountedOwnVotes())
                .as("an abandoned load is no failed load: no vote")
                .isZero();
    }

    @Test
    void shouldRefuseSeveralSubtasksWithoutATopicToVoteOn() {
        assertThatThrownBy(() -> new RolloutVersions<>(
                        "TEST subtask 0",
                        0,
                        2,
                        new RolloutSettings(JOB, AvroEncoding.BINARY, null),
                        new RolloutState(V1),
                        V1,
                        new Models(),
                        v -> new Models(),
                        null,
                        s -> {}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("need a rollouts topic to vote on");
    }

    @Test
    void shouldTellVotesFromCommandsByTheHeaderAndReadRecordsWithoutItAsCommands() throws Exception {
        RolloutMessages.Deserializer d = new RolloutMessages.Deserializer();
        List<byte[]> out = new ArrayList<>();
        Collector<byte[]> collector = new Collector<>() {
            @Override
            public void collect(byte[] record) {
                out.add(record);
            }

            @Override
            public void close() {}
        };
        byte[] command = start(V2);
        ConsumerRecord<byte[], byte[]> old = new ConsumerRecord<>("t", 0, 0, null, command);
        ConsumerRecord<byte[], byte[]> vote = new ConsumerRecord<>("t", 0, 1, null, new byte[] {1, 2});
        vote.headers()
                .add(new RecordHeader(
                        RolloutTopics.RECORD_HEADER, RolloutTopics.VOTE.getBytes(StandardCharsets.UTF_8)));

        d.deserialize(old, collector);
        d.deserialize(vote, collector);

        assertThat(out.get(0)[0]).isEqualTo(RolloutMessages.COMMAND);
        assertThat(RolloutMessages.body(out.get(0))).isEqualTo(command);
        assertThat(out.get(1)).containsExactly(RolloutMessages.VOTE, 1, 2);
        assertThat(RolloutTopics.isVote(old.headers())).isFalse();
    }

    @Test
    void shouldRoundTripAVoteAndIgnoreOneOfAnotherJob() {
        RolloutCodec codec = new RolloutCodec(new RolloutSettings(JOB, AvroEncoding.SINGLE_OBJECT, null));
        RolloutVote v = codec.vote(codec.vote("c1", V2, 1, 2, "broken", 5L).value);
        assertThat(v.getOk()).isFalse();
        assertThat(v.getReason().toString()).isEqualTo("broken");
        assertThat(v.getSubtask()).isEqualTo(1);
        assertThat(v.getParallelism()).isEqualTo(2);
        assertThat(v.getVersion().toString()).isEqualTo("m:2");

        RolloutCodec other = new RolloutCodec(new RolloutSettings("other", AvroEncoding.SINGLE_OBJECT, null));
        assertThat(other.vote(codec.vote("c1", V2, 1, 2, null, 5L).value)).isNull();
    }

    private static RolloutVersions<Models> versions(
            RolloutSettings settings, RolloutVersions.Loader<Models> loader, List<RolloutStatus> statuses) {
        return new RolloutVersions<>(
                "TEST subtask 0",
                0,
                1,
                settings,
                new RolloutState(V1),
                V1,
                new Models(),
                loader,
                null,
                statuses(statuses));
    }

    private static java.util.function.Consumer<KeyedBytes> statuses(List<RolloutStatus> into) {
        AvroCodec<RolloutStatus> codec = AvroCodec.of(RolloutStatus.class, AvroEncoding.BINARY);
        return kb -> into.add(codec.decode(kb.value));
    }

    private static byte[] start(VersionRef v) {
        return AvroCodec.of(RolloutCommand.class, AvroEncoding.BINARY)
                .encode(RolloutCommand.newBuilder()
                        .setJobName(JOB)
                        .setCommandId(UUID.randomUUID().toString())
                        .setKind(RolloutKind.START)
                        .setMode(RolloutMode.SWITCH)
                        .setShare(0)
                        .setBundlePath(v.path())
                        .setBundleName(v.name())
                        .setBundleVersion(v.version())
                        .setChecksumsDigest(v.digest())
                        .setIssuedTime(Instant.now())
                        .build());
    }
}
