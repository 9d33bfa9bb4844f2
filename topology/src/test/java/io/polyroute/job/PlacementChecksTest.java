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
package io.polyroute.job;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.polyroute.job.config.ConfigException;
import io.polyroute.job.config.JobConfig;
import io.polyroute.runtime.bundle.ModelBundle;
import io.polyroute.runtime.placement.ExpertReplicas;
import io.polyroute.runtime.placement.Placement;
import io.polyroute.runtime.placement.PlanVersion;
import io.polyroute.testing.SqrtExpertBundle;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Placement settings the rebalancer cannot plan with fail at start, naming the key, before any
 * broker is contacted (the broker address below does not exist).
 */
class PlacementChecksTest {
    @TempDir
    static Path dir;

    private static ModelBundle bundle;

    @BeforeAll
    static void writeBundle() throws Exception {
        bundle = SqrtExpertBundle.write(dir, List.of("press", "lathe"));
    }

    private static JobConfig config(Map<String, String> values) {
        Map<String, String> all = new java.util.HashMap<>(values);
        all.put("kafka.bootstrap-servers", "no-such-broker.invalid:9092");
        all.put("bundle.path", dir.toString());
        return JobConfig.of(all);
    }

    @Test
    void shouldRefuseASlotCapacityOfZeroNamingTheKey() {
        assertThatThrownBy(() -> config(Map.of("rebalance.slot-capacity", "0")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("rebalance.slot-capacity");
    }

    @Test
    void shouldRefuseSlotsTimesCapacityBelowTheExpertCount() {
        JobConfig config = config(Map.of("job.slots", "1", "rebalance.slot-capacity", "2"));

        assertThatThrownBy(() -> JobLauncher.checkPlacement(config, bundle))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("rebalance.slot-capacity=2")
                .hasMessageContaining("job.slots=1");
    }

    @Test
    void shouldAcceptEnoughCapacityAndSkipTheCheckWhenNothingRebalances() {
        assertThatCode(() -> JobLauncher.checkPlacement(
                        config(Map.of("job.slots", "2", "rebalance.slot-capacity", "2")), bundle))
                .doesNotThrowAnyException();
        assertThatCode(() -> JobLauncher.checkPlacement(
                        config(Map.of("job.slots", "1", "rebalance.slot-capacity", "2", "job.mode", "fused")), bundle))
                .doesNotThrowAnyException();
        assertThatCode(() -> JobLauncher.checkPlacement(
                        config(Map.of("job.slots", "1", "rebalance.slot-capacity", "2", "rebalance.enabled", "false")),
                        bundle))
                .doesNotThrowAnyException();
    }

    @Test
    void shouldRefuseAPinnedPlanOverTheSlotCapacity() {
        JobConfig config = config(Map.of("job.slots", "4", "rebalance.slot-capacity", "1"));
        List<ExpertReplicas> experts = new ArrayList<>();
        for (int e = 0; e < SqrtExpertBundle.EXPERTS; e++) {
            experts.add(ExpertReplicas.of(new int[] {e < 2 ? 0 : e}, new double[] {1.0}));
        }
        PlanVersion twoOnSlotZero = PlanVersion.builder()
                .version(3)
                .timestampMillis(0)
                .reason("pinned by hand")
                .stage(Placement.of(4, experts))
                .pinned(0, Set.of(0, 1))
                .build();

        assertThatThrownBy(() -> PolyrouteJob.rebalanceSettings(config, bundle).requireFeasible(twoOnSlotZero))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("rebalance.slot-capacity = 1");
    }
}
