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

import io.polyroute.avro.RolloutMode;
import io.polyroute.avro.RolloutPhase;
import io.polyroute.job.rollout.RolloutState.LoadOutcome;
import io.polyroute.job.rollout.RolloutState.Phase;
import io.polyroute.job.rollout.RolloutState.Status;
import org.junit.jupiter.api.Test;

class RolloutStateTest {
    private static final VersionRef V1 = new VersionRef("m", "1", "/models/m1", "");
    private static final VersionRef V2 = new VersionRef("m", "2", "/models/m2", "d2");

    @Test
    void shouldSwitchOnlyAtTheBarrierAfterTheLoad() {
        RolloutState s = state(1);

        RolloutState.Effects started = s.start("c1", 1, V2, RolloutMode.SWITCH, 0);

        assertThat(started.load()).containsExactly(V2);
        assertThat(started.statuses())
                .extracting(Status::phase)
                .containsExactly(RolloutPhase.PENDING, RolloutPhase.LOADING);
        assertThat(s.choose("any")).isEqualTo(V1);
        assertThat(s.atBarrier(null).statuses()).isEmpty();
        assertThat(s.choose("any")).isEqualTo(V1);

        RolloutState.Effects switched = loaded(s, V2);

        assertThat(switched.statuses()).extracting(Status::phase).containsExactly(RolloutPhase.ACTIVE);
        assertThat(switched.release()).containsExactly(V1);
        assertThat(s.choose("any")).isEqualTo(V2);
        assertThat(s.previous()).isEqualTo(V1);
        assertThat(s.phase()).isEqualTo(Phase.IDLE);
        assertThat(s.resident()).containsExactly(V2);
    }

    @Test
    void shouldRefuseAVersionWhoseLoadFailedAndKeepServing() {
        RolloutState s = state(1);
        s.start("c1", 1, V2, RolloutMode.SWITCH, 0);

        s.onVote(s.loadId(), "m:2", 0, 1, false, "checksum of experts/a.onnx differs", 0);
        RolloutState.Effects fx = s.atBarrier(LoadOutcome.failed(V2, "checksum of experts/a.onnx differs"));

        assertThat(fx.statuses()).singleElement().satisfies(st -> {
            assertThat(st.phase()).isEqualTo(RolloutPhase.REFUSED);
            assertThat(st.reason()).contains("experts/a.onnx");
            assertThat(st.version()).isEqualTo("m:2");
        });
        assertThat(s.serving()).isEqualTo(V1);
        assertThat(s.phase()).isEqualTo(Phase.IDLE);
        assertThat(s.resident()).containsExactly(V1);
    }

    @Test
    void shouldServeTheCanaryShareByHashAndPromoteIt() {
        RolloutState s = state(1);
        s.start("c1", 1, V2, RolloutMode.CANARY, 0.25);
        loaded(s, V2);

        for (int i = 0; i < 2000; i++) {
            String id = "e" + i;
            assertThat(s.choose(id)).isEqualTo(CanaryHash.inCanary(id, 0.25) ? V2 : V1);
        }
        assertThat(s.resident()).containsExactly(V1, V2);

        assertThat(s.promote("c2", 2).statuses()).extracting(Status::phase).containsExactly(RolloutPhase.PENDING);
        assertThat(s.choose("e1")).isEqualTo(CanaryHash.inCanary("e1", 0.25) ? V2 : V1);
        RolloutState.Effects promoted = s.atBarrier(null);

        assertThat(promoted.statuses()).extracting(Status::phase).containsExactly(RolloutPhase.ACTIVE);
        assertThat(s.serving()).isEqualTo(V2);
        assertThat(s.resident()).containsExactly(V2);
    }

    @Test
    void shouldShadowWithoutChangingWhatServes() {
        RolloutState s = state(1);
        s.start("c1", 1, V2, RolloutMode.SHADOW, 0);
        assertThat(s.shadow()).isNull();
        loaded(s, V2);

        assertThat(s.shadow()).isEqualTo(V2);
        assertThat(s.choose("e1")).isEqualTo(V1);
    }

    @Test
    void shouldDropALiveCandidateOnRollback() {
        RolloutState s = state(1);
        s.start("c1", 1, V2, RolloutMode.SHADOW, 0);
        loaded(s, V2);

        s.rollback("c2", 2);
        RolloutState.Effects fx = s.atBarrier(null);

        assertThat(fx.statuses()).extracting(Status::phase).containsExactly(RolloutPhase.ROLLED_BACK);
        assertThat(s.shadow()).isNull();
        assertThat(s.resident()).containsExactly(V1);
    }

    @Test
    void shouldRollBackAFinishedSwitchByLoadingThePreviousVersion() {
        RolloutState s = state(1);
        s.start("c1", 1, V2, RolloutMode.SWITCH, 0);
        loaded(s, V2);

        RolloutState.Effects back = s.rollback("c2", 2);

        assertThat(back.load()).containsExactly(V1);
        assertThat(s.choose("e")).isEqualTo(V2);
        RolloutState.Effects done = loaded(s, V1);
        assertThat(done.statuses()).extracting(Status::phase).containsExactly(RolloutPhase.ROLLED_BACK);
        assertThat(s.serving()).isEqualTo(V1);
        assertThat(s.previous()).isEqualTo(V2);
    }

    @Test
    void shouldRefuseCommandsThatDoNotFit() {
        RolloutState s = state(1);

        assertThat(s.start("c0", 1, V1, RolloutMode.SWITCH, 0).statuses())
                .singleElement()
                .satisfies(st -> assertThat(st.reason()).contains("already serving"));
        assertThat(s.promote("c1", 1).statuses())
                .singleElement()
                .satisfies(st -> assertThat(st.phase()).isEqualTo(RolloutPhase.REFUSED));
        assertThat(s.rollback("c2", 1).statuses())
                .singleElement()
                .satisfies(st -> assertThat(st.reason()).contains("no previous version"));
        s.start("c3", 2, V2, RolloutMode.CANARY, 0.1);
        assertThat(s.start("c4", 3, new VersionRef("m", "3", "/m3", ""), RolloutMode.SWITCH, 0)
                        .statuses())
                .singleElement()
                .satisfies(st -> assertThat(st.reason()).contains("in progress"));
        assertThat(s.candidate()).isEqualTo(V2);
    }

    @Test
    void shouldSurviveACheckpointInEveryPhase() {
        RolloutState s = state(1);
        s.start("c1", 7, V2, RolloutMode.CANARY, 0.3);
        RolloutState loading = RolloutState.fromBytes(s.toBytes());
        assertThat(loading.phase()).isEqualTo(Phase.LOADING);
        assertThat(loading.candidate()).isEqualTo(V2);
        assertThat(loading.commandTime()).isEqualTo(7);

        loaded(s, V2);
        RolloutState live = RolloutState.fromBytes(s.toBytes());
        for (int i = 0; i < 500; i++) {
            assertThat(live.choose("e" + i)).isEqualTo(s.choose("e" + i));
        }
        assertThat(live.share()).isEqualTo(0.3);
    }

    @Test
    void shouldPickTheMostRecentStateAfterARescale() {
        RolloutState old = state(1);
        RolloutState newer = state(1);
        newer.start("c1", 5, V2, RolloutMode.SWITCH, 0);
        loaded(newer, V2);

        RolloutState picked =
                RolloutStateStore.pick(java.util.List.of(entry(0, old), entry(1, newer), entry(2, old)), 0, 2, V1);

        assertThat(picked.serving()).isEqualTo(V2);
        assertThat(RolloutStateStore.pick(java.util.List.of(entry(0, old), entry(1, newer)), 0, 2, V1)
                        .serving())
                .as("same parallelism: each subtask its own entry")
                .isEqualTo(V1);
    }

    @Test
    void shouldActivateOnlyOnceEverySubtaskVotedOkCountingEachOnce() {
        RolloutState s = state(3);
        s.start("c1", 1, V2, RolloutMode.SWITCH, 0);
        assertThat(s.loadId()).isEqualTo("c1");

        assertThat(s.onVote("c1", "m:2", 1, 3, true, "", 0).statuses()).isEmpty();
        RolloutState.Effects own = s.onVote("c1", "m:2", 0, 3, true, "", 0);
        assertThat(own.statuses()).singleElement().satisfies(st -> {
            assertThat(st.phase()).isEqualTo(RolloutPhase.LOADING);
            assertThat(st.reason()).contains("waiting for the votes of 1 of 3 subtasks ([2])");
        });
        s.onVote("c1", "m:2", 1, 3, true, "", 0);
        assertThat(s.missingVotes(3)).containsExactly(2);
        assertThat(s.atBarrier(LoadOutcome.ok(V2)).statuses()).isEmpty();
        assertThat(s.choose("e")).isEqualTo(V1);
        assertThat(s.resident()).containsExactly(V1);

        s.onVote("c1", "m:2", 2, 3, true, "", 0);
        assertThat(s.accepted()).isTrue();
        assertThat(s.atBarrier(LoadOutcome.ok(V2)).statuses())
                .extracting(Status::phase)
                .containsExactly(RolloutPhase.ACTIVE);
        assertThat(s.serving()).isEqualTo(V2);
    }

    @Test
    void shouldRefuseOnTheFirstFailureVoteWithItsReasonAndIgnoreLaterVotes() {
        RolloutState s = state(3);
        s.start("c1", 1, V2, RolloutMode.CANARY, 0.5);
        s.onVote("c1", "m:2", 0, 3, true, "", 0);
        s.onVote("c1", "m:2", 2, 3, false, "Loading m:2 from /models/m2 failed on subtask 2: experts/e1.onnx", 0);
        s.onVote("c1", "m:2", 1, 3, true, "", 0);
        s.onVote("c1", "m:2", 2, 3, true, "", 0);
        assertThat(s.accepted()).isFalse();

        RolloutState.Effects fx = s.atBarrier(LoadOutcome.ok(V2));

        assertThat(fx.statuses()).singleElement().satisfies(st -> {
            assertThat(st.phase()).isEqualTo(RolloutPhase.REFUSED);
            assertThat(st.reason()).contains("failed on subtask 2").contains("experts/e1.onnx");
        });
        assertThat(fx.release()).containsExactly(V2);
        assertThat(s.phase()).isEqualTo(Phase.IDLE);
        assertThat(s.serving()).isEqualTo(V1);
        assertThat(s.choose("e")).isEqualTo(V1);
    }

    @Test
    void shouldIgnoreVotesOfAnotherLoadVersionOrParallelism() {
        RolloutState s = state(2);
        s.start("c1", 1, V2, RolloutMode.SWITCH, 0);

        s.onVote("c0", "m:2", 0, 2, false, "an older load", 0);
        s.onVote("c1", "m:3", 0, 2, false, "another version", 0);
        s.onVote("c1", "m:2", 1, 3, false, "another parallelism", 0);
        s.onVote("c1", "m:2", 5, 2, true, "", 0);
        assertThat(s.voting()).isTrue();
        assertThat(s.missingVotes(2)).containsExactly(0, 1);

        s.onVote("c1", "m:2", 0, 2, true, "", 0);
        s.onVote("c1", "m:2", 1, 2, true, "", 0);
        assertThat(s.atBarrier(LoadOutcome.ok(V2)).statuses())
                .extracting(Status::phase)
                .containsExactly(RolloutPhase.ACTIVE);
    }

    @Test
    void shouldWaitForItsOwnLoadOnceAcceptedAndRefuseWhenItFails() {
        RolloutState s = state(2);
        s.start("c1", 1, V2, RolloutMode.SWITCH, 0);
        s.onVote("c1", "m:2", 0, 2, true, "", 0);
        s.onVote("c1", "m:2", 1, 2, true, "", 0);

        assertThat(s.atBarrier(null).statuses()).isEmpty();
        assertThat(s.phase()).isEqualTo(Phase.LOADING);
        // A reload after a restore fails on this subtask alone: it refuses with its own reason.
        RolloutState.Effects fx = s.atBarrier(LoadOutcome.failed(V2, "cannot read /models/m2 on subtask 0"));
        assertThat(fx.statuses())
                .singleElement()
                .satisfies(st -> assertThat(st.reason()).contains("cannot read"));
        assertThat(s.serving()).isEqualTo(V1);
    }

    @Test
    void shouldDropTheVoteWithARollbackDuringTheLoad() {
        RolloutState s = state(2);
        s.start("c1", 1, V2, RolloutMode.SWITCH, 0);
        s.onVote("c1", "m:2", 0, 2, true, "", 0);
        s.rollback("c2", 2);
        s.onVote("c1", "m:2", 1, 2, true, "", 0);
        assertThat(s.accepted()).isFalse();

        assertThat(s.atBarrier(LoadOutcome.ok(V2)).statuses())
                .extracting(Status::phase)
                .containsExactly(RolloutPhase.ROLLED_BACK);
        assertThat(s.serving()).isEqualTo(V1);
        assertThat(s.loadId()).isEmpty();
    }

    @Test
    void shouldKeepTheVotesAcrossACheckpointAndCountAgainAfterARescale() {
        RolloutState s = state(3);
        s.start("c1", 1, V2, RolloutMode.SWITCH, 0);
        s.onVote("c1", "m:2", 0, 3, true, "", 0);
        s.onVote("c1", "m:2", 2, 3, true, "", 0);

        RolloutState restored = RolloutState.fromBytes(s.toBytes());
        restored.countVotesOf(3);
        assertThat(restored.loadId()).isEqualTo("c1");
        assertThat(restored.missingVotes(3)).containsExactly(1);
        restored.onVote("c1", "m:2", 1, 3, true, "", 0);
        assertThat(restored.accepted()).isTrue();

        RolloutState rescaled = RolloutState.fromBytes(s.toBytes());
        rescaled.countVotesOf(2);
        assertThat(rescaled.missingVotes(2)).containsExactly(0, 1);
        rescaled.onVote("c1", "m:2", 0, 2, true, "", 0);
        rescaled.onVote("c1", "m:2", 1, 2, true, "", 0);
        assertThat(rescaled.accepted()).isTrue();

        RolloutState refused = state(3);
        refused.start("c1", 1, V2, RolloutMode.SWITCH, 0);
        refused.onVote("c1", "m:2", 1, 3, false, "experts/e0.onnx: SHA-256 mismatch", 0);
        RolloutState again = RolloutState.fromBytes(refused.toBytes());
        assertThat(again.atBarrier(null).statuses())
                .singleElement()
                .satisfies(st -> assertThat(st.reason()).contains("SHA-256 mismatch"));
    }

    @Test
    void shouldReadAStateOfTheFormatBeforeVotesAndVoteAgain() throws Exception {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.io.DataOutputStream out = new java.io.DataOutputStream(bytes)) {
            out.writeInt(1);
            writeRef(out, V1);
            writeRef(out, null);
            writeRef(out, V2);
            out.writeUTF("SWITCH");
            out.writeDouble(0);
            out.writeUTF("LOADING");
            out.writeUTF("c1");
            out.writeLong(9);
            out.writeBoolean(false);
            out.writeBoolean(false);
            out.writeBoolean(false);
        }

        RolloutState s = RolloutState.fromBytes(bytes.toByteArray());
        s.countVotesOf(1);

        assertThat(s.phase()).isEqualTo(Phase.LOADING);
        assertThat(s.candidate()).isEqualTo(V2);
        assertThat(s.loadId()).isEqualTo("c1");
        assertThat(loaded(s, V2).statuses()).extracting(Status::phase).containsExactly(RolloutPhase.ACTIVE);
    }

    private static void writeRef(java.io.DataOutputStream out, VersionRef ref) throws java.io.IOException {
        out.writeBoolean(ref != null);
        if (ref != null) {
            out.writeUTF(ref.name());
            out.writeUTF(ref.version());
            out.writeUTF(ref.path());
            out.writeUTF(ref.digest());
        }
    }

    /** A state of a job with {@code parallelism} serving subtasks that serves V1. */
    private static RolloutState state(int parallelism) {
        RolloutState s = new RolloutState(V1);
        s.countVotesOf(parallelism);
        return s;
    }

    /** The load of {@code v} finished on the only subtask, which voted ok; then the barrier. */
    private static RolloutState.Effects loaded(RolloutState s, VersionRef v) {
        s.onVote(s.loadId(), v.id(), 0, 1, true, "", 0);
        return s.atBarrier(LoadOutcome.ok(v));
    }

    private static byte[] entry(int subtask, RolloutState s) {
        byte[] body = s.toBytes();
        byte[] e = new byte[body.length + 4];
        e[3] = (byte) subtask;
        System.arraycopy(body, 0, e, 4, body.length);
        return e;
    }
}
