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
package io.polyroute.runtime.placement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Exponential smoothing of per-window load into the planner's input. */
class PlannerLoadSmootherTest {
    private static final double NO_SAMPLE = Double.NaN;

    @Test
    void shouldStartFromTheFirstWindowThenSmoothExponentially() {
        LoadSmoother smoother = new LoadSmoother(2, 0.5);
        LoadSnapshot first = smoother.update(new double[] {100, 10}, new double[] {1000, 2000});
        assertThat(first.demand(0)).isEqualTo(100);
        assertThat(first.costNanos(1)).isEqualTo(2000);
        LoadSnapshot second = smoother.update(new double[] {300, 10}, new double[] {3000, 2000});
        assertThat(second.demand(0)).isEqualTo(200);
        assertThat(second.costNanos(0)).isEqualTo(2000);
        assertThat(second.load(0)).isEqualTo(200 * 2000.0);
        assertThat(smoother.snapshot()).isEqualTo(second);
    }

    @Test
    void shouldKeepTheLastCostWhenAnExpertServedNothing() {
        LoadSmoother smoother = new LoadSmoother(1, 0.5);
        smoother.update(new double[] {10}, new double[] {500});
        LoadSnapshot idle = smoother.update(new double[] {0}, new double[] {NO_SAMPLE});
        assertThat(idle.costNanos(0)).isEqualTo(500);
        assertThat(idle.demand(0)).isEqualTo(5);
    }

    @Test
    void shouldAssumeTheMeanCostForAnExpertNeverSampled() {
        LoadSmoother smoother = new LoadSmoother(3, 0.3);
        LoadSnapshot s = smoother.update(new double[] {1, 1, 1}, new double[] {100, 300, NO_SAMPLE});
        assertThat(s.costNanos(2)).isEqualTo(200);
        LoadSnapshot none = new LoadSmoother(2, 0.3).update(new double[] {1, 2}, new double[] {NO_SAMPLE, NO_SAMPLE});
        assertThat(none.loads()).containsExactly(1, 2);
    }

    @Test
    void shouldResumeFromASnapshot() {
        LoadSmoother a = new LoadSmoother(2, 0.25);
        a.update(new double[] {8, 4}, new double[] {1, 1});
        LoadSmoother b = LoadSmoother.resume(0.25, a.snapshot());
        assertThat(b.update(new double[] {0, 0}, new double[] {1, 1}))
                .isEqualTo(a.update(new double[] {0, 0}, new double[] {1, 1}));
    }

    @Test
    void shouldRefuseBadSettingsAndInputsNamingThem() {
        assertThatThrownBy(() -> new LoadSmoother(2, 0)).hasMessageContaining("rebalance.smoothing-alpha");
        assertThatThrownBy(() -> new LoadSmoother(2, 1.5)).hasMessageContaining("(0, 1]");
        assertThatThrownBy(() -> new LoadSmoother(0, 0.5)).hasMessageContaining("at least one expert");
        LoadSmoother smoother = new LoadSmoother(2, 0.5);
        assertThatThrownBy(smoother::snapshot)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("after the first update");
        assertThatThrownBy(() -> smoother.update(new double[] {1}, new double[] {1}))
                .hasMessageContaining("tracks 2 experts");
        assertThatThrownBy(() -> smoother.update(new double[] {1, -1}, new double[] {1, 1}))
                .hasMessageContaining("demand of expert 1");
        assertThatThrownBy(() -> LoadSnapshot.of(new double[] {1}, new double[] {Double.POSITIVE_INFINITY}))
                .hasMessageContaining("cost of expert 0");
    }
}
