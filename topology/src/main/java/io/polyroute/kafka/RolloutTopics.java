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
package io.polyroute.kafka;

import io.polyroute.avro.RolloutCommand;
import io.polyroute.avro.RolloutStatus;
import io.polyroute.schemas.AvroCodec;
import io.polyroute.schemas.AvroEncoding;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads and writes a job's rollout topics from outside the job (the {@code rollout} commands, the
 * demo): commands on {@code rollout.topic} (where the job's votes also are, marked by {@link
 * #RECORD_HEADER}), status records on {@code rollout.status-topic}.
 */
public final class RolloutTopics {
    private static final Logger LOG = LoggerFactory.getLogger(RolloutTopics.class);

    /**
     * The Kafka record header that marks a {@code RolloutVote} on the rollouts topic (value {@link
     * #VOTE}); a record without it is a {@code RolloutCommand}, as every record written before votes.
     */
    public static final String RECORD_HEADER = "polyroute.record";

    /** The value of {@link #RECORD_HEADER} on a vote. */
    public static final String VOTE = "RolloutVote";

    private RolloutTopics() {}

    /** Whether {@code headers} mark a vote rather than a command. */
    public static boolean isVote(Headers headers) {
        Header h = headers == null ? null : headers.lastHeader(RECORD_HEADER);
        return h != null && h.value() != null && VOTE.equals(new String(h.value(), StandardCharsets.UTF_8));
    }

    /** Publishes {@code command} to partition 0 of {@code topic}, keyed by the job name; waits for the acknowledgement. */
    public static void publish(
            Properties client, String topic, RolloutCommand command, AvroEncoding encoding, Duration timeout) {
        Properties p = new Properties();
        p.putAll(client);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(timeout.toMillis()));
        byte[] key = command.getJobName().toString().getBytes(StandardCharsets.UTF_8);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
            producer.send(new ProducerRecord<>(
                            topic, 0, command.getIssuedTime().toEpochMilli(), key, AvroCodec.encode(command, encoding)))
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException(
                    "Could not publish rollout command " + command.getCommandId() + " to " + topic + ": "
                            + e.getCause().getMessage(),
                    e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException(
                    "Publishing rollout command " + command.getCommandId() + " to " + topic
                            + " was not acknowledged within " + timeout.toMillis() + " ms.",
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while publishing to " + topic + ".", e);
        }
    }

    /** Every command on {@code topic} for {@code job}, in topic order; records that do not decode are skipped. */
    public static List<RolloutCommand> readCommands(
            Properties client, String topic, String job, AvroEncoding encoding, Duration timeout) {
        AvroCodec<RolloutCommand> codec = AvroCodec.of(RolloutCommand.class, encoding);
        List<RolloutCommand> out = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : ControlTopics.read(client, topic, -1, timeout)) {
            if (isVote(r.headers())) {
                continue;
            }
            try {
                RolloutCommand c = codec.decode(r.value());
                if (c.getJobName().toString().equals(job)) {
                    out.add(c);
                }
            } catch (RuntimeException e) {
                LOG.warn("Skipped the record at {}-{}@{}: no valid RolloutCommand", topic, r.partition(), r.offset());
            }
        }
        return out;
    }

    /** Every status record on {@code topic} for {@code job}, in topic order per partition. */
    public static List<RolloutStatus> readStatuses(
            Properties client, String topic, String job, AvroEncoding encoding, Duration timeout) {
        AvroCodec<RolloutStatus> codec = AvroCodec.of(RolloutStatus.class, encoding);
        List<RolloutStatus> out = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : ControlTopics.read(client, topic, -1, timeout)) {
            try {
                RolloutStatus s = codec.decode(r.value());
                if (s.getJobName().toString().equals(job)) {
                    out.add(s);
                }
            } catch (RuntimeException e) {
                LOG.warn("Skipped the record at {}-{}@{}: no valid RolloutStatus", topic, r.partition(), r.offset());
            }
        }
        return out;
    }
}
