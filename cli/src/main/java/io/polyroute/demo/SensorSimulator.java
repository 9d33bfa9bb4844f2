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

import io.polyroute.avro.SensorReading;
import io.polyroute.kit.factory.FactoryReading;
import io.polyroute.kit.factory.FactorySimulator;
import io.polyroute.schemas.AvroCodec;
import io.polyroute.schemas.AvroEncoding;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Produces factory sensor readings to Kafka at a steady rate, from the same generator the
 * factory-moe bundle was fitted on, with a regime mix that drifts over time. A small share of
 * deliberately bad records (undecodable bytes, wrong dimension, NaN) shows the dead-letter path.
 * Remembers what it sent so the demo can account for every record.
 */
public final class SensorSimulator implements Runnable {
    private final FactorySimulator factory;
    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;
    private final double ratePerSecond;
    private final double badShare;
    private final boolean remember;
    private final String idPrefix;
    private final Random rnd;
    private final AvroCodec<SensorReading> codec = AvroCodec.of(SensorReading.class, AvroEncoding.BINARY);

    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong sentBad = new AtomicLong();
    /** Features of every good record by sequence number, when remembered (for verification). */
    private final List<float[]> features = new ArrayList<>();
    /** Sequence numbers of the deliberately bad records. */
    private final java.util.BitSet bad = new java.util.BitSet();

    private volatile boolean running = true;

    public SensorSimulator(
            Properties clientProps,
            String topic,
            double ratePerSecond,
            double badShare,
            boolean remember,
            long seed,
            FactorySimulator factory) {
        Properties p = new Properties();
        p.putAll(clientProps);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        this.producer = new KafkaProducer<>(p);
        this.topic = topic;
        this.ratePerSecond = ratePerSecond;
        this.badShare = badShare;
        this.remember = remember;
        this.idPrefix = "sim-" + seed + "-" + Long.toString(System.currentTimeMillis(), 36);
        this.rnd = new Random(seed);
        this.factory = factory;
    }

    @Override
    public void run() {
        long start = System.nanoTime();
        long i = 0;
        try {
            while (running) {
                long due = start + (long) (i * 1e9 / ratePerSecond);
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    java.util.concurrent.locks.LockSupport.parkNanos(wait);
                    continue;
                }
                send(factory.next(System.currentTimeMillis()));
                i++;
            }
        } finally {
            producer.flush();
            producer.close();
        }
    }

    private void send(FactoryReading r) {
        String id = idPrefix + "-" + r.sequence();
        byte[] key = r.sourceId().getBytes(StandardCharsets.UTF_8);
        byte[] value;
        boolean isBad = badShare > 0 && rnd.nextDouble() < badShare;
        synchronized (this) {
            if (isBad) {
                bad.set((int) r.sequence());
            }
            if (remember) {
                features.add(isBad ? null : r.features());
            }
        }
        if (isBad) {
            value = badValue(id, r);
            sentBad.incrementAndGet();
        } else {
            value = codec.encode(reading(id, r, r.features()));
        }
        producer.send(new ProducerRecord<>(topic, key, value));
        sent.incrementAndGet();
    }

    private byte[] badValue(String id, FactoryReading r) {
        switch (rnd.nextInt(3)) {
            case 0:
                return ("not avro: " + id).getBytes(StandardCharsets.UTF_8);
            case 1:
                return codec.encode(reading(id, r, java.util.Arrays.copyOf(r.features(), r.features().length - 1)));
            default:
                float[] f = r.features().clone();
                f[rnd.nextInt(f.length)] = Float.NaN;
                return codec.encode(reading(id, r, f));
        }
    }

    private static SensorReading reading(String id, FactoryReading r, float[] features) {
        List<Float> f = new ArrayList<>(features.length);
        for (float v : features) {
            f.add(v);
        }
        return SensorReading.newBuilder()
                .setEventId(id)
                .setSourceId(r.sourceId())
                .setTask(r.task())
                .setEventTime(Instant.ofEpochMilli(r.eventTimeMillis()))
                .setFeatures(f)
                .build();
    }

    public void stop() {
        running = false;
    }

    public long sent() {
        return sent.get();
    }

    public long sentBad() {
        return sentBad.get();
    }

    /** The event id of record {@code sequence}. */
    public String idOf(long sequence) {
        return idPrefix + "-" + sequence;
    }

    /** The sequence number of one of this simulator's event ids, or -1. */
    public long sequenceOf(String eventId) {
        if (eventId == null || !eventId.startsWith(idPrefix + "-")) {
            return -1;
        }
        try {
            return Long.parseLong(eventId.substring(idPrefix.length() + 1));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Features of good record {@code sequence}, or null (bad record, or not remembered). */
    public synchronized float[] features(long sequence) {
        return sequence < features.size() ? features.get((int) sequence) : null;
    }

    public synchronized boolean isBad(long sequence) {
        return bad.get((int) sequence);
    }
}
