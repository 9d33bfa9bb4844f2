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
package io.polyroute.monitor;

import static io.polyroute.monitor.MonitorRecords.prediction;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.polyroute.avro.ModelRef;
import io.polyroute.avro.Prediction;
import io.polyroute.avro.ShadowPair;
import io.polyroute.avro.ShadowSide;
import io.polyroute.job.config.ConfigException;
import io.polyroute.monitor.aggregate.ShadowStats;
import io.polyroute.monitor.query.Views;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rollout figures of the monitor (docs/monitor.md, docs/rollouts.md): the version mix from the
 * model each prediction names, and the agreement of a shadow version from the shadow pairs, through
 * the topology, the stores and the queries.
 */
class RolloutFiguresTest {
    static final long T0 = MonitorTopologyTest.T0;

    @TempDir
    Path stateDir;

    @Test
    void shouldCountPredictionsPerVersionInTheWindowsOfTheirProcessedTime() {
        try (MonitorTestDriver monitor = new MonitorTestDriver(stateDir)) {
            monitor.pipe(
                    version(prediction("m1", T0 + 100, 5, 0.1f), "1"),
                    version(prediction("m1", T0 + 200, 5, 0.1f), "1"),
                    version(prediction("m2", T0 + 300, 5, 0.1f), "2"),
                    version(prediction("m2", T0 + 1_100, 5, 0.1f), "2"),
                    version(prediction("m2", T0 + 1_200, 5, 0.1f), "2"));

            assertThat(monitor.window(MonitorStores.VERSIONS, Resolution.SECOND, "ro:1", T0))
                    .isEqualTo(2L);
            assertThat(monitor.window(MonitorStores.VERSIONS, Resolution.SECOND, "ro:2", T0))
                    .isEqualTo(1L);
            assertThat(monitor.window(MonitorStores.VERSIONS, Resolution.SECOND, "ro:1", T0 + 1_000))
                    .isNull();
            assertThat(monitor.window(MonitorStores.VERSIONS, Resolution.MINUTE, "ro:2", T0))
                    .isEqualTo(3L);

            Views.Versions v = monitor.queries(T0 + 5_000).versions(Resolution.SECOND, 1);
            assertThat(v.versions()).containsExactly("ro:1", "ro:2");
            assertThat(v.totals()).isEqualTo(Map.of("ro:1", 2L, "ro:2", 3L));
            assertThat(v.shares().get("ro:2")).isCloseTo(0.6, within(1e-12));
            assertThat(v.points()).hasSize(60);
            assertThat(v.points().get(57)).isEqualTo(new Views.VersionPoint(T0, Map.of("ro:1", 2L, "ro:2", 1L)));
            assertThat(v.points().get(58)).isEqualTo(new Views.VersionPoint(T0 + 1_000, Map.of("ro:2", 2L)));
            assertThat(v.points().get(59).counts()).isEmpty();
        }
    }

    @Test
    void shouldShareShadowPairsThatAgreeWithinTheToleranceAndTheirMeanAndLargestDifference() {
        try (MonitorTestDriver monitor = new MonitorTestDriver(
                stateDir, Map.of("rollout.enabled", "true", "monitor.shadow.tolerance", "0.01"))) {
            monitor.shadowPairs.pipeInput(pair(T0 + 100, "1", "2", 0.004, true));
            monitor.shadowPairs.pipeInput(pair(T0 + 200, "1", "2", 0.01, true));
            monitor.shadowPairs.pipeInput(pair(T0 + 300, "1", "2", 0.5, false));
            monitor.shadowPairs.pipeInput(pair(T0 + 1_300, "1", "2", Double.POSITIVE_INFINITY, false));
            monitor.shadowPairs.pipeInput(pair(T0 + 1_400, "1", "3", 0.0, true));

            ShadowStats first = monitor.window(MonitorStores.SHADOW, Resolution.SECOND, "ro:1 -> ro:2", T0);
            assertThat(first.pairs()).isEqualTo(3);
            assertThat(first.agreeing()).isEqualTo(2);
            assertThat(first.sameRouting()).isEqualTo(2);
            assertThat(first.meanDifference()).isCloseTo((0.004 + 0.01 + 0.5) / 3, within(1e-12));
            assertThat(first.maxDifference()).isEqualTo(0.5);

            Views.Shadow s = monitor.queries(T0 + 5_000).shadow(Resolution.SECOND, 1);
            assertThat(s.enabled()).isTrue();
            assertThat(s.tolerance()).isEqualTo(0.01);
            assertThat(s.versions())
                    .extracting(Views.ShadowRow::served, Views.ShadowRow::shadow)
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple("ro:1", "ro:2"),
                            org.assertj.core.groups.Tuple.tuple("ro:1", "ro:3"));
            Views.ShadowFigures twoOverSpan = s.versions().get(0).figures();
            // The pair of another width never agrees and is left out of the differences.
            assertThat(twoOverSpan.pairs()).isEqualTo(4);
            assertThat(twoOverSpan.agreeing()).isEqualTo(2);
            assertThat(twoOverSpan.agreement()).isEqualTo(0.5);
            assertThat(twoOverSpan.sameRouting()).isEqualTo(0.5);
            assertThat(twoOverSpan.maxDifference()).isEqualTo(0.5);
            Views.ShadowFigures second = s.points().get(58).figures();
            assertThat(second.pairs()).isEqualTo(2);
            assertThat(second.agreement()).isEqualTo(0.5);
            assertThat(second.maxDifference()).isEqualTo(0.0);
            assertThat(s.points().get(59).figures().agreement()).isNull();
        }
    }

    @Test
    void shouldShowNoShadowFiguresWithoutAShadowTopic() {
        try (MonitorTestDriver monitor = new MonitorTestDriver(stateDir)) {
            assertThat(monitor.options.shadowEnabled()).isFalse();
            assertThat(MonitorTopology.build(monitor.options).describe().toString())
                    .doesNotContain(MonitorTopology.SHADOW_SOURCE);
            Views.Shadow s = monitor.queries(T0 + 5_000).shadow(Resolution.SECOND, 1);
            assertThat(s.enabled()).isFalse();
            assertThat(s.versions()).isEmpty();
            assertThat(s.points()).isEmpty();
            assertThat(monitor.queries(T0 + 5_000).health().ready()).isTrue();
        }
        MonitorSettings on = MonitorSettings.defaults().withShadow(true);
        assertThat(MonitorTopology.build(on).describe().toString()).contains(MonitorTopology.SHADOW_SOURCE);
        assertThat(on.shadowTopic()).isEqualTo("polyroute.shadow");
    }

    @Test
    void shouldRoundTripAndMergeShadowStatistics() {
        ShadowStats a = ShadowStats.empty().add(0.5, true, 1.0).add(2.0, false, 1.0);
        ShadowStats b = ShadowStats.fromBytes(a.toBytes());
        assertThat(b.toString()).isEqualTo(a.toString());
        b.add(ShadowStats.empty().add(Double.POSITIVE_INFINITY, true, 1.0));
        assertThat(b.pairs()).isEqualTo(3);
        assertThat(b.agreeing()).isEqualTo(1);
        assertThat(b.sameRouting()).isEqualTo(2);
        assertThat(b.meanDifference()).isEqualTo(1.25);
        assertThat(b.maxDifference()).isEqualTo(2.0);
        assertThat(ShadowStats.empty().agreement()).isNaN();
        assertThatThrownBy(() -> ShadowStats.fromBytes(new byte[3]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ShadowStats");
    }

    @Test
    void shouldRefuseANegativeToleranceNamingTheKey() {
        assertThatThrownBy(() -> MonitorSettings.of(Map.of("monitor.shadow.tolerance", "-1")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("monitor.shadow.tolerance");
        assertThat(MonitorSettings.defaults().shadowTolerance()).isEqualTo(1e-3);
    }

    private static Prediction version(Prediction p, String version) {
        return Prediction.newBuilder(p)
                .setModel(
                        ModelRef.newBuilder().setName("ro").setVersion(version).build())
                .build();
    }

    private static ShadowPair pair(long processedMs, String served, String shadow, double diff, boolean sameRouting) {
        return ShadowPair.newBuilder()
                .setEventId("e-" + processedMs)
                .setServed(side(served))
                .setShadow(side(shadow))
                .setMaxAbsDifference(diff)
                .setSameRouting(sameRouting)
                .setProcessedTime(Instant.ofEpochMilli(processedMs))
                .build();
    }

    private static ShadowSide side(String version) {
        return ShadowSide.newBuilder()
                .setBundleName("ro")
                .setBundleVersion(version)
                .setOutput(List.of(0.5f))
                .setStages(List.of(0))
                .setExperts(List.of(1))
                .setWeights(List.of(1f))
                .build();
    }
}
