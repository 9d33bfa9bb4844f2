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
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.polyroute.avro.DeadLetterReason;
import io.polyroute.job.model.ExpertResult;
import io.polyroute.job.model.InFlight;
import io.polyroute.job.model.RecordHeader;
import io.polyroute.job.model.Rejected;
import io.polyroute.runtime.onnx.Device;
import io.polyroute.runtime.onnx.RuntimeOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * COMBINE's timeout through Flink's keyed two-input harness on the {@code bundles/tiny} manifest
 * (one stage of 2 experts, top-1, output width 4): a record still incomplete {@code
 * combine.timeout} after it was read becomes one {@code INCOMPLETE} dead letter and leaves no
 * state, a complete one is combined and its timer removed, and a later record with the same event
 * id is never mixed with an expired one.
 */
@Timeout(60)
class CombineFunctionTest {
    private static final long TIMEOUT = 10_000;
    private static final int WIDTH = 4;

    private KeyedTwoInputStreamOperatorTestHarness<String, ExpertResult, RecordHeader, InFlight> harness;

    @BeforeEach
    void open() throws Exception {
        Path bundle =
                Path.of(CombineFunctionTest.class.getResource("/bundles/tiny").toURI());
        StageOpener opener = new StageOpener(
                bundle.toString(), RuntimeOptions.builder().device(Device.CPU).build());
        harness = new KeyedTwoInputStreamOperatorTestHarness<>(
                new KeyedCoProcessOperator<>(new CombineFunction(opener, 0, Duration.ofMillis(TIMEOUT))),
                ExpertResult::eventId,
                RecordHeader::eventId,
                Types.STRING);
        harness.setProcessingTime(0);
        harness.open();
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    @Test
    void shouldDeadLetterARecordStillIncompleteWhenItsTimeoutCountedFromReadingEnds() throws Exception {
        harness.setProcessingTime(5_000);
        InFlight rec = record("a", 1_000);
        harness.processElement2(new StreamRecord<>(header(rec, 1)));

        harness.setProcessingTime(1_000 + TIMEOUT - 1);
        assertThat(deadLetters()).isEmpty();
        assertThat(harness.numKeyedStateEntries()).isEqualTo(1);

        harness.setProcessingTime(1_000 + TIMEOUT);
        assertThat(deadLetters()).singleElement().satisfies(r -> {
            assertThat(r.reason).isEqualTo(DeadLetterReason.INCOMPLETE.name());
            assertThat(r.eventId).isEqualTo("a");
            assertThat(r.value).isEqualTo(rec.rawValue);
            assertThat(r.message).contains("received 0 of 1 expert results").contains("combine.timeout");
        });
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numProcessingTimeTimers()).isZero();
        assertThat(harness.extractOutputValues()).isEmpty();
    }

    @Test
    void shouldCombineACompleteRecordAndRemoveItsTimer() throws Exception {
        InFlight rec = record("a", 0);
        harness.processElement1(new StreamRecord<>(result("a", 1, 2f)));
        harness.processElement2(new StreamRecord<>(header(rec, 1)));

        assertThat(harness.extractOutputValues()).singleElement().satisfies(r -> {
            assertThat(r.eventId).isEqualTo("a");
            assertThat(r.previous).containsExactly(2f, 2f, 2f, 2f);
        });
        assertThat(harness.numProcessingTimeTimers()).isZero();
        harness.setProcessingTime(10 * TIMEOUT);
        assertThat(deadLetters()).isEmpty();
    }

    @Test
    void shouldDeadLetterResultsWhoseHeaderNeverCameByEventId() throws Exception {
        harness.processElement1(new StreamRecord<>(result("lost", 0, 1f)));

        harness.setProcessingTime(TIMEOUT);

        assertThat(deadLetters()).singleElement().satisfies(r -> {
            assertThat(r.reason).isEqualTo(DeadLetterReason.INCOMPLETE.name());
            assertThat(r.eventId).isEqualTo("lost");
            assertThat(r.value).isNull();
            assertThat(r.message).contains("no header");
        });
        assertThat(harness.numKeyedStateEntries()).isZero();
    }

    @Test
    void shouldNeverMixALaterRecordWithTheSameIdIntoAnExpiredOne() throws Exception {
        // The first record's expert result arrives, its header never does.
        harness.processElement1(new StreamRecord<>(result("dup", 1, 7f)));
        harness.setProcessingTime(TIMEOUT);

        InFlight second = record("dup", TIMEOUT);
        harness.processElement2(new StreamRecord<>(header(second, 1)));
        assertThat(harness.extractOutputValues()).isEmpty();
        harness.processElement1(new StreamRecord<>(result("dup", 1, 3f)));

        assertThat(deadLetters()).singleElement().satisfies(r -> {
            assertThat(r.reason).isEqualTo(DeadLetterReason.INCOMPLETE.name());
            assertThat(r.value).isNull();
        });
        assertThat(harness.extractOutputValues()).singleElement().satisfies(r -> {
            assertThat(r.rawValue).isEqualTo(second.rawValue);
            assertThat(r.previous).containsExactly(3f, 3f, 3f, 3f);
        });
    }

    @Test
    void shouldRefuseATimeoutThatIsNotPositive() throws Exception {
        StageOpener opener = new StageOpener("unused", RuntimeOptions.builder().build());
        assertThatThrownBy(() -> new CombineFunction(opener, 0, Duration.ZERO)).hasMessageContaining("combine.timeout");
    }

    private List<Rejected> deadLetters() {
        List<Rejected> out = new ArrayList<>();
        var side = harness.getSideOutput(DeadLetters.TAG);
        if (side != null) {
            side.forEach(r -> out.add(r.getValue()));
        }
        return out;
    }

    private static ExpertResult result(String eventId, int expert, float value) {
        float[] y = new float[WIDTH];
        java.util.Arrays.fill(y, value);
        return new ExpertResult(eventId, 0, expert, 0, y, null);
    }

    /** The header of {@code rec} routed top-1 to {@code expert} with weight 1. */
    private static RecordHeader header(InFlight rec, int expert) {
        return new RecordHeader(
                rec.eventId, 0, rec, 1, 1, new int[] {expert}, new float[] {1f}, new int[] {0}, 1, null, 0);
    }

    private static InFlight record(String eventId, long readTime) {
        InFlight r = new InFlight();
        r.eventId = eventId;
        r.sourceId = "machine-1";
        r.features = new float[] {1f, 2f, 3f, 4f};
        r.readTime = readTime;
        r.rawKey = eventId.getBytes(StandardCharsets.UTF_8);
        r.rawValue = (eventId + "@" + readTime).getBytes(StandardCharsets.UTF_8);
        r.topic = "sensors";
        return r;
    }
}
