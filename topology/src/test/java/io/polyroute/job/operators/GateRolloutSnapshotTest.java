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
package io.polyroute.job.operators;

import static org.assertj.core.api.Assertions.assertThat;

import io.polyroute.avro.RolloutCommand;
import io.polyroute.avro.RolloutKind;
import io.polyroute.avro.RolloutMode;
import io.polyroute.avro.RolloutPhase;
import io.polyroute.avro.RolloutStatus;
import io.polyroute.job.control.LoadReport;
import io.polyroute.job.control.PlanCodec;
import io.polyroute.job.control.PlanOrigin;
import io.polyroute.job.model.ExpertTask;
import io.polyroute.job.model.InFlight;
import io.polyroute.job.model.RecordHeader;
import io.polyroute.job.rollout.CanaryHash;
import io.polyroute.job.rollout.ChecksumsDigest;
import io.polyroute.job.rollout.KeyedBytes;
import io.polyroute.job.rollout.RolloutMessages;
import io.polyroute.job.rollout.RolloutOutputs;
import io.polyroute.job.rollout.RolloutSettings;
import io.polyroute.kit.synthetic.SyntheticBundleBuilder;
import io.polyroute.runtime.bundle.ModelBundle;
import io.polyroute.runtime.onnx.RuntimeOptions;
import io.polyroute.runtime.placement.ExpertReplicas;
import io.polyroute.runtime.placement.Placement;
import io.polyroute.runtime.placement.PlanVersion;
import io.polyroute.schemas.AvroCodec;
import io.polyroute.schemas.AvroEncoding;
import io.polyroute.testing.Poll;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.TwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The first stage's GATE of an expert-parallel job with rollouts, through Flink's operator test
 * harness: a snapshot taken in the middle of a rollout (a live canary; a switch whose load may or
 * may not have finished) restores to the same version for every record, every record is stamped
 * with its version and routed over that version's experts, and a live shadow sends every record
 * on as served and once more as a copy stamped with the shadow version.
 */
@Timeout(120)
class GateRolloutSnapshotTest {
    private static final String JOB = "gate-rollouts";
    private static final int DIM = 12;
    private static final int SLOTS = 3;
    private static final AtomicLong CHECKPOINT = new AtomicLong();

    @TempDir
    static Path dir;

    private static ModelBundle v1;
    private static ModelBundle v2;

    @BeforeAll
    static void buildVersions() throws Exception {
        v1 = SyntheticBundleBuilder.create()
                .name("g")
                .version("1")
                .inputDim(DIM)
                .experts(6)
                .topK(2)
                .seed(21)
                .build(dir.resolve("g-1"));
        v2 = SyntheticBundleBuilder.create()
                .name("g")
                .version("2")
                .inputDim(DIM)
                .experts(4)
                .topK(1)
                .seed(22)
                .build(dir.resolve("g-2"));
    }

    @Test
    void shouldRestoreALiveCanaryToTheSameVersionOfEveryRecord() throws Exception {
        double share = 0.4;
        OperatorSubtaskState snapshot;
        Map<String, String> afterSnapshot;
        try (var before = harness()) {
            before.open();
            before.processElement2(command(RolloutKind.START, RolloutMode.CANARY, share), 0L);
            awaitState(before, RolloutPhase.ACTIVE);
            Map<String, String> live = serve(before, "k", 200);
            for (Map.Entry<String, String> e : live.entrySet()) {
                assertThat(e.getValue())
                        .as("version of %s", e.getKey())
                        .isEqualTo(CanaryHash.inCanary(e.getKey(), share) ? "2" : "1");
            }
            assertThat(live).containsValues("1", "2");
            snapshot = before.snapshot(CHECKPOINT.incrementAndGet(), 0L);
            afterSnapshot = serve(before, "m", 200);
        }
        try (var after = harness()) {
            after.initializeState(snapshot);
            after.open();
            assertThat(serve(after, "m", 200)).isEqualTo(afterSnapshot);
        }
    }

    @Test
    void shouldRestoreASwitchTakenWhileLoadingOrJustActiveToTheSameVersions() throws Exception {
        OperatorSubtaskState snapshot;
        Map<String, String> afterSnapshot;
        try (var before = harness()) {
            before.open();
            assertThat(serve(before, "a", 50)).containsOnlyKeys(ids("a", 50)).containsValues("1");
            before.processElement2(command(RolloutKind.START, RolloutMode.SWITCH, 0), 0L);
            // The load runs on its own thread: the snapshot holds LOADING or, if it finished
            // in time, the switch; either way the restored GATE must choose what this one does.
            snapshot = before.snapshot(CHECKPOINT.incrementAndGet(), 0L);
            afterSnapshot = serve(before, "b", 100);
            awaitState(before, RolloutPhase.ACTIVE);
            assertThat(serve(before, "c", 100).values()).containsOnly("2");
        }
        try (var after = harness()) {
            after.initializeState(snapshot);
            after.open();
            assertThat(serve(after, "b", 100)).isEqualTo(afterSnapshot);
            awaitState(after, RolloutPhase.ACTIVE);
            assertThat(serve(after, "c", 100).values()).containsOnly("2");
            // Tasks of version 2 name it, with the path, and address its 4 experts over the slots.
            assertThat(after.extractOutputValues())
                    .filteredOn(t -> t.eventId().startsWith("c-"))
                    .hasSize(100)
                    .allSatisfy(t -> {
                        assertThat(t.model()).isEqualTo("g:2");
                        assertThat(t.modelPath()).isEqualTo(v2.root().toString());
                        assertThat(t.expert()).isBetween(0, 3);
                        assertThat(t.slot()).isBetween(0, SLOTS - 1);
                    });
        }
    }

    @Test
    void shouldRouteTheNewVersionByItsOwnPlanCountItsLoadApartAndRestoreThePlan() throws Exception {
        // Version 2 (4 experts) placed entirely on slot 2; the job's own bundle keeps round-robin.
        List<ExpertReplicas> onSlot2 = new ArrayList<>();
        for (int e = 0; e < 4; e++) {
            onSlot2.add(ExpertReplicas.single(2));
        }
        PlanVersion v2Plan = PlanVersion.builder()
                .version(1)
                .reason("test")
                .stage(Placement.of(SLOTS, onSlot2))
                .build();
        OperatorSubtaskState snapshot;
        try (var before = harness()) {
            before.setProcessingTime(0);
            before.open();
            before.processElement2(command(RolloutKind.START, RolloutMode.SWITCH, 0), 0L);
            awaitState(before, RolloutPhase.ACTIVE);
            assertThat(serve(before, "r", 60).values()).containsOnly("2");
            assertThat(slotsOf(before, "r-"))
                    .as("v2's round-robin placement before its plan")
                    .contains(0, 1);
            before.processElement2(ControlInput.plan(PlanCodec.encode(v2Plan, new PlanOrigin(JOB, "g", "2"))), 0L);
            assertThat(serve(before, "p", 60).values()).containsOnly("2");
            assertThat(slotsOf(before, "p-")).containsOnly(2);
            before.setProcessingTime(3_600_000);
            List<LoadReport> reports = new ArrayList<>();
            before.getSideOutput(LoadReports.TAG).forEach(r -> reports.add(r.getValue()));
            LoadReport v2Load = reports.stream()
                    .filter(r -> "2".equals(r.bundleVersion))
                    .findFirst()
                    .orElseThrow();
            assertThat(v2Load.bundleName).isEqualTo("g");
            assertThat(v2Load.records).hasSize(4);
            assertThat(java.util.Arrays.stream(v2Load.records).sum())
                    .as("top-1 of 120 records")
                    .isEqualTo(120);
            assertThat(v2Load.planVersion).isEqualTo(1);
            snapshot = before.snapshot(CHECKPOINT.incrementAndGet(), 3_600_000);
        }
        try (var after = harness()) {
            after.initializeState(snapshot);
            after.open();
            assertThat(serve(after, "q", 60).values()).as("the restored switch").containsOnly("2");
            assertThat(slotsOf(after, "q-"))
                    .as("the restored plan of version 2")
                    .containsOnly(2);
        }
    }

    private static java.util.Set<Integer> slotsOf(
            TwoInputStreamOperatorTestHarness<InFlight, byte[], ExpertTask> h, String prefix) {
        java.util.Set<Integer> slots = new java.util.TreeSet<>();
        for (ExpertTask t : h.extractOutputValues()) {
            if (t.eventId().startsWith(prefix)) {
                slots.add(t.slot());
            }
        }
        return slots;
    }

    @Test
    void shouldServeEveryRecordAndSendAShadowCopyStampedWithTheShadowVersion() throws Exception {
        try (var gate = harness()) {
            gate.open();
            gate.processElement2(command(RolloutKind.START, RolloutMode.SHADOW, 0), 0L);
            awaitState(gate, RolloutPhase.ACTIVE);
            assertThat(serve(gate, "s", 20).values()).containsOnly("1");
            List<RecordHeader> headers =
                    sideOutput(gate).stream().map(StreamRecord::getValue).toList();
            // The served record is flagged as shadowed; its copy carries the marked id and version 2.
            assertThat(headers)
                    .filteredOn(h -> h.eventId().startsWith("s-"))
                    .hasSize(20)
                    .allSatisfy(
                            h -> assertThat(ShadowCopies.isShadowed(h.record())).isTrue());
            assertThat(headers)
                    .filteredOn(h -> ShadowCopies.isCopy(h.eventId()))
                    .hasSize(20)
                    .allSatisfy(h -> {
                        assertThat(ShadowCopies.key(h.eventId())).startsWith("s-");
                        assertThat(h.record().modelVersion).isEqualTo("2");
                        assertThat(h.record().modelPath).isEqualTo(v2.root().toString());
                        assertThat(ShadowCopies.isShadowed(h.record())).isFalse();
                    });
            assertThat(gate.extractOutputValues())
                    .filteredOn(t -> ShadowCopies.isCopy(t.eventId()))
                    .hasSize(20)
                    .allSatisfy(t -> {
                        assertThat(t.model()).isEqualTo("g:2");
                        assertThat(t.expert()).isBetween(0, 3);
                    });
        }
    }

    private static TwoInputStreamOperatorTestHarness<InFlight, byte[], ExpertTask> harness() throws Exception {
        GateOperator gate = new GateOperator(
                new StageOpener(v1.root().toString(), RuntimeOptions.builder().build()),
                GateSettings.builder()
                        .stageIndex(0)
                        .expertsPerStage(List.of(6))
                        .slots(SLOTS)
                        .activationDelayMillis(0)
                        .windowMillis(3_600_000)
                        .batchSize(10_000)
                        .maxDelayMillis(3_600_000)
                        .balancing(Balancing.off())
                        .build(),
                new RolloutSettings(JOB, AvroEncoding.BINARY, null));
        return new TwoInputStreamOperatorTestHarness<>(gate);
    }

    /**
     * Sends {@code n} records with ids {@code prefix-i}, flushes them at a barrier and returns the
     * version each header names ("1" for the job's own bundle), by id.
     */
    private static Map<String, String> serve(
            TwoInputStreamOperatorTestHarness<InFlight, byte[], ExpertTask> h, String prefix, int n) throws Exception {
        Random rnd = new Random(prefix.hashCode());
        for (String id : ids(prefix, n)) {
            InFlight r = new InFlight();
            r.eventId = id;
            r.sourceId = "m";
            r.features = new float[DIM];
            for (int j = 0; j < DIM; j++) {
                r.features[j] = (float) rnd.nextGaussian();
            }
            h.processElement1(r, 0L);
        }
        h.prepareSnapshotPreBarrier(CHECKPOINT.incrementAndGet());
        Map<String, String> out = new LinkedHashMap<>();
        for (StreamRecord<RecordHeader> rec : sideOutput(h)) {
            InFlight r = rec.getValue().record();
            if (r.eventId.startsWith(prefix + "-")) {
                out.put(r.eventId, r.modelVersion == null ? "1" : r.modelVersion);
            }
        }
        assertThat(out).hasSize(n);
        return out;
    }

    private static List<StreamRecord<RecordHeader>> sideOutput(
            TwoInputStreamOperatorTestHarness<InFlight, byte[], ExpertTask> h) {
        List<StreamRecord<RecordHeader>> out = new ArrayList<>();
        var q = h.getSideOutput(GateOperator.HEADERS);
        if (q != null) {
            q.forEach(out::add);
        }
        return out;
    }

    private static List<String> ids(String prefix, int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(prefix + "-" + i);
        }
        return out;
    }

    /** Barriers until the GATE reports {@code want}; the load runs on the GATE's loader thread. */
    private static void awaitState(TwoInputStreamOperatorTestHarness<InFlight, byte[], ExpertTask> h, RolloutPhase want)
            throws Exception {
        Poll.until(Duration.ofSeconds(60), "the GATE reports " + want, () -> {
            h.prepareSnapshotPreBarrier(CHECKPOINT.incrementAndGet());
            return statuses(h).stream().anyMatch(s -> s.getState() == want);
        });
    }

    private static List<RolloutStatus> statuses(TwoInputStreamOperatorTestHarness<InFlight, byte[], ExpertTask> h) {
        AvroCodec<RolloutStatus> codec = AvroCodec.of(RolloutStatus.class, AvroEncoding.BINARY);
        List<RolloutStatus> out = new ArrayList<>();
        var q = h.getSideOutput(RolloutOutputs.STATUS);
        if (q != null) {
            for (StreamRecord<KeyedBytes> r : q) {
                out.add(codec.decode(r.getValue().value));
            }
        }
        return out;
    }

    private static byte[] command(RolloutKind kind, RolloutMode mode, double share) {
        RolloutCommand c = RolloutCommand.newBuilder()
                .setJobName(JOB)
                .setCommandId(UUID.randomUUID().toString())
                .setKind(kind)
                .setMode(mode)
                .setShare(share)
                .setBundlePath(v2.root().toString())
                .setBundleName(v2.name())
                .setBundleVersion(v2.version())
                .setChecksumsDigest(ChecksumsDigest.of(v2.manifest().checksums()))
                .setIssuedTime(Instant.now())
                .build();
        return ControlInput.rollout(RolloutMessages.command(
                AvroCodec.of(RolloutCommand.class, AvroEncoding.BINARY).encode(c)));
    }
}
