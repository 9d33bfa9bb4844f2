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
package io.polyroute.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.polyroute.avro.ExpertLoad;
import io.polyroute.job.control.LoadReport;
import io.polyroute.job.io.LoadReportSerializer;
import io.polyroute.kafka.ControlTopics;
import io.polyroute.runtime.placement.ExpertReplicas;
import io.polyroute.runtime.placement.Placement;
import io.polyroute.runtime.placement.PlanVersion;
import io.polyroute.schemas.AvroCodec;
import io.polyroute.schemas.AvroEncoding;
import io.polyroute.testing.KafkaBrokerExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code polyroute plan show|pin|unpin} against an in-process broker: pin publishes the newest plan
 * with one expert replaced and pinned under the next version, unpin clears the pins and keeps the
 * placement, show prints the plan, the latest loads and the observed imbalance.
 */
@Timeout(180)
class PlanCommandITCase {
    private static final Duration READ = Duration.ofSeconds(30);

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    private String plans;
    private String load;

    private BundleCommandsTest.Result plan(String... args) {
        List<String> all = new ArrayList<>(List.of("plan"));
        all.addAll(List.of(args));
        all.addAll(List.of(
                "--bootstrap-servers",
                KAFKA.bootstrapServers(),
                "--topic",
                plans,
                "--load-topic",
                load,
                "--set",
                "kafka.properties.client.id=plan-command-test"));
        return BundleCommandsTest.run(all.toArray(String[]::new));
    }

    private void topics() {
        plans = KAFKA.createRandomTopic("plans", 1);
        load = KAFKA.createRandomTopic("load", 1);
    }

    /** A plan as the rebalancer would publish it: version 3, expert 0 split over slots 0 and 1. */
    private void publishRebalancerPlan() {
        List<ExpertReplicas> r = new ArrayList<>();
        for (int e = 0; e < 6; e++) {
            r.add(ExpertReplicas.single(e % 3));
        }
        r.set(0, ExpertReplicas.of(new int[] {0, 1}, new double[] {0.6, 0.4}));
        PlanVersion p = PlanVersion.builder()
                .version(3)
                .timestampMillis(System.currentTimeMillis())
                .reason("imbalance 1.80 -> 1.02 (expert 0 hot)")
                .stage(Placement.of(3, r))
                .predictedImbalance(1.02)
                .build();
        ControlTopics.publish(KAFKA.clientProperties(), plans, p, READ);
    }

    /** One window of load: a GATE report and one EXPERT report per slot, slot 2 twice as busy. */
    private void publishLoad() {
        AvroCodec<ExpertLoad> codec = AvroCodec.of(ExpertLoad.class, AvroEncoding.BINARY);
        List<byte[]> values = new ArrayList<>();
        LoadReport gate = LoadReport.empty(LoadReport.GATE, 0, 0, 6, 10_000, 11_000, 3);
        gate.records = new long[] {100, 10, 40, 10, 10, 10};
        values.add(codec.encode(LoadReportSerializer.toAvro(gate)));
        for (int slot = 0; slot < 3; slot++) {
            LoadReport ex = LoadReport.empty(LoadReport.EXPERT, slot, 0, 6, 10_000, 11_000, 3);
            for (int e = 0; e < 6; e++) {
                if (e % 3 == slot) {
                    ex.records[e] = gate.records[e];
                    ex.serviceNanos[e] = (slot == 2 ? 2_000_000L : 1_000_000L);
                }
            }
            values.add(codec.encode(LoadReportSerializer.toAvro(ex)));
        }
        KAFKA.produceValues(load, values);
    }

    private PlanVersion latest() {
        return ControlTopics.latestPlan(KAFKA.clientProperties(), plans, READ).orElseThrow();
    }

    @Test
    void shouldPinAnExpertUnderTheNextVersionAndUnpinItKeepingThePlacement() {
        topics();
        publishRebalancerPlan();
        publishLoad();

        BundleCommandsTest.Result pin =
                plan("pin", "--stage", "0", "--expert", "3", "--slots", "1,2", "--shares", "0.25,0.75");
        assertThat(pin.code()).as(pin.err()).isZero();
        assertThat(pin.out()).contains("published plan 4 to " + plans).contains("pinned");
        PlanVersion pinned = latest();
        assertThat(pinned.version()).isEqualTo(4);
        assertThat(pinned.pinnedExperts(0)).containsExactly(3);
        assertThat(pinned.stage(0).replicas(3))
                .isEqualTo(ExpertReplicas.of(new int[] {1, 2}, new double[] {0.25, 0.75}));
        assertThat(pinned.stage(0).replicas(0).slots())
                .as("the rest of the plan is kept")
                .containsExactly(0, 1);
        // Avro 1.12.0 reads array<double> through float (its PrimitivesArrays.DoubleArray): shares keep ~7 digits.
        assertThat(pinned.stage(0).replicas(0).shares()).containsExactly(new double[] {0.6, 0.4}, within(1e-6));
        assertThat(pinned.reason()).startsWith("pinned by hand: stage 0 expert 3 on slots [1, 2]");
        assertThat(pinned.sessionsMoved()).isEqualTo(2);

        BundleCommandsTest.Result second = plan("pin", "--expert", "5", "--slots", "0");
        assertThat(second.code()).as(second.err()).isZero();
        assertThat(latest().pinnedExperts(0)).containsExactly(3, 5);

        BundleCommandsTest.Result unpin = plan("unpin", "--stage", "0", "--expert", "3");
        assertThat(unpin.code()).as(unpin.err()).isZero();
        PlanVersion one = latest();
        assertThat(one.version()).isEqualTo(6);
        assertThat(one.pinnedExperts(0)).containsExactly(5);
        assertThat(one.stage(0).replicas(3))
                .as("unpinning moves nothing")
                .isEqualTo(pinned.stage(0).replicas(3));

        assertThat(plan("unpin").code()).isZero();
        PlanVersion free = latest();
        assertThat(free.version()).isEqualTo(7);
        assertThat(free.pinned()).isFalse();
        assertThat(free.stages()).isEqualTo(one.stages());
    }

    @Test
    void shouldShowThePlanTheLatestLoadsAndTheObservedImbalance() {
        topics();
        publishRebalancerPlan();
        publishLoad();
        BundleCommandsTest.Result show = plan("show");
        assertThat(show.code()).as(show.err()).isZero();
        assertThat(show.out())
                .contains("plan 3,")
                .contains("reason: imbalance 1.80 -> 1.02 (expert 0 hot)")
                .containsPattern("\\n\\s+0\\s+0:0\\.600 1:0\\.400")
                .contains("latest load: window")
                .contains("3 of 3 slots reported")
                // slot service: 1 ms, 1 ms, 2 ms per expert over two experts each -> 2, 2, 4 ms; mean 2.667
                .contains("observed imbalance 1.500");
    }

    @Test
    void shouldRefuseAPinOutsideThePlanNamingTheOption() {
        topics();
        publishRebalancerPlan();
        BundleCommandsTest.Result bad = plan("pin", "--expert", "3", "--slots", "1,7");
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains("--slots must lie between 0 and 2").contains("names 7");
        BundleCommandsTest.Result shares = plan("pin", "--expert", "3", "--slots", "1,2", "--shares", "0.5,0.6");
        assertThat(shares.code()).isEqualTo(2);
        assertThat(shares.err()).contains("--slots/--shares");
        BundleCommandsTest.Result set = plan("show", "--set", "job.slots=4");
        assertThat(set.code()).isEqualTo(2);
        assertThat(set.err()).contains("kafka.properties.");
        assertThat(latest().version()).as("nothing was published").isEqualTo(3);
    }

    @Test
    void shouldPinOnTheStaticPlacementWhenNoPlanWasPublishedYet() {
        topics();
        publishLoad();
        assertThat(plan("pin", "--expert", "1", "--slots", "2").code()).isZero();
        PlanVersion p = latest();
        assertThat(p.version()).isEqualTo(1);
        assertThat(p.stage(0).slots()).isEqualTo(3);
        assertThat(p.stage(0).replicas(1)).isEqualTo(ExpertReplicas.single(2));
        assertThat(p.stage(0).replicas(0)).isEqualTo(ExpertReplicas.single(0));
        assertThat(p.pinnedExperts(0)).isEqualTo(Set.of(1));
    }
}
