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
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * End-to-end latency of one system at a fixed offered load. A paced producer sends readings whose
 * event time is their send time; a {@code read_committed} consumer of the output records two
 * latencies per record: <b>to the sink</b> (event time → the system handed the prediction to its
 * Kafka producer: {@code processed_time}, or the copy's timestamp) and <b>visible</b> (event time
 * → a downstream {@code read_committed} consumer received it; for the transactional Polyroute
 * sink this includes waiting for the checkpoint that commits it).
 *
 * <p>The producer trickles until the first output appears (so start-up builds no backlog), then
 * runs at the offered rate for a warm-up and the measured window; only records sent in the
 * measured window count.
 */
final class LatencyPass {
    /** Records per second sent while waiting for the system's first output. */
    private static final double TRICKLE_RATE = 20;

    /**
     * Latency figures of one system.
     *
     * @param offeredRate records per second asked for
     * @param achievedRate records per second sent in the measured window
     * @param measured records sent in the window
     * @param answered of them, records seen in the output
     */
    record Result(
            double offeredRate,
            double achievedRate,
            long measured,
            long answered,
            double sinkP50,
            double sinkP99,
            double sinkMax,
            double visibleP50,
            double visibleP99,
            double visibleMax) {}

    private LatencyPass() {}

    static Result run(
            BenchContext ctx,
            BenchSystem system,
            String in,
            String out,
            double rate,
            double warmupSeconds,
            double measureSeconds)
            throws Exception {
        int capacity = (int) Math.min(
                Integer.MAX_VALUE - 8, rate * (warmupSeconds + measureSeconds + 5) + TRICKLE_RATE * 600 + 1024);
        String prefix = "L" + Long.toString(System.nanoTime() % 1_000_000, 36);
        Tracker tracker = new Tracker(ctx.clientProperties(), out, system.outputKind(), prefix, capacity);
        Pacer pacer = new Pacer(
                ctx.clientProperties(), in, prefix, capacity, ctx.bundle().inputDim());
        BenchSystem.Running running = system.start(ctx, in, out, 0);
        Thread trackerThread = new Thread(tracker, "bench-latency-tracker");
        Thread pacerThread = new Thread(pacer, "bench-latency-pacer");
        trackerThread.start();
        pacerThread.start();
        try {
            long deadline = System.currentTimeMillis() + 180_000;
            while (tracker.answered.get() == 0) {
                pacer.check();
                tracker.check();
                if (System.currentTimeMillis() > deadline) {
                    throw new IllegalStateException(system.name() + " produced no output within 180 s.");
                }
                Thread.sleep(20);
            }
            pacer.rate(rate);
            Thread.sleep((long) (warmupSeconds * 1000));
            long from = pacer.next.get();
            long t0 = System.nanoTime();
            Thread.sleep((long) (measureSeconds * 1000));
            long to = pacer.next.get();
            double window = (System.nanoTime() - t0) / 1e9;
            pacer.stop();
            pacerThread.join(30_000);
            pacer.check();
            long waitUntil = System.currentTimeMillis() + 60_000;
            while (tracker.answeredIn(from, to) < to - from && System.currentTimeMillis() < waitUntil) {
                tracker.check();
                Thread.sleep(50);
            }
            return tracker.result(from, to, rate, (to - from) / window);
        } finally {
            pacer.stop();
            running.stop();
            tracker.stop();
            trackerThread.join(30_000);
        }
    }

    /** Sends readings at a settable rate; event time = send time. */
    private static final class Pacer implements Runnable {
        private final KafkaProducer<byte[], byte[]> producer;
        private final String topic;
        private final String prefix;
        private final int capacity;
        private final int dim;
        private final AvroCodec<SensorReading> codec = AvroCodec.of(SensorReading.class, AvroEncoding.BINARY);
        final AtomicLong next = new AtomicLong();
        private final AtomicReference<Throwable> failure = new AtomicReference<>();
        private volatile double rate = TRICKLE_RATE;
        private volatile boolean running = true;

        Pacer(Properties client, String topic, String prefix, int capacity, int dim) {
            Properties p = BenchInput.producerProps(client);
            p.put(ProducerConfig.LINGER_MS_CONFIG, "1");
            this.producer = new KafkaProducer<>(p);
            this.topic = topic;
            this.prefix = prefix;
            this.capacity = capacity;
            this.dim = dim;
        }

        void rate(double r) {
            rate = r;
        }

        @Override
        public void run() {
            try {
                double current = rate;
                long start = System.nanoTime();
                long base = 0;
                while (running && next.get() < capacity) {
                    if (rate != current) {
                        current = rate;
                        start = System.nanoTime();
                        base = next.get();
                    }
                    long due = base + (long) ((System.nanoTime() - start) / 1e9 * current);
                    while (next.get() < due && next.get() < capacity) {
                        long seq = next.getAndIncrement();
                        String id = prefix + "-" + seq;
                        producer.send(
                                new ProducerRecord<>(
                                        topic,
                                        id.getBytes(StandardCharsets.UTF_8),
                                        BenchInput.encode(
                                                codec,
                                                id,
                                                BenchInput.features(Workload.SEED, seq, dim),
                                                System.currentTimeMillis())),
                                (md, e) -> {
                                    if (e != null) {
                                        failure.compareAndSet(null, e);
                                    }
                                });
                    }
                    LockSupport.parkNanos(200_000);
                }
                producer.flush();
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            } finally {
                producer.close(Duration.ofSeconds(10));
            }
        }

        void stop() {
            running = false;
        }

        void check() {
            if (failure.get() != null) {
                throw new IllegalStateException("The paced producer failed: " + failure.get(), failure.get());
            }
        }
    }

    /** Reads the output read_committed and keeps both latencies of every record. */
    private static final class Tracker implements Runnable {
        private final Properties client;
        private final String topic;
        private final OutputScan.Kind kind;
        private final String prefix;
        private final int[] sink;
        private final int[] visible;
        final AtomicLong answered = new AtomicLong();
        private final AtomicReference<Throwable> failure = new AtomicReference<>();
        private volatile boolean running = true;

        Tracker(Properties client, String topic, OutputScan.Kind kind, String prefix, int capacity) {
            this.client = client;
            this.topic = topic;
            this.kind = kind;
            this.prefix = prefix;
            this.sink = new int[capacity];
            this.visible = new int[capacity];
            Arrays.fill(sink, -1);
        }

        @Override
        public void run() {
            AvroCodec<Prediction> predictions = AvroCodec.of(Prediction.class, AvroEncoding.BINARY);
            AvroCodec<SensorReading> readings = AvroCodec.of(SensorReading.class, AvroEncoding.BINARY);
            try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(OutputScan.consumerProps(client))) {
                List<TopicPartition> parts = consumer.partitionsFor(topic).stream()
                        .map(p -> new TopicPartition(topic, p.partition()))
                        .toList();
                consumer.assign(parts);
                consumer.seekToBeginning(parts);
                while (running) {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(50))) {
                        long now = System.currentTimeMillis();
                        try {
                            if (kind == OutputScan.Kind.PREDICTION) {
                                Prediction p = predictions.decode(r.value());
                                long event = p.getEventTime().toEpochMilli();
                                record(p.getEventId(), p.getProcessedTime().toEpochMilli() - event, now - event);
                            } else {
                                SensorReading s = readings.decode(r.value());
                                long event = s.getEventTime().toEpochMilli();
                                record(s.getEventId(), r.timestamp() - event, now - event);
                            }
                        } catch (RecordDecodeException ignored) {
                            // Not ours; the throughput pass accounts for foreign records.
                        }
                    }
                }
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            }
        }

        private synchronized void record(String id, long sinkMs, long visibleMs) {
            if (id == null || !id.startsWith(prefix + "-")) {
                return;
            }
            int seq = Integer.parseInt(id, prefix.length() + 1, id.length(), 10);
            if (seq < 0 || seq >= sink.length || sink[seq] >= 0) {
                return;
            }
            sink[seq] = (int) Math.max(0, sinkMs);
            visible[seq] = (int) Math.max(0, visibleMs);
            answered.incrementAndGet();
        }

        synchronized long answeredIn(long from, long to) {
            long c = 0;
            for (long s = from; s < to; s++) {
                c += sink[(int) s] >= 0 ? 1 : 0;
            }
            return c;
        }

        synchronized Result result(long from, long to, double offered, double achieved) {
            Histogram s = new Histogram(3);
            Histogram v = new Histogram(3);
            long answeredInWindow = 0;
            for (long i = from; i < to; i++) {
                if (sink[(int) i] >= 0) {
                    s.recordValue(sink[(int) i]);
                    v.recordValue(visible[(int) i]);
                    answeredInWindow++;
                }
            }
            return new Result(
                    offered,
                    achieved,
                    to - from,
                    answeredInWindow,
                    s.getValueAtPercentile(50),
                    s.getValueAtPercentile(99),
                    s.getMaxValue(),
                    v.getValueAtPercentile(50),
                    v.getValueAtPercentile(99),
                    v.getMaxValue());
        }

        void stop() {
            running = false;
        }

        void check() {
            if (failure.get() != null) {
                throw new IllegalStateException("The latency tracker failed: " + failure.get(), failure.get());
            }
        }
    }
}
