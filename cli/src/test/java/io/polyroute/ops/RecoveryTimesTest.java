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
package io.polyroute.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class RecoveryTimesTest {

    private static Sample at(long millis, long committed, long restarts) {
        return new Sample(millis, committed, restarts, -1, -1);
    }

    @Test
    void shouldMeasureFromTheKillToTheFirstOutputAfterTheRestart() {
        List<Sample> samples = List.of(
                at(0, 100, 0),
                at(500, 200, 0),
                // killed at 600; a commit already in flight still lands, then the job restarts
                at(1000, 250, 0),
                at(3000, 250, 1),
                at(3500, 250, 1),
                at(6000, 400, 1));

        RecoveryTimes.Recovery r = RecoveryTimes.compute(samples, List.of(new RecoveryTimes.Kill(600, "tm")))
                .get(0);

        assertThat(r.restartSeconds()).isEqualTo(2.4);
        assertThat(r.seconds()).isEqualTo(5.4);
    }

    @Test
    void shouldTakeTheRestartTimeFromTheJobManagerTimestampWhenTheMetricIsLate() {
        // killed at 1000; the JobManager switched the job to RESTARTING at 9000, but the restart
        // count only showed up in the sample at 40000
        List<Sample> samples = List.of(
                new Sample(0, 100, 0, -1, -1, 0),
                new Sample(5000, 150, 0, -1, -1, 0),
                new Sample(10000, 150, 0, -1, -1, 9000),
                new Sample(12000, 220, 0, -1, -1, 9000),
                new Sample(40000, 900, 1, -1, -1, 9000));

        RecoveryTimes.Recovery r = RecoveryTimes.compute(samples, List.of(new RecoveryTimes.Kill(1000, "tm")))
                .get(0);

        assertThat(r.restartSeconds()).isEqualTo(8.0);
        assertThat(r.seconds()).isEqualTo(11.0);
    }

    @Test
    void shouldIgnoreARestartTimestampFromBeforeTheKill() {
        List<Sample> samples = List.of(
                new Sample(0, 100, 1, -1, -1, 300),
                new Sample(1000, 100, 1, -1, -1, 300),
                new Sample(2000, 180, 1, -1, -1, 300));

        RecoveryTimes.Recovery r = RecoveryTimes.compute(samples, List.of(new RecoveryTimes.Kill(500, "broker")))
                .get(0);

        assertThat(r.restartedMillis()).isEqualTo(-1);
        assertThat(r.seconds()).isEqualTo(1.5);
    }

    @Test
    void shouldMeasureToTheNextOutputWhenTheJobDidNotRestart() {
        List<Sample> samples = List.of(at(0, 100, 2), at(1000, 100, 2), at(2000, 100, 2), at(4000, 180, 2));

        RecoveryTimes.Recovery r = RecoveryTimes.compute(samples, List.of(new RecoveryTimes.Kill(500, "broker")))
                .get(0);

        assertThat(r.restartedMillis()).isEqualTo(-1);
        assertThat(r.seconds()).isEqualTo(3.5);
    }

    @Test
    void shouldReportAKillAfterWhichOutputNeverMovedAsNotRecovered() {
        List<Sample> samples = List.of(at(0, 100, 0), at(1000, 100, 1), at(2000, 100, 1));

        RecoveryTimes.Recovery r = RecoveryTimes.compute(samples, List.of(new RecoveryTimes.Kill(500, "tm")))
                .get(0);

        assertThat(r.recovered()).isFalse();
        assertThat(r.seconds()).isNaN();
    }

    @Test
    void shouldAttributeEachRestartToTheKillBeforeIt() {
        List<Sample> samples = List.of(
                at(0, 10, 0), at(1000, 10, 1), at(2000, 20, 1), at(3000, 30, 1), at(4000, 30, 2), at(5000, 40, 2));
        List<RecoveryTimes.Kill> kills = List.of(new RecoveryTimes.Kill(500, "a"), new RecoveryTimes.Kill(2500, "b"));

        List<RecoveryTimes.Recovery> r = RecoveryTimes.compute(samples, kills);

        assertThat(r).extracting(RecoveryTimes.Recovery::seconds).containsExactly(1.5, 2.5);
    }

    @Test
    void shouldMeasureCatchingUpFromTheEndOfANetworkFault() {
        List<Sample> samples = List.of(
                new Sample(0, 10, 0, -1, 500),
                new Sample(1000, 10, 0, -1, 9000),
                new Sample(2000, 10, 0, -1, -1),
                new Sample(3000, 20, 0, -1, 4000),
                new Sample(4000, 30, 0, -1, 800));

        assertThat(RecoveryTimes.caughtUpSeconds(samples, 1500, 1000)).isEqualTo(2.5);
        assertThat(RecoveryTimes.caughtUpSeconds(samples, 1500, 100)).isNaN();
    }
}
