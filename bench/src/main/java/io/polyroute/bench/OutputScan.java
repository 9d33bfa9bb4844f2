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
package io.polyroute.bench;

import io.polyroute.avro.Prediction;
import io.polyroute.avro.SensorReading;
import io.polyroute.schemas.AvroCodec;
import io.polyroute.schemas.AvroEncoding;
import io.polyroute.schemas.RecordDecodeException;
import java.time.Duration;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads one system's whole output topic after its run, as a downstream {@code read_committed}
 * consumer would, and accounts for it: records, distinct event ids, duplicates, the first and last
 * output time (the throughput window), and every sampled record checked against the reference.
 */
final class OutputScan {
    /** What the output topic holds. */
    enum Kind {
        /** Avro predictions; output time = {@code processed_time}. */
        PREDICTION,
        /** Copies of the input readings; output time = the record timestamp set when copied. */
        COPY
    }

    /**
     * The account of one output topic.
     *
     * @param records output records read
     * @param distinct distinct input records answered
     * @param duplicates records beyond the first for an event id
     * @param foreign records that are not answers to this input
     * @param firstMillis earliest output time
     * @param lastMillis latest output time
     * @param windowStartMillis output time of the answer at the 5th percentile of output times
     * @param windowEndMillis output time of the answer at the 95th percentile
     * @param windowRecords answers between the two
     * @param checked sampled records compared with the reference
     * @param maxError largest relative error among them
     * @param mismatches sampled records above the tolerance
     */
    record Stats(
            long records,
            long distinct,
            long duplicates,
            long foreign,
            long firstMillis,
            long lastMillis,
            long windowStartMillis,
            long windowEndMillis,
            long windowRecords,
            long checked,
            double maxError,
            long mismatches) {
        /**
         * Answers per second over the central 90% of output times: start-up ramps (fetch, JIT,
         * the first batches) and the drain at the end do not count, for every system alike.
         */
        double throughput() {
            long span = windowEndMillis - windowStartMillis;
            return span <= 0 || windowRecords < 2 ? 0 : windowRecords * 1000.0 / span;
        }
    }

    private OutputScan() {}

    static Stats read(Properties client, String topic, BenchInput input, Kind kind, double tolerance) {
        AvroCodec<Prediction> predictions = AvroCodec.of(Prediction.class, AvroEncoding.BINARY);
        AvroCodec<SensorReading> readings = AvroCodec.of(SensorReading.class, AvroEncoding.BINARY);
        BitSet seen = new BitSet();
        long[] times = new long[(int) Math.min(input.count(), Integer.MAX_VALUE - 8)];
        long records = 0;
        long duplicates = 0;
        long foreign = 0;
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        long checked = 0;
        long mismatches = 0;
        double maxError = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProps(client))) {
            List<TopicPartition> parts = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            Map<TopicPartition, Long> end = consumer.endOffsets(parts);
            long idle = System.currentTimeMillis();
            while (!reachedEnd(consumer, end)) {
                var batch = consumer.poll(Duration.ofMillis(200));
                if (batch.isEmpty() && System.currentTimeMillis() - idle > 30_000) {
                    throw new IllegalStateException(
                            "Reading " + topic + " stalled before its end offsets " + end + ".");
                }
                for (ConsumerRecord<byte[], byte[]> r : batch) {
                    idle = System.currentTimeMillis();
                    records++;
                    String id;
                    long time;
                    float[] values;
                    try {
                        if (kind == Kind.PREDICTION) {
                            Prediction p = predictions.decode(r.value());
                            id = p.getEventId();
                            time = p.getProcessedTime().toEpochMilli();
                            values = toArray(p.getOutput());
                        } else {
                            SensorReading s = readings.decode(r.value());
                            id = s.getEventId();
                            time = r.timestamp();
                            values = toArray(s.getFeatures());
                        }
                    } catch (RecordDecodeException e) {
                        foreign++;
                        continue;
                    }
                    long seq = input.sequenceOf(id);
                    if (seq < 0 || seq >= input.count()) {
                        foreign++;
                        continue;
                    }
                    if (seen.get((int) seq)) {
                        duplicates++;
                        continue;
                    }
                    seen.set((int) seq);
                    times[(int) seq] = time;
                    first = Math.min(first, time);
                    last = Math.max(last, time);
                    if (input.sampled(seq)) {
                        double err = kind == Kind.PREDICTION
                                ? input.errorOf(seq, values)
                                : copyError(input.sampleFeatures(seq), values);
                        checked++;
                        maxError = Math.max(maxError, err);
                        if (!(err <= tolerance)) {
                            mismatches++;
                        }
                    }
                }
            }
        }
        long distinct = seen.cardinality();
        long[] answered = new long[(int) distinct];
        int a = 0;
        for (int i = seen.nextSetBit(0); i >= 0; i = seen.nextSetBit(i + 1)) {
            answered[a++] = times[i];
        }
        Arrays.sort(answered);
        int lo = (int) (distinct * 0.05);
        int hi = (int) Math.max(lo, Math.min(distinct - 1, Math.round(distinct * 0.95)));
        return new Stats(
                records,
                distinct,
                duplicates,
                foreign,
                distinct == 0 ? 0 : first,
                distinct == 0 ? 0 : last,
                distinct == 0 ? 0 : answered[lo],
                distinct == 0 ? 0 : answered[hi],
                hi - lo,
                checked,
                maxError,
                mismatches);
    }

    private static boolean reachedEnd(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    private static double copyError(float[] want, float[] got) {
        if (got.length != want.length) {
            return Double.POSITIVE_INFINITY;
        }
        for (int i = 0; i < want.length; i++) {
            if (Float.floatToIntBits(want[i]) != Float.floatToIntBits(got[i])) {
                return Double.POSITIVE_INFINITY;
            }
        }
        return 0;
    }

    private static float[] toArray(List<Float> values) {
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i);
        }
        return out;
    }

    static Properties consumerProps(Properties client) {
        Properties p = new Properties();
        p.putAll(client);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-scan-" + UUID.randomUUID());
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000");
        return p;
    }
}
