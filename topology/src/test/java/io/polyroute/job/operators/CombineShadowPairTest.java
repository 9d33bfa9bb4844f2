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

import io.polyroute.avro.ShadowPair;
import io.polyroute.job.model.ExpertResult;
import io.polyroute.job.model.InFlight;
import io.polyroute.job.model.RecordHeader;
import io.polyroute.job.rollout.KeyedBytes;
import io.polyroute.job.rollout.RolloutOutputs;
import io.polyroute.runtime.onnx.Device;
import io.polyroute.runtime.onnx.RuntimeOptions;
import io.polyroute.schemas.AvroCodec;
import io.polyroute.schemas.AvroEncoding;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The last stage's COMBINE during a shadow (docs/rollouts.md), through Flink's keyed two-input
 * harness on the {@code bundles/tiny} manifest (one stage of 2 experts, top-1, output width 4): a
 * record and its shadow copy meet under one key, the record's prediction is written as without a
 * shadow, and one pair once both finished, also when a checkpoint and a restore fall between the
 * two; a copy that never finishes leaves no dead letter and no state.
 */
@Timeout(60)
class CombineShadowPairTest {
    private static final long TIMEOUT = 10_000;
    private static final int WIDTH = 4;
    private static final String ID = "m-1";

    @Test
    void shouldWriteThePredictionAndOnePairWhenBothFinished() throws Exception {
        try (var h = harness()) {
            h.open();
            served(h, 1, 2f);
            assertThat(h.extractOutputValues()).singleElement().satisfies(r -> {
                assertThat(r.eventId).isEqualTo(ID);
                assertThat(r.flags).isEmpty();
                assertThat(r.modelName).isNull();
                assertThat(r.previous).containsExactly(2f, 2f, 2f, 2f);
            });
            assertThat(pairs(h)).isEmpty();
            copy(h, 0, 5f);
            assertThat(h.extractOutputValues()).hasSize(1);
            assertThat(pairs(h)).singleElement().satisfies(p -> {
                assertThat(p.getEventId().toString()).isEqualTo(ID);
                assertThat(p.getServed().getBundleVersion().toString()).isEqualTo("1");
                assertThat(p.getShadow().getBundleVersion().toString()).isEqualTo("2");
                assertThat(p.getServed().getOutput()).containsExactly(2f, 2f, 2f, 2f);
                assertThat(p.getShadow().getOutput()).containsExactly(5f, 5f, 5f, 5f);
                assertThat(p.getServed().getExperts()).containsExactly(1);
                assertThat(p.getShadow().getExperts()).containsExactly(0);
                assertThat(p.getSameRouting()).isFalse();
                assertThat(p.getMaxAbsDifference()).isEqualTo(3.0);
            });
            assertThat(h.numKeyedStateEntries()).isZero();
            assertThat(h.numProcessingTimeTimers()).isZero();
        }
    }

    @Test
    void shouldPairOnceWhenACheckpointAndRestoreFallBetweenTheTwo() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness()) {
            h.open();
            // The copy finishes first; the record's header is still on its way at the checkpoint.
            copy(h, 0, 5f);
            h.processElement1(new StreamRecord<>(result(ID, 1, 2f)));
            snapshot = h.snapshot(1, 0);
        }
        try (var h = harness()) {
            h.initializeState(snapshot);
            h.open();
            h.processElement2(new StreamRecord<>(header(record(ID), 1)));
            assertThat(h.extractOutputValues())
                    .singleElement()
                    .satisfies(r -> assertThat(r.flags).isEmpty());
            assertThat(pairs(h)).singleElement().satisfies(p -> {
                assertThat(p.getServed().getOutput()).containsExactly(2f, 2f, 2f, 2f);
                assertThat(p.getShadow().getOutput()).containsExactly(5f, 5f, 5f, 5f);
            });
            assertThat(h.numKeyedStateEntries()).isZero();
        }
    }

    @Test
    void shouldDropACopyThatNeverFinishesWithoutADeadLetterOrState() throws Exception {
        try (var h = harness()) {
            h.open();
            // The record and its copy wait for one deadline; the record finishing must not take the
            // copy's timer with it.
            InFlight copy = shadowCopy(record(ID));
            h.processElement2(new StreamRecord<>(header(copy, 0)));
            h.processElement1(new StreamRecord<>(result(ID, 1, 2f)));
            h.setProcessingTime(5);
            h.processElement2(new StreamRecord<>(header(record(ID), 1)));
            assertThat(h.extractOutputValues()).hasSize(1);

            h.setProcessingTime(TIMEOUT);
            // The copy is gone at its own deadline; the finished record waits for it until its own.
            assertThat(h.numKeyedStateEntries())
                    .as("the waiting record and its deadline")
                    .isEqualTo(2);
            h.setProcessingTime(TIMEOUT + 5);
            assertThat(pairs(h)).isEmpty();
            assertThat(h.getSideOutput(DeadLetters.TAG)).isNullOrEmpty();
            assertThat(h.numKeyedStateEntries()).isZero();
            assertThat(h.numProcessingTimeTimers()).isZero();
        }
    }

    private static KeyedTwoInputStreamOperatorTestHarness<String, ExpertResult, RecordHeader, InFlight> harness()
            throws Exception {
        StageOpener opener = new StageOpener(
                bundle(), RuntimeOptions.builder().device(Device.CPU).build());
        var h = new KeyedTwoInputStreamOperatorTestHarness<>(
                new KeyedCoProcessOperator<>(
                        new CombineFunction(opener, 0, Duration.ofMillis(TIMEOUT), AvroEncoding.BINARY)),
                (ExpertResult r) -> ShadowCopies.key(r.eventId()),
                (RecordHeader r) -> ShadowCopies.key(r.eventId()),
                Types.STRING);
        h.setProcessingTime(0);
        return h;
    }

    private static String bundle() throws Exception {
        return Path.of(CombineShadowPairTest.class.getResource("/bundles/tiny").toURI())
                .toString();
    }

    /** The served record of {@link #ID}, routed to {@code expert}, whose result is {@code value}s. */
    private static void served(
            KeyedTwoInputStreamOperatorTestHarness<String, ExpertResult, RecordHeader, InFlight> h,
            int expert,
            float value)
            throws Exception {
        h.processElement1(new StreamRecord<>(result(ID, expert, value)));
        h.processElement2(new StreamRecord<>(header(record(ID), expert)));
    }

    /** The shadow copy of {@link #ID}, stamped with tiny:2. */
    private static void copy(
            KeyedTwoInputStreamOperatorTestHarness<String, ExpertResult, RecordHeader, InFlight> h,
            int expert,
            float value)
            throws Exception {
        InFlight copy = shadowCopy(record(ID));
        h.processElement1(new StreamRecord<>(result(copy.eventId, expert, value)));
        h.processElement2(new StreamRecord<>(header(copy, expert)));
    }

    private static InFlight shadowCopy(InFlight rec) throws Exception {
        InFlight copy = ShadowCopies.copyOf(rec);
        ShadowCopies.unflag(copy);
        copy.modelName = "tiny";
        copy.modelVersion = "2";
        copy.modelPath = bundle();
        return copy;
    }

    private static List<ShadowPair> pairs(
            KeyedTwoInputStreamOperatorTestHarness<String, ExpertResult, RecordHeader, InFlight> h) {
        AvroCodec<ShadowPair> codec = AvroCodec.of(ShadowPair.class, AvroEncoding.BINARY);
        List<ShadowPair> out = new ArrayList<>();
        var side = h.getSideOutput(RolloutOutputs.SHADOW);
        if (side != null) {
            for (StreamRecord<KeyedBytes> r : side) {
                assertThat(new String(r.getValue().key, StandardCharsets.UTF_8)).isEqualTo(ID);
                out.add(codec.decode(r.getValue().value));
            }
        }
        return out;
    }

    private static ExpertResult result(String eventId, int expert, float value) {
        float[] y = new float[WIDTH];
        Arrays.fill(y, value);
        return new ExpertResult(eventId, 0, expert, 0, y, null);
    }

    /** The header of {@code rec} routed top-1 to {@code expert} with weight 1. */
    private static RecordHeader header(InFlight rec, int expert) {
        return new RecordHeader(
                rec.eventId, 0, rec, 1, 1, new int[] {expert}, new float[] {1f}, new int[] {0}, 1, null, 0);
    }

    /** A served record of a shadow: flagged as having a copy, as the first stage's GATE leaves it. */
    private static InFlight record(String eventId) {
        InFlight r = new InFlight();
        r.eventId = eventId;
        r.sourceId = "machine-1";
        r.features = new float[] {1f, 2f, 3f, 4f};
        r.rawValue = eventId.getBytes(StandardCharsets.UTF_8);
        r.topic = "sensors";
        r.addFlag(ShadowCopies.SHADOWED);
        return r;
    }
}
