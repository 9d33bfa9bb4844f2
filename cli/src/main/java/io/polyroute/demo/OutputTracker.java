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
package io.polyroute.demo;

import io.polyroute.avro.DeadLetter;
import io.polyroute.avro.ExpertChoice;
import io.polyroute.avro.Prediction;
import io.polyroute.schemas.AvroCodec;
import io.polyroute.schemas.AvroEncoding;
import io.polyroute.schemas.RecordDecodeException;
import java.time.Duration;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads the committed predictions and dead letters (read_committed, as downstream consumers see
 * them) and accounts for every record the simulator sent: answered once, dead-lettered, duplicated
 * or missing. Keeps latency histograms and per-slot counts for the status line.
 */
public final class OutputTracker implements Runnable {
    private final SensorSimulator simulator;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String predictionsTopic;
    private final String dlqTopic;
    private final boolean keepOutputs;
    private final AvroCodec<Prediction> predictions = AvroCodec.of(Prediction.class, AvroEncoding.BINARY);
    private final AvroCodec<DeadLetter> deadLetters = AvroCodec.of(DeadLetter.class, AvroEncoding.BINARY);

    private final BitSet predicted = new BitSet();
    private final BitSet rejected = new BitSet();
    private final AtomicLong predictionCount = new AtomicLong();
    private final AtomicLong deadLetterCount = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();
    private final AtomicLong foreign = new AtomicLong();
    private final Recorder sinkLatency = new Recorder(3);
    private final Recorder visibleLatency = new Recorder(3);
    private final Histogram sinkTotal = new Histogram(3);
    private final Histogram visibleTotal = new Histogram(3);
    private final Map<Integer, AtomicLong> perSlot = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> byReason = new ConcurrentHashMap<>();
    private final Map<Long, Prediction> outputs = new HashMap<>();
    /** Predictions per serving version ({@code name:version}), in order of first appearance. */
    private final Map<String, AtomicLong> perVersion = new java.util.concurrent.ConcurrentSkipListMap<>();
    /** Earliest processed_time per version, for the switch time of a rollout. */
    private final Map<String, Long> firstProcessed = new ConcurrentHashMap<>();

    private final java.util.Set<String> shadowIds = ConcurrentHashMap.newKeySet();
    private final AtomicLong shadowPairs = new AtomicLong();
    private final AtomicLong shadowAgreeing = new AtomicLong();
    private volatile String shadowTopic;
    private volatile boolean running = true;

    public OutputTracker(
            Properties clientProps,
            String predictionsTopic,
            String dlqTopic,
            SensorSimulator simulator,
            boolean keepOutputs) {
        Properties p = new Properties();
        p.putAll(clientProps);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "polyroute-demo-tracker-" + System.nanoTime());
        this.consumer = new KafkaConsumer<>(p);
        this.consumer.subscribe(List.of(predictionsTopic, dlqTopic));
        this.predictionsTopic = predictionsTopic;
        this.dlqTopic = dlqTopic;
        this.simulator = simulator;
        this.keepOutputs = keepOutputs;
    }

    @Override
    public void run() {
        try {
            while (running) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    if (r.topic().equals(predictionsTopic)) {
                        onPrediction(r);
                    } else if (r.topic().equals(shadowTopic)) {
                        onShadowPair(r);
                    } else {
                        onDeadLetter(r);
                    }
                }
            }
        } finally {
            consumer.close();
        }
    }

    private void onPrediction(ConsumerRecord<byte[], byte[]> r) {
        Prediction p;
        try {
            p = predictions.decode(r.value());
        } catch (RecordDecodeException e) {
            foreign.incrementAndGet();
            return;
        }
        long seq = simulator.sequenceOf(p.getEventId());
        if (seq < 0) {
            foreign.incrementAndGet();
            return;
        }
        long now = System.currentTimeMillis();
        synchronized (this) {
            if (predicted.get((int) seq) || rejected.get((int) seq)) {
                duplicates.incrementAndGet();
            }
            predicted.set((int) seq);
            long sink = Math.max(0, (long) p.getLatencyMs());
            long visible = Math.max(0, now - p.getEventTime().toEpochMilli());
            sinkLatency.recordValue(sink);
            visibleLatency.recordValue(visible);
            sinkTotal.recordValue(sink);
            visibleTotal.recordValue(visible);
            if (keepOutputs) {
                outputs.put(seq, p);
            }
        }
        predictionCount.incrementAndGet();
        String version = p.getModel().getName() + ":" + p.getModel().getVersion();
        perVersion.computeIfAbsent(version, k -> new AtomicLong()).incrementAndGet();
        firstProcessed.merge(version, p.getProcessedTime().toEpochMilli(), Math::min);
        for (ExpertChoice c : p.getExperts()) {
            perSlot.computeIfAbsent(c.getSlot(), k -> new AtomicLong()).incrementAndGet();
        }
    }

    private void onDeadLetter(ConsumerRecord<byte[], byte[]> r) {
        DeadLetter d;
        try {
            d = deadLetters.decode(r.value());
        } catch (RecordDecodeException e) {
            foreign.incrementAndGet();
            return;
        }
        byReason.computeIfAbsent(d.getReason().name(), k -> new AtomicLong()).incrementAndGet();
        deadLetterCount.incrementAndGet();
        long seq = -1;
        if (d.getEventId() != null) {
            seq = simulator.sequenceOf(d.getEventId());
        } else if (d.getValue() != null) {
            seq = sequenceInUndecodable(d);
        }
        if (seq < 0) {
            foreign.incrementAndGet();
            return;
        }
        synchronized (this) {
            if (predicted.get((int) seq) || rejected.get((int) seq)) {
                duplicates.incrementAndGet();
            }
            rejected.set((int) seq);
        }
    }

    /** The simulator's undecodable records carry their id in plain text. */
    private long sequenceInUndecodable(DeadLetter d) {
        byte[] b = new byte[d.getValue().remaining()];
        d.getValue().duplicate().get(b);
        String s = new String(b, java.nio.charset.StandardCharsets.UTF_8);
        int at = s.indexOf("sim-");
        return at < 0 ? -1 : simulator.sequenceOf(s.substring(at).trim());
    }

    private void onShadowPair(ConsumerRecord<byte[], byte[]> r) {
        io.polyroute.avro.ShadowPair pair;
        try {
            pair = AvroCodec.of(io.polyroute.avro.ShadowPair.class, AvroEncoding.BINARY)
                    .decode(r.value());
        } catch (RecordDecodeException e) {
            foreign.incrementAndGet();
            return;
        }
        shadowPairs.incrementAndGet();
        if (!shadowIds.add(pair.getEventId().toString())) {
            duplicateShadowPairs.incrementAndGet();
        }
        if (pair.getSameRouting()) {
            shadowAgreeing.incrementAndGet();
        }
    }

    private final AtomicLong duplicateShadowPairs = new AtomicLong();

    /** Also reads the shadow pairs of {@code topic} (call before {@link #run}). */
    public OutputTracker withShadowTopic(String topic) {
        this.shadowTopic = topic;
        consumer.subscribe(List.of(predictionsTopic, dlqTopic, topic));
        return this;
    }

    /** Predictions per serving version, {@code name:version} → count. */
    public Map<String, Long> perVersion() {
        Map<String, Long> out = new java.util.LinkedHashMap<>();
        perVersion.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    /** The earliest processed_time of a prediction by {@code version}, or -1. */
    public long firstProcessed(String version) {
        return firstProcessed.getOrDefault(version, -1L);
    }

    /** Shadow pairs read, those whose two versions routed alike, and pairs of an event id seen before. */
    public long[] shadow() {
        return new long[] {shadowPairs.get(), shadowAgreeing.get(), duplicateShadowPairs.get()};
    }

    public void stop() {
        running = false;
    }

    public long predictions() {
        return predictionCount.get();
    }

    public long deadLetters() {
        return deadLetterCount.get();
    }

    public long duplicates() {
        return duplicates.get();
    }

    /** Records among the first {@code sent} that were neither predicted nor dead-lettered. */
    public synchronized long missing(long sent) {
        BitSet answered = (BitSet) predicted.clone();
        answered.or(rejected);
        return sent - answered.get(0, (int) sent).cardinality();
    }

    /** Latency since the last call, event time to sink and to a read_committed consumer, ms. */
    public synchronized long[] intervalLatency() {
        Histogram s = sinkLatency.getIntervalHistogram();
        Histogram v = visibleLatency.getIntervalHistogram();
        return new long[] {
            s.getValueAtPercentile(50),
            s.getValueAtPercentile(99),
            v.getValueAtPercentile(50),
            v.getValueAtPercentile(99)
        };
    }

    public synchronized Histogram totalSinkLatency() {
        return sinkTotal.copy();
    }

    public synchronized Histogram totalVisibleLatency() {
        return visibleTotal.copy();
    }

    public Map<Integer, Long> perSlot() {
        Map<Integer, Long> out = new TreeMap<>();
        perSlot.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    public Map<String, Long> deadLettersByReason() {
        Map<String, Long> out = new TreeMap<>();
        byReason.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    /** Predictions by sequence number (kept only when verifying). */
    public synchronized Map<Long, Prediction> outputs() {
        return new HashMap<>(outputs);
    }

    public long foreignRecords() {
        return foreign.get();
    }
}
