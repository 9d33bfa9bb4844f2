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
        RolloutState s = new RolloutState(V1);

        RolloutState.Effects started = s.start("c1", 1, V2, RolloutMode.SWITCH, 0);

        assertThat(started.load()).containsExactly(V2);
        assertThat(started.statuses())
                .extracting(Status::phase)
                .containsExactly(RolloutPhase.PENDING, RolloutPhase.LOADING);
        assertThat(s.choose("any")).isEqualTo(V1);
        assertThat(s.atBarrier(null).statuses()).isEmpty();
        assertThat(s.choose("any")).isEqualTo(V1);

        RolloutState.Effects switched = s.atBarrier(LoadOutcome.ok(V2));

        assertThat(switched.statuses()).extracting(Status::phase).containsExactly(RolloutPhase.ACTIVE);
        assertThat(switched.release()).containsExactly(V1);
        assertThat(s.choose("any")).isEqualTo(V2);
        assertThat(s.previous()).isEqualTo(V1);
        assertThat(s.phase()).isEqualTo(Phase.IDLE);
        assertThat(s.resident()).containsExactly(V2);
    }

    @Test
    void shouldRefuseAVersionWhoseLoadFailedAndKeepServing() {
        RolloutState s = new RolloutState(V1);
        s.start("c1", 1, V2, RolloutMode.SWITCH, 0);

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
        RolloutState s = new RolloutState(V1);
        s.start("c1", 1, V2, RolloutMode.CANARY, 0.25);
        s.atBarrier(LoadOutcome.ok(V2));

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
        RolloutState s = new RolloutState(V1);
        s.start("c1", 1, V2, RolloutMode.SHADOW, 0);
        assertThat(s.shadow()).isNull();
        s.atBarrier(LoadOutcome.ok(V2));

        assertThat(s.shadow()).isEqualTo(V2);
        assertThat(s.choose("e1")).isEqualTo(V1);
    }

    @Test
    void shouldDropALiveCandidateOnRollback() {
        RolloutState s = new RolloutState(V1);
        s.start("c1", 1, V2, RolloutMode.SHADOW, 0);
        s.atBarrier(LoadOutcome.ok(V2));

        s.rollback("c2", 2);
        RolloutState.Effects fx = s.atBarrier(null);

        assertThat(fx.statuses()).extracting(Status::phase).containsExactly(RolloutPhase.ROLLED_BACK);
        assertThat(s.shadow()).isNull();
        assertThat(s.resident()).containsExactly(V1);
    }

    @Test
    void shouldRollBackAFinishedSwitchByLoadingThePreviousVersion() {
        RolloutState s = new RolloutState(V1);
        s.start("c1", 1, V2, RolloutMode.SWITCH, 0);
        s.atBarrier(LoadOutcome.ok(V2));

        RolloutState.Effects back = s.rollback("c2", 2);

        assertThat(back.load()).containsExactly(V1);
        assertThat(s.choose("e")).isEqualTo(V2);
        RolloutState.Effects done = s.atBarrier(LoadOutcome.ok(V1));
        assertThat(done.statuses()).extracting(Status::phase).containsExactly(RolloutPhase.ROLLED_BACK);
        assertThat(s.serving()).isEqualTo(V1);
        assertThat(s.previous()).isEqualTo(V2);
    }

    @Test
    void shouldRefuseCommandsThatDoNotFit() {
        RolloutState s = new RolloutState(V1);

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
        RolloutState s = new RolloutState(V1);
        s.start("c1", 7, V2, RolloutMode.CANARY, 0.3);
        RolloutState loading = RolloutState.fromBytes(s.toBytes());
        assertThat(loading.phase()).isEqualTo(Phase.LOADING);
        assertThat(loading.candidate()).isEqualTo(V2);
        assertThat(loading.commandTime()).isEqualTo(7);

        s.atBarrier(LoadOutcome.ok(V2));
        RolloutState live = RolloutState.fromBytes(s.toBytes());
        for (int i = 0; i < 500; i++) {
            assertThat(live.choose("e" + i)).isEqualTo(s.choose("e" + i));
        }
        assertThat(live.share()).isEqualTo(0.3);
    }

    @Test
    void shouldPickTheMostRecentStateAfterARescale() {
        RolloutState old = new RolloutState(V1);
        RolloutState newer = new RolloutState(V1);
        newer.start("c1", 5, V2, RolloutMode.SWITCH, 0);
        newer.atBarrier(LoadOutcome.ok(V2));

        RolloutState picked =
                RolloutStateStore.pick(java.util.List.of(entry(0, old), entry(1, newer), entry(2, old)), 0, 2, V1);

        assertThat(picked.serving()).isEqualTo(V2);
        assertThat(RolloutStateStore.pick(java.util.List.of(entry(0, old), entry(1, newer)), 0, 2, V1)
                        .serving())
                .as("same parallelism: each subtask its own entry")
                .isEqualTo(V1);
    }

    private static byte[] entry(int subtask, RolloutState s) {
        byte[] body = s.toBytes();
        byte[] e = new byte[body.length + 4];
        e[3] = (byte) subtask;
        System.arraycopy(body, 0, e, 4, body.length);
        return e;
    }
}
