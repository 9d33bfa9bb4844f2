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

import io.polyroute.job.PolyrouteJob;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The hand-written baselines: {@code workers} threads, each a plain consumer of its share of the
 * input partitions and a plain (idempotent, not transactional) producer, with a {@link Step} that
 * turns each poll batch into output records. This is the program a user writes before reaching
 * for a stream processor; it has no exactly-once guarantee.
 */
final class ConsumerLoopSystem implements BenchSystem {
    /** Turns one poll batch into output records. Each worker has its own instance. */
    interface Step extends AutoCloseable {
        void process(
                List<ConsumerRecord<byte[], byte[]>> batch, String outTopic, List<ProducerRecord<byte[], byte[]>> out);

        @Override
        default void close() {}
    }

    /** Creates each worker's {@link Step}. */
    interface StepFactory {
        Step create(BenchContext ctx);
    }

    private final String name;
    private final OutputScan.Kind kind;
    private final StepFactory steps;

    ConsumerLoopSystem(String name, OutputScan.Kind kind, StepFactory steps) {
        this.name = name;
        this.kind = kind;
        this.steps = steps;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public OutputScan.Kind outputKind() {
        return kind;
    }

    @Override
    public Running start(BenchContext ctx, String inTopic, String outTopic, long records) {
        Loop loop = new Loop(ctx, inTopic, outTopic, records);
        loop.start();
        return loop;
    }

    /** The running workers of one start. */
    private final class Loop implements Running {
        private final BenchContext ctx;
        private final String in;
        private final String out;
        private final long records;
        private final AtomicLong consumed = new AtomicLong();
        private final AtomicReference<Throwable> failure = new AtomicReference<>();
        private final CountDownLatch done;
        private final List<Thread> threads = new ArrayList<>();
        private volatile boolean stopping;

        Loop(BenchContext ctx, String in, String out, long records) {
            this.ctx = ctx;
            this.in = in;
            this.out = out;
            this.records = records;
            this.done = new CountDownLatch(ctx.workers());
        }

        void start() {
            for (int w = 0; w < ctx.workers(); w++) {
                int worker = w;
                Thread t = new Thread(() -> runWorker(worker), "bench-" + name + "-" + w);
                t.setDaemon(true);
                threads.add(t);
                t.start();
            }
        }

        private void runWorker(int worker) {
            try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProps(ctx.clientProperties()));
                    KafkaProducer<byte[], byte[]> producer =
                            new KafkaProducer<>(producerProps(ctx.clientProperties()));
                    Step step = steps.create(ctx)) {
                List<TopicPartition> mine = new ArrayList<>();
                consumer.partitionsFor(in).forEach(p -> {
                    if (p.partition() % ctx.workers() == worker) {
                        mine.add(new TopicPartition(in, p.partition()));
                    }
                });
                consumer.assign(mine);
                consumer.seekToBeginning(mine);
                List<ProducerRecord<byte[], byte[]>> batchOut = new ArrayList<>();
                List<ConsumerRecord<byte[], byte[]>> batchIn = new ArrayList<>();
                while (!stopping && (records <= 0 || consumed.get() < records)) {
                    ConsumerRecords<byte[], byte[]> polled = consumer.poll(Duration.ofMillis(50));
                    if (polled.isEmpty()) {
                        continue;
                    }
                    batchIn.clear();
                    polled.forEach(batchIn::add);
                    batchOut.clear();
                    step.process(batchIn, out, batchOut);
                    for (ProducerRecord<byte[], byte[]> r : batchOut) {
                        producer.send(r, (md, e) -> {
                            if (e != null) {
                                failure.compareAndSet(null, e);
                            }
                        });
                    }
                    consumed.addAndGet(batchIn.size());
                }
                producer.flush();
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            } finally {
                done.countDown();
            }
        }

        @Override
        public boolean awaitDone(Duration budget) throws Exception {
            boolean finished = done.await(budget.toMillis(), TimeUnit.MILLISECONDS);
            rethrow();
            return finished;
        }

        @Override
        public void stop() throws Exception {
            stopping = true;
            if (!done.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("The " + name + " workers did not stop within 60 s.");
            }
            rethrow();
        }

        private void rethrow() {
            Throwable t = failure.get();
            if (t != null) {
                throw new IllegalStateException(name + " failed: " + t, t);
            }
        }
    }

    private static Properties consumerProps(Properties client) {
        Properties p = new Properties();
        p.putAll(client);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        return p;
    }

    private static Properties producerProps(Properties client) {
        Properties p = new Properties();
        p.putAll(client);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        // The producer settings of Polyroute's sinks, so that no system wins on batching alone.
        PolyrouteJob.PRODUCER_DEFAULTS.forEach(p::putIfAbsent);
        return p;
    }

    /** A record's key as text, for error messages. */
    static String keyText(ConsumerRecord<byte[], byte[]> r) {
        return r.key() == null ? "(no key)" : new String(r.key(), StandardCharsets.UTF_8);
    }
}
