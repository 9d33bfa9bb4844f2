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
package io.polyroute.job.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class LoadWindowsTest {
    private static final long W = 1_000;
    /** Two GATE subtasks, two slots, one stage of three experts. */
    private final RebalanceSettings settings =
            new RebalanceSettings(List.of(3), 2, 2, W, 0.6, 0.05, 0.05, 1, -1, -1, 0, 256, 5);

    private static LoadReport gate(int subtask, long start, long... records) {
        LoadReport r = LoadReport.empty(LoadReport.GATE, subtask, 0, 3, start, start + W, 0);
        r.records = records;
        return r;
    }

    private static LoadReport expert(int slot, long start, long[] records, long[] nanos) {
        LoadReport r = LoadReport.empty(LoadReport.EXPERT, slot, 0, 3, start, start + W, 0);
        r.records = records;
        r.serviceNanos = nanos;
        return r;
    }

    @Test
    void shouldPlanAWindowAsSoonAsEverySubtaskReportedIt() {
        LoadWindows windows = new LoadWindows(settings);
        windows.add(gate(0, 0, 1, 2, 3));
        windows.add(gate(1, 0, 1, 2, 3));
        windows.add(expert(0, 0, new long[] {2, 0, 6}, new long[] {20, 0, 60}));
        assertThat(windows.ready(W)).isEmpty();
        windows.add(expert(1, 0, new long[] {0, 4, 0}, new long[] {0, 40, 0}));
        List<LoadWindows.Window> ready = windows.ready(W);
        assertThat(ready).hasSize(1);
        assertThat(windows.demand(ready.get(0), 0)).containsExactly(2, 4, 6);
    }

    @Test
    void shouldWaitForLateGateReportsAndPlanWithoutThemOnlyAtTheLatestDeadline() {
        LoadWindows windows = new LoadWindows(settings);
        windows.add(gate(0, 0, 5, 5, 10));
        windows.add(expert(0, 0, new long[] {5, 0, 10}, new long[] {50, 0, 100}));
        windows.add(expert(1, 0, new long[] {0, 5, 0}, new long[] {0, 50, 0}));
        assertThat(windows.ready(W + W / 2)).as("a GATE subtask is missing").isEmpty();
        List<LoadWindows.Window> ready = windows.ready(W + LoadWindows.LATEST_WINDOWS * W);
        assertThat(ready).hasSize(1);
        // The one GATE subtask that reported saw half the input.
        assertThat(windows.demand(ready.get(0), 0)).containsExactly(10, 10, 20);
    }

    @Test
    void shouldDropReportsOfAWindowAlreadyPlannedInsteadOfPlanningThemAgain() {
        LoadWindows windows = new LoadWindows(settings);
        windows.add(gate(0, 0, 1, 1, 1));
        windows.add(gate(1, 0, 1, 1, 1));
        assertThat(windows.ready(W + W / 2)).hasSize(1);
        assertThat(windows.add(expert(0, 0, new long[] {1, 1, 1}, new long[] {1, 1, 1})))
                .isFalse();
        assertThat(windows.dropped()).isEqualTo(1);
        assertThat(windows.ready(10 * W)).isEmpty();
    }

    @Test
    void shouldPlanOlderWindowsFirstWhenANewerOneIsReady() {
        LoadWindows windows = new LoadWindows(settings);
        windows.add(gate(0, 0, 1, 1, 1));
        windows.add(gate(0, W, 1, 1, 1));
        windows.add(gate(1, W, 1, 1, 1));
        List<LoadWindows.Window> ready = windows.ready(2 * W + W / 2);
        assertThat(ready).extracting(LoadWindows.Window::start).containsExactly(0L, W);
    }

    @Test
    void shouldShrinkTheCostOfARarelyServedExpertTowardsThePooledCost() {
        LoadWindows windows = new LoadWindows(settings);
        // Expert 0: 1,000 records at 10 us; expert 1: 2 records in one preempted batch of 5 ms; expert 2: none.
        windows.add(expert(0, 0, new long[] {1_000, 2, 0}, new long[] {10_000_000, 5_000_000, 0}));
        windows.add(expert(1, 0, new long[] {0, 0, 0}, new long[] {0, 0, 0}));
        windows.add(gate(0, 0, 1, 1, 1));
        windows.add(gate(1, 0, 1, 1, 1));
        double[] cost = windows.cost(windows.ready(W).get(0), 0);
        double pooled = 15_000_000.0 / 1_002;
        assertThat(cost[0]).isCloseTo((10_000_000 + 64 * pooled) / 1_064, within(1e-6));
        assertThat(cost[1]).as("far below the raw 2.5 ms").isLessThan(100_000);
        assertThat(cost[2]).isCloseTo(pooled, within(1e-6));
    }

    @Test
    void shouldLearnTheExpertCountOfAnotherVersionFromItsFirstReportAndDropReportsOfAnotherCount() {
        LoadWindows base = new LoadWindows(settings);
        LoadWindows other = new LoadWindows(settings, false);
        LoadReport five = LoadReport.empty(LoadReport.GATE, 0, 0, 5, 0, W, 0);
        five.records = new long[] {1, 2, 3, 4, 5};
        LoadReport fiveAgain = LoadReport.empty(LoadReport.GATE, 1, 0, 5, 0, W, 0);
        fiveAgain.records = new long[] {5, 4, 3, 2, 1};

        assertThat(other.expertsPerStage()).isNull();
        assertThat(base.add(five)).as("the job's own bundle has 3 experts").isFalse();
        assertThat(other.add(five)).isTrue();
        assertThat(other.expertsPerStage()).containsExactly(5);
        assertThat(other.add(gate(1, 0, 1, 1, 1)))
                .as("3 experts in a version of 5")
                .isFalse();
        assertThat(other.add(fiveAgain)).isTrue();
        List<LoadWindows.Window> ready = other.ready(W + W / 2);

        assertThat(ready).hasSize(1);
        assertThat(other.demand(ready.get(0), 0)).containsExactly(6, 6, 6, 6, 6);
        assertThat(other.cost(ready.get(0), 0))
                .as("no EXPERT reports: no cost sample")
                .containsOnly(Double.NaN);
        assertThat(base.expertsPerStage()).containsExactly(3);
    }
}
