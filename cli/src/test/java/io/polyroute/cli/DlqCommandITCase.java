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

import io.polyroute.avro.DeadLetter;
import io.polyroute.avro.DeadLetterReason;
import io.polyroute.schemas.AvroCodec;
import io.polyroute.schemas.AvroEncoding;
import io.polyroute.testing.KafkaBrokerExtension;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code polyroute dlq tail|replay} against an in-process broker: tail prints only committed dead
 * letters, decoded and filtered; replay re-publishes the original key and value bytes of the chosen
 * reasons, written since a point in time, to the input topic.
 */
@Timeout(180)
class DlqCommandITCase {
    private static final Duration READ = Duration.ofSeconds(30);
    private static final AvroCodec<DeadLetter> CODEC = AvroCodec.of(DeadLetter.class, AvroEncoding.SINGLE_OBJECT);

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    private String dlq;
    private String input;

    @BeforeEach
    void topics() {
        dlq = KAFKA.createRandomTopic("dlq", 2);
        input = KAFKA.createRandomTopic("sensors", 2);
    }

    private BundleCommandsTest.Result dlqCommand(String... args) {
        List<String> all = new ArrayList<>(List.of("dlq"));
        all.addAll(List.of(args));
        all.addAll(List.of(
                "--set", "kafka.bootstrap-servers=" + KAFKA.bootstrapServers(),
                "--set", "topics.dlq=" + dlq,
                "--set", "topics.input=" + input,
                "--set", "topics.encoding=single-object"));
        return BundleCommandsTest.run(all.toArray(String[]::new));
    }

    private static DeadLetter letter(String id, DeadLetterReason reason, byte[] value) {
        return DeadLetter.newBuilder()
                .setKey(ByteBuffer.wrap(("key-" + id).getBytes(StandardCharsets.UTF_8)))
                .setValue(ByteBuffer.wrap(value))
                .setTopic("sensors")
                .setPartition(1)
                .setOffset(40)
                .setReason(reason)
                .setMessage("Refused " + id + ".")
                .setEventId(id)
                .setTime(Instant.now())
                .build();
    }

    private static byte[] value(String id) {
        return ("original bytes of " + id).getBytes(StandardCharsets.UTF_8);
    }

    /** Two days old MODEL_ERROR first, then three recent MODEL_ERRORs, two UNDECODABLEs and one aborted. */
    private void writeDeadLetters() {
        long old = Instant.now().minus(Duration.ofDays(2)).toEpochMilli();
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        records.add(new ProducerRecord<>(
                dlq, 0, old, null, CODEC.encode(letter("old-1", DeadLetterReason.MODEL_ERROR, value("old-1")))));
        for (String id : List.of("m-1", "m-2", "m-3")) {
            records.add(new ProducerRecord<>(
                    dlq, id.hashCode() & 1, null, CODEC.encode(letter(id, DeadLetterReason.MODEL_ERROR, value(id)))));
        }
        for (String id : List.of("u-1", "u-2")) {
            records.add(new ProducerRecord<>(
                    dlq, 1, null, CODEC.encode(letter(id, DeadLetterReason.UNDECODABLE, value(id)))));
        }
        KAFKA.produce(records);
        Properties p = KAFKA.clientProperties();
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "dlq-test-" + dlq);
        try (KafkaProducer<byte[], byte[]> tx =
                new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            tx.initTransactions();
            tx.beginTransaction();
            tx.send(new ProducerRecord<>(
                    dlq, 0, null, CODEC.encode(letter("aborted-1", DeadLetterReason.MODEL_ERROR, value("aborted-1")))));
            tx.flush();
            tx.abortTransaction();
        }
    }

    @Test
    void shouldPrintEveryCommittedDeadLetterDecodedAndFilterByReason() {
        writeDeadLetters();

        BundleCommandsTest.Result all = dlqCommand("tail");
        BundleCommandsTest.Result undecodable = dlqCommand("tail", "--reason", "UNDECODABLE");

        assertThat(all.code()).as(all.err()).isZero();
        assertThat(all.out().lines()).hasSize(6);
        assertThat(all.out())
                .contains(
                        "event_id=old-1", "event_id=m-2", "event_id=u-2", "MODEL_ERROR", "sensors-1@40", "Refused m-3.")
                .doesNotContain("aborted-1");
        assertThat(undecodable.out().lines())
                .hasSize(2)
                .allSatisfy(line -> assertThat(line).contains("UNDECODABLE"));
    }

    @Test
    void shouldReplayTheOriginalBytesOfTheChosenReasonSinceTheGivenTime() {
        writeDeadLetters();

        BundleCommandsTest.Result replay = dlqCommand("replay", "--reason", "MODEL_ERROR", "--since", "1h");

        assertThat(replay.code()).as(replay.err()).isZero();
        assertThat(replay.out()).contains("replayed 3 dead letters");
        List<ConsumerRecord<byte[], byte[]>> replayed = KAFKA.awaitRecords(input, 3, READ);
        assertThat(replayed)
                .extracting(r -> new String(r.value(), StandardCharsets.UTF_8))
                .containsExactlyInAnyOrder("original bytes of m-1", "original bytes of m-2", "original bytes of m-3");
        assertThat(replayed)
                .extracting(r -> new String(r.key(), StandardCharsets.UTF_8))
                .containsExactlyInAnyOrder("key-m-1", "key-m-2", "key-m-3");
    }

    @Test
    void shouldRefuseToReplayIntoTheDeadLetterTopicItself() {
        BundleCommandsTest.Result loop = dlqCommand("replay", "--reason", "MODEL_ERROR", "--to", dlq);

        assertThat(loop.code()).isEqualTo(2);
        assertThat(loop.err()).contains("would loop");
    }
}
