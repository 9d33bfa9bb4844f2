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
package io.polyroute.job.rollout;

import io.polyroute.job.model.TaggedBytes;
import io.polyroute.kafka.RolloutTopics;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The records of the rollouts topic as the job's rollouts source passes them on: each value
 * prefixed by a byte that says whether it is a command or a vote (from {@link
 * RolloutTopics#RECORD_HEADER}; a record without the header is a command).
 */
public final class RolloutMessages {
    /** A {@code RolloutCommand}. */
    public static final byte COMMAND = 'C';
    /** A {@code RolloutVote}. */
    public static final byte VOTE = 'V';

    private RolloutMessages() {}

    /** {@code command} tagged as a command. */
    public static byte[] command(byte[] command) {
        return tag(COMMAND, command);
    }

    /** {@code vote} tagged as a vote. */
    public static byte[] vote(byte[] vote) {
        return tag(VOTE, vote);
    }

    private static byte[] tag(byte kind, byte[] body) {
        return TaggedBytes.tag(kind, body);
    }

    static byte kind(byte[] message) {
        return TaggedBytes.kind(message);
    }

    static byte[] body(byte[] message) {
        return TaggedBytes.body(message);
    }

    /** The rollouts source's deserializer: every record's value, tagged by its kind; a record without value is skipped. */
    public static final class Deserializer implements KafkaRecordDeserializationSchema<byte[]> {
        private static final long serialVersionUID = 1L;

        @Override
        public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<byte[]> out) {
            if (record.value() == null) {
                return;
            }
            out.collect(RolloutTopics.isVote(record.headers()) ? vote(record.value()) : command(record.value()));
        }

        @Override
        public TypeInformation<byte[]> getProducedType() {
            return PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO;
        }
    }
}
