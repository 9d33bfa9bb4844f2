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
package io.polyroute.kit.factory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FactorySimulatorTest {

    @Test
    void shouldProduceTheSameReadingsForTheSameSeed() {
        List<FactoryReading> a = take(FactorySimulator.builder().seed(3).build(), 500);
        List<FactoryReading> b = take(FactorySimulator.builder().seed(3).build(), 500);

        for (int i = 0; i < a.size(); i++) {
            assertThat(b.get(i).sourceId()).isEqualTo(a.get(i).sourceId());
            assertThat(b.get(i).features()).containsExactly(a.get(i).features());
            assertThat(b.get(i).eventTimeMillis()).isEqualTo(a.get(i).eventTimeMillis());
            assertThat(b.get(i).truth()).isEqualTo(a.get(i).truth());
        }
    }

    @Test
    void shouldProduceOtherReadingsForAnotherSeed() {
        FactoryReading a = FactorySimulator.builder().seed(3).build().next();
        FactoryReading b = FactorySimulator.builder().seed(4).build().next();

        assertThat(b.features()).isNotEqualTo(a.features());
    }

    @Test
    void readingsShouldCarryNamedMachinesTheirTypeAndThirtyTwoFiniteChannels() {
        FactorySimulator sim = FactorySimulator.builder()
                .seed(1)
                .startMillis(1000)
                .intervalMillis(5)
                .build();
        List<FactoryReading> readings = take(sim, 4000);

        assertThat(sim.sourceIds()).hasSize(64).contains("press-01", "press-07", "conveyor-08");
        Set<String> types = new HashSet<>();
        for (FactoryReading r : readings) {
            assertThat(r.features()).hasSize(FactorySimulator.FEATURE_COUNT);
            for (float v : r.features()) {
                assertThat(Float.isFinite(v)).isTrue();
            }
            assertThat(r.sourceId()).startsWith(r.task() + "-");
            assertThat(r.task())
                    .isEqualTo(FactorySimulator.MACHINE_TYPES.get(r.truth().regime()));
            assertThat(r.truth().anomaly()).isEqualTo(r.truth().healthScore() >= FactorySimulator.ANOMALY_THRESHOLD);
            types.add(r.task());
        }
        assertThat(types).containsExactlyInAnyOrderElementsOf(FactorySimulator.MACHINE_TYPES);
        assertThat(readings.get(0).eventTimeMillis()).isEqualTo(1000);
        assertThat(readings.get(3).eventTimeMillis()).isEqualTo(1015);
        assertThat(readings.get(3).sequence()).isEqualTo(3);
        long anomalies = readings.stream().filter(r -> r.truth().anomaly()).count();
        assertThat(anomalies).isBetween(40L, 2000L);
        assertThat(FactorySimulator.FEATURE_NAMES).hasSize(32).doesNotHaveDuplicates();
    }

    @Test
    void linearDriftShouldMoveTheMixFromOneMachineTypeToAnother() {
        double[] presses = {1, 0, 0, 0, 0, 0, 0, 0};
        double[] conveyors = {0, 0, 0, 0, 0, 0, 0, 1};
        FactorySimulator sim = FactorySimulator.builder()
                .seed(2)
                .startMillis(0)
                .intervalMillis(10)
                .mix(RegimeMix.linear(presses, conveyors, 10_000, 20_000))
                .build();

        assertThat(sim.mixAt(0)).containsExactly(presses);
        assertThat(sim.mixAt(20_000)[0]).isEqualTo(0.5);
        assertThat(sim.mixAt(20_000)[7]).isEqualTo(0.5);
        List<FactoryReading> readings = take(sim, 4000); // 0 .. 40 s
        assertThat(readings.subList(0, 1000)).allMatch(r -> r.task().equals("press"));
        assertThat(readings.subList(3000, 4000)).allMatch(r -> r.task().equals("conveyor"));
    }

    @Test
    void rotatingDriftShouldChangeWhichMachineTypesAreBusy() {
        FactorySimulator sim = FactorySimulator.builder()
                .seed(2)
                .startMillis(0)
                .intervalMillis(1)
                .mix(RegimeMix.rotating(0, 8_000, 1.0))
                .build();

        int[] early = count(take(sim, 1000)); // phase 0 .. π/4
        take(sim, 3000);
        int[] late = count(take(sim, 1000)); // phase π .. 5π/4

        // Type 2 peaks at phase 0 and idles at phase π; type 6 the other way round.
        assertThat(early[2]).isGreaterThan(4 * late[2]);
        assertThat(late[6]).isGreaterThan(4 * early[6]);
        double sum = 0;
        for (double v : sim.mixAt(1234)) {
            sum += v;
        }
        assertThat(sum).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-12));
    }

    @Test
    void shouldRefuseMixesAndSettingsThatMakeNoSense() {
        assertThatThrownBy(() -> RegimeMix.fixed(1, 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("one weight per machine type (8)");
        assertThatThrownBy(() -> RegimeMix.fixed(0, 0, 0, 0, 0, 0, 0, 0)).hasMessageContaining("no positive weight");
        assertThatThrownBy(() -> RegimeMix.fixed(1, -1, 0, 0, 0, 0, 0, 0)).hasMessageContaining("negative");
        assertThatThrownBy(() -> RegimeMix.rotating(0, 0, 0.5)).hasMessageContaining("period must be positive");
        assertThatThrownBy(() -> FactorySimulator.builder().machinesPerType(0).build())
                .hasMessageContaining("Machines per type must be between 1 and 99, but is 0");
    }

    private static List<FactoryReading> take(FactorySimulator sim, int n) {
        List<FactoryReading> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(sim.next());
        }
        return out;
    }

    private static int[] count(List<FactoryReading> readings) {
        int[] c = new int[FactorySimulator.MACHINE_TYPES.size()];
        readings.forEach(r -> c[r.truth().regime()]++);
        return c;
    }
}
