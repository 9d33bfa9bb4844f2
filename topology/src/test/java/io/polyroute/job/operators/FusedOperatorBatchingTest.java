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

import io.polyroute.job.model.InFlight;
import io.polyroute.runtime.onnx.Device;
import io.polyroute.runtime.onnx.RuntimeOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * FUSED's micro-batches through Flink's operator harness on the real {@code bundles/tiny} bundle:
 * a batch flushes before the checkpoint barrier and at its deadline (harness processing time), and
 * a job restored from a snapshot predicts what an uninterrupted one predicts.
 */
@Timeout(60)
class FusedOperatorBatchingTest {
    private static final int BATCH = 4;
    private static final long DELAY = 100;
    private static final long T0 = 1_000;

    private static OneInputStreamOperatorTestHarness<InFlight, InFlight> harness() throws Exception {
        Path bundle = Path.of(
                FusedOperatorBatchingTest.class.getResource("/bundles/tiny").toURI());
        StageOpener opener = new StageOpener(
                bundle.toString(), RuntimeOptions.builder().device(Device.CPU).build());
        FusedSettings settings = FusedSettings.builder()
                .deviceCount(0)
                .batchSize(BATCH)
                .maxDelayMillis(DELAY)
                .windowMillis(60_000)
                .build();
        var h = new OneInputStreamOperatorTestHarness<>(new FusedOperator(opener, settings));
        h.setProcessingTime(T0);
        return h;
    }

    @Test
    void shouldFlushBeforeTheBarrierAndAtTheDeadline() throws Exception {
        try (var h = harness()) {
            h.open();
            send(h, 0, 2);
            assertThat(h.extractOutputValues()).isEmpty();
            h.prepareSnapshotPreBarrier(1L);
            assertThat(ids(h)).containsExactly("r0", "r1");

            h.setProcessingTime(T0 + 10);
            send(h, 2, 3);
            h.setProcessingTime(T0 + 10 + DELAY - 1);
            assertThat(h.extractOutputValues()).hasSize(2);
            h.setProcessingTime(T0 + 10 + DELAY);
            assertThat(ids(h)).containsExactly("r0", "r1", "r2");
        }
    }

    @Test
    void shouldPredictAfterARestoreWhatAnUninterruptedRunPredicts() throws Exception {
        List<InFlight> uninterrupted;
        try (var h = harness()) {
            h.open();
            send(h, 0, 6);
            h.prepareSnapshotPreBarrier(1L);
            send(h, 6, 10);
            uninterrupted = h.extractOutputValues();
        }

        List<InFlight> resumed = new ArrayList<>();
        OperatorSubtaskState snapshot;
        try (var before = harness()) {
            before.open();
            send(before, 0, 6);
            before.prepareSnapshotPreBarrier(1L);
            snapshot = before.snapshot(1L, T0);
            resumed.addAll(before.extractOutputValues());
        }
        try (var after = harness()) {
            after.initializeState(snapshot);
            after.open();
            send(after, 6, 10);
            resumed.addAll(after.extractOutputValues());
        }

        assertThat(uninterrupted).hasSize(10);
        assertThat(resumed).extracting(r -> r.eventId).containsExactlyElementsOf(eventIds(uninterrupted));
        for (int i = 0; i < uninterrupted.size(); i++) {
            assertThat(resumed.get(i).previous).containsExactly(uninterrupted.get(i).previous);
        }
    }

    private static void send(OneInputStreamOperatorTestHarness<InFlight, InFlight> h, int from, int to)
            throws Exception {
        for (int i = from; i < to; i++) {
            h.processElement(new StreamRecord<>(record("r" + i, i)));
        }
    }

    private static List<String> ids(OneInputStreamOperatorTestHarness<InFlight, InFlight> h) {
        return eventIds(h.extractOutputValues());
    }

    private static List<String> eventIds(List<InFlight> records) {
        return records.stream().map(r -> r.eventId).toList();
    }

    private static InFlight record(String eventId, int seed) {
        InFlight r = new InFlight();
        r.eventId = eventId;
        r.sourceId = "machine-1";
        r.features = new float[4];
        for (int i = 0; i < r.features.length; i++) {
            r.features[i] = 0.25f * (i + 1) + 0.1f * seed;
        }
        r.rawKey = eventId.getBytes(StandardCharsets.UTF_8);
        r.rawValue = eventId.getBytes(StandardCharsets.UTF_8);
        r.topic = "sensors";
        return r;
    }
}
