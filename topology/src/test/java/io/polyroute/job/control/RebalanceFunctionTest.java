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

import io.polyroute.avro.PlacementPlan;
import io.polyroute.runtime.placement.ExpertReplicas;
import io.polyroute.runtime.placement.Placement;
import io.polyroute.runtime.placement.PlanVersion;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The rebalancer driven through Flink's keyed two-input harness: load reports on the first input,
 * plans from the plans topic on the second, published plans as output.
 */
class RebalanceFunctionTest {
    private static final int EXPERTS = 8;
    private static final int SLOTS = 2;
    private static final long WINDOW = 1_000;
    /** Each record costs the same, so slot load follows demand. */
    private static final long NANOS_PER_RECORD = 100_000;

    private KeyedTwoInputStreamOperatorTestHarness<Integer, LoadReport, byte[], byte[]> harness;
    private final List<PlanVersion> seenOnTopic = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        if (harness != null) {
            harness.close();
        }
    }

    private void open(int cooldown) throws Exception {
        open(cooldown, -1);
    }

    private void open(int cooldown, int slotCapacity) throws Exception {
        open(cooldown, slotCapacity, PlanOrigin.UNKNOWN, null);
    }

    private void open(int cooldown, int slotCapacity, PlanOrigin origin, OperatorSubtaskState restored)
            throws Exception {
        RebalanceSettings settings = new RebalanceSettings(
                List.of(EXPERTS), SLOTS, 1, WINDOW, 1.0, 0.05, 0.05, cooldown, -1, slotCapacity, 0, 256, 5);
        harness = new KeyedTwoInputStreamOperatorTestHarness<>(
                new KeyedCoProcessOperator<>(new RebalanceFunction(settings, origin)), r -> 0, p -> 0, Types.INT);
        harness.setProcessingTime(0);
        if (restored != null) {
            harness.initializeState(restored);
        }
        harness.open();
    }

    /** One complete window: a GATE report with {@code demand} records per expert and one EXPERT report per slot. */
    private void window(int index, long[] demand) throws Exception {
        long start = index * WINDOW;
        LoadReport gate = LoadReport.empty(LoadReport.GATE, 0, 0, EXPERTS, start, start + WINDOW, 0);
        gate.records = demand.clone();
        harness.processElement1(new StreamRecord<>(gate));
        for (int s = 0; s < SLOTS; s++) {
            LoadReport expert = LoadReport.empty(LoadReport.EXPERT, s, 0, EXPERTS, start, start + WINDOW, 0);
            for (int e = 0; e < EXPERTS; e++) {
                if (e % SLOTS == s) {
                    expert.records[e] = demand[e];
                    expert.serviceNanos[e] = demand[e] * NANOS_PER_RECORD;
                }
            }
            harness.processElement1(new StreamRecord<>(expert));
        }
    }

    /** Plans published so far, decoded, each echoed back on the plans input as the topic would. */
    private List<PlanVersion> published() throws Exception {
        List<PlanVersion> plans = new ArrayList<>();
        for (Object o : new ArrayList<>(harness.getOutput())) {
            @SuppressWarnings("unchecked")
            byte[] bytes = ((StreamRecord<byte[]>) o).getValue();
            PlanVersion p = PlanCodec.decode(bytes);
            plans.add(p);
            if (seenOnTopic.stream().noneMatch(s -> s.version() == p.version())) {
                seenOnTopic.add(p);
                harness.processElement2(new StreamRecord<>(bytes));
            }
        }
        return plans;
    }

    private static long[] hot(int... hotExperts) {
        long[] d = new long[EXPERTS];
        java.util.Arrays.fill(d, 10);
        for (int e : hotExperts) {
            d[e] = 1_000;
        }
        return d;
    }

    @Test
    void shouldNeverThrowOnAWindowItCannotPlan() throws Exception {
        // One session per slot cannot hold the experts: the planner refuses every window.
        open(0, 1);
        window(0, hot(0, 2, 4));
        window(1, hot(1, 3, 5));
        harness.setProcessingTime(10 * WINDOW);

        assertThat(published()).isEmpty();
    }

    @Test
    void shouldPublishAPlanThatSpreadsExpertsStuckOnOneSlot() throws Exception {
        open(1);
        window(0, hot(0, 2, 4));
        List<PlanVersion> plans = published();
        assertThat(plans).hasSize(1);
        PlanVersion p = plans.get(0);
        assertThat(p.version()).isEqualTo(1);
        assertThat(p.predictedImbalance()).isLessThan(1.15);
        assertThat(Placement.roundRobin(EXPERTS, SLOTS).imbalance(toLoad(hot(0, 2, 4))))
                .isGreaterThan(p.stage(0).imbalance(toLoad(hot(0, 2, 4))));
    }

    @Test
    void shouldAnswerADriftInTheFirstWindowAfterTheCooldown() throws Exception {
        open(0);
        window(0, hot(0, 2, 4));
        assertThat(published()).hasSize(1);
        // With no cooldown, the very next window may publish again.
        window(1, hot(1, 3, 5));
        assertThat(published()).hasSize(2);
    }

    @Test
    void shouldWaitExactlyTheCooldownWindows() throws Exception {
        open(1);
        window(0, hot(0, 2, 4));
        assertThat(published()).hasSize(1);
        window(1, hot(1, 3, 5));
        assertThat(published()).as("window 1 is in the cooldown of one window").hasSize(1);
        window(2, hot(1, 3, 5));
        assertThat(published()).as("window 2 is past the cooldown").hasSize(2);
    }

    @Test
    void shouldKeepAPinnedExpertWhereTheOperatorPutItWhileItPlansTheRest() throws Exception {
        open(0);
        window(0, hot(0, 2, 4));
        PlanVersion first = published().get(0);
        // An operator pins expert 0 to slot 1 alone (as `polyroute plan pin` does): version + 1, pinned flag.
        Placement pinnedPlacement = replace(first.stage(0), 0, ExpertReplicas.single(1));
        PlanVersion manual = PlanVersion.builder()
                .version(first.version() + 1)
                .reason("pinned by hand")
                .stage(pinnedPlacement)
                .pinned(0, Set.of(0))
                .build();
        harness.processElement2(new StreamRecord<>(PlanCodec.encode(manual)));
        seenOnTopic.add(manual);
        // Load moves so that a free planner would want expert 0 elsewhere or replicated.
        window(1, hot(0, 1, 3, 5));
        window(2, hot(0, 6, 7));
        List<PlanVersion> plans = published();
        assertThat(plans).hasSizeGreaterThan(1);
        PlanVersion last = plans.get(plans.size() - 1);
        assertThat(last.version()).isGreaterThan(manual.version());
        assertThat(last.pinnedExperts(0)).containsExactly(0);
        assertThat(last.stage(0).replicas(0)).isEqualTo(ExpertReplicas.single(1));
    }

    @Test
    void shouldReissueAManualPlanThatLostTheRaceForItsVersion() throws Exception {
        open(0);
        window(0, hot(0, 2, 4));
        // Plan 1 of the rebalancer is still uncommitted when an operator, who read plan 0, pins expert 5 as plan 1.
        @SuppressWarnings("unchecked")
        byte[] own = ((StreamRecord<byte[]>) harness.getOutput().peek()).getValue();
        PlanVersion manual = PlanVersion.builder()
                .version(1)
                .reason("pinned by hand")
                .stage(replace(Placement.roundRobin(EXPERTS, SLOTS), 5, ExpertReplicas.single(0)))
                .pinned(0, Set.of(5))
                .build();
        harness.processElement2(new StreamRecord<>(PlanCodec.encode(manual)));
        harness.processElement2(new StreamRecord<>(own));
        seenOnTopic.add(PlanCodec.decode(own));
        window(1, hot(0, 2, 4));
        List<PlanVersion> plans = published();
        assertThat(plans).hasSize(2);
        PlanVersion reissued = plans.get(1);
        assertThat(reissued.version()).isEqualTo(2);
        assertThat(reissued.pinnedExperts(0)).containsExactly(5);
        assertThat(reissued.stage(0).replicas(5)).isEqualTo(ExpertReplicas.single(0));
        assertThat(reissued.reason()).startsWith("re-issued: pinned by hand");
    }

    private static final PlanOrigin JOB = new PlanOrigin("line-1", "factory-moe", "1");
    /** The version rolled out: six experts instead of eight. */
    private static final int V2_EXPERTS = 6;

    /** A GATE report of version 2 of the bundle (no EXPERT reports: EXPERT counts the job's own bundle). */
    private void versionWindow(int index, long[] demand) throws Exception {
        long start = index * WINDOW;
        LoadReport gate = LoadReport.empty(LoadReport.GATE, 0, 0, V2_EXPERTS, start, start + WINDOW, 0);
        gate.records = demand.clone();
        gate.bundleName = "factory-moe";
        gate.bundleVersion = "2";
        harness.processElement1(new StreamRecord<>(gate));
    }

    private static long[] hotV2(int... hotExperts) {
        long[] d = new long[V2_EXPERTS];
        java.util.Arrays.fill(d, 10);
        for (int e : hotExperts) {
            d[e] = 1_000;
        }
        return d;
    }

    /** The plans published so far, as records (with their origin). */
    private List<PlacementPlan> publishedRecords() {
        List<PlacementPlan> out = new ArrayList<>();
        for (Object o : new ArrayList<>(harness.getOutput())) {
            @SuppressWarnings("unchecked")
            byte[] bytes = ((StreamRecord<byte[]>) o).getValue();
            out.add(PlanCodec.decodeAvro(bytes));
        }
        return out;
    }

    @Test
    void shouldPlanAnotherVersionWithAnotherExpertCountOnItsOwnFromItsRoundRobinPlacement() throws Exception {
        open(0, -1, JOB, null);
        window(0, new long[] {10, 10, 10, 10, 10, 10, 10, 10});
        // Version 2's hot experts 0, 2 and 4 all sit on slot 0 of its round-robin placement.
        versionWindow(0, hotV2(0, 2, 4));
        harness.setProcessingTime(WINDOW + WINDOW / 2);

        List<PlacementPlan> plans = publishedRecords();
        assertThat(plans).as("only version 2 is skewed").hasSize(1);
        PlacementPlan v2 = plans.get(0);
        assertThat(v2.getBundleName()).isEqualTo("factory-moe");
        assertThat(v2.getBundleVersion()).isEqualTo("2");
        assertThat(v2.getJobName()).isEqualTo("line-1");
        PlanVersion p = PlanCodec.fromAvro(v2);
        assertThat(p.version()).as("the first plan of version 2").isEqualTo(1);
        assertThat(p.stage(0).experts()).isEqualTo(V2_EXPERTS);
        assertThat(p.stage(0).imbalance(toLoad(hotV2(0, 2, 4))))
                .isLessThan(Placement.roundRobin(V2_EXPERTS, SLOTS).imbalance(toLoad(hotV2(0, 2, 4))));

        // The job's own bundle plans on its own: its first plan is its version 1 too.
        window(1, hot(0, 2, 4));
        plans = publishedRecords();
        assertThat(plans).hasSize(2);
        assertThat(plans.get(1).getBundleVersion()).isEqualTo("1");
        assertThat(PlanCodec.fromAvro(plans.get(1)).version()).isEqualTo(1);
        assertThat(PlanCodec.fromAvro(plans.get(1)).stage(0).experts()).isEqualTo(EXPERTS);
    }

    @Test
    void shouldRestoreThePlanOfEveryVersionFromACheckpoint() throws Exception {
        open(0, -1, JOB, null);
        versionWindow(0, hotV2(0, 2, 4));
        harness.setProcessingTime(WINDOW + WINDOW / 2);
        assertThat(publishedRecords()).hasSize(1);
        OperatorSubtaskState snapshot = harness.snapshot(1, WINDOW + WINDOW / 2);
        harness.close();

        open(0, -1, JOB, snapshot);
        harness.setProcessingTime(2 * WINDOW);
        versionWindow(3, hotV2(1, 3, 5));
        harness.setProcessingTime(4 * WINDOW + WINDOW / 2);

        List<PlacementPlan> plans = publishedRecords();
        assertThat(plans).hasSize(1);
        assertThat(plans.get(0).getBundleVersion()).isEqualTo("2");
        assertThat(PlanCodec.fromAvro(plans.get(0)).version())
                .as("version 2's plans continue after the restored plan 1")
                .isEqualTo(2);
    }

    @Test
    void shouldAdoptAPlanOfAnotherVersionFromThePlansTopicWithoutTouchingTheOwnBundles() throws Exception {
        open(0, -1, JOB, null);
        PlanVersion pinned = PlanVersion.builder()
                .version(7)
                .reason("pinned by hand")
                .stage(Placement.roundRobin(V2_EXPERTS, SLOTS))
                .build();
        harness.processElement2(
                new StreamRecord<>(PlanCodec.encode(pinned, new PlanOrigin("line-1", "factory-moe", "2"))));
        versionWindow(0, hotV2(0, 2, 4));
        window(0, hot(0, 2, 4));
        harness.setProcessingTime(WINDOW + WINDOW / 2);

        List<PlacementPlan> plans = publishedRecords();
        assertThat(plans).hasSize(2);
        assertThat(plans)
                .extracting(pl -> pl.getBundleVersion() + "@" + pl.getVersion())
                .containsExactlyInAnyOrder("2@8", "1@1");
    }

    private static Placement replace(Placement p, int expert, ExpertReplicas replicas) {
        List<ExpertReplicas> r = new ArrayList<>();
        for (int e = 0; e < p.experts(); e++) {
            r.add(e == expert ? replicas : p.replicas(e));
        }
        return Placement.of(p.slots(), r);
    }

    private static double[] toLoad(long[] demand) {
        double[] l = new double[demand.length];
        for (int e = 0; e < l.length; e++) {
            l[e] = demand[e];
        }
        return l;
    }
}
