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
package io.polyroute.ops;

import io.polyroute.avro.SensorReading;
import io.polyroute.schemas.AvroCodec;
import io.polyroute.schemas.AvroEncoding;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code produce}: write {@link SyntheticReadings} to a topic, as fast as possible or at a fixed
 * rate, with an idempotent {@code acks=all} producer, and report the rate reached.
 */
@Command(
        name = "produce",
        mixinStandardHelpOptions = true,
        description = "Write deterministic sensor readings <prefix>-<from> .. <prefix>-<from+records-1>.")
final class ProduceCommand implements Callable<Integer> {
    @Mixin
    KafkaArgs kafka;

    @Option(names = "--topic", required = true, description = "Input topic.")
    String topic;

    @Option(names = "--records", required = true, description = "How many readings to write.")
    long records;

    @Option(
            names = "--from",
            defaultValue = "0",
            description = "Index of the first reading (default: ${DEFAULT-VALUE}).")
    long from;

    @Option(names = "--prefix", defaultValue = "chaos", description = "Event id prefix (default: ${DEFAULT-VALUE}).")
    String prefix;

    @Option(names = "--dim", required = true, description = "Features per reading (the bundle's input dimension).")
    int dim;

    @Option(
            names = "--seed",
            defaultValue = "7",
            description = "Seed of the feature values (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--rate",
            defaultValue = "0",
            description =
                    "Target records per second; 0 writes as fast as the brokers accept (default: ${DEFAULT-VALUE}).")
    double rate;

    @Override
    public Integer call() {
        if (records < 0 || from < 0 || rate < 0) {
            throw new IllegalArgumentException("--records, --from and --rate must not be negative.");
        }
        SyntheticReadings gen = new SyntheticReadings(prefix, dim, seed);
        AvroCodec<SensorReading> codec = AvroCodec.of(SensorReading.class, AvroEncoding.BINARY);
        AtomicReference<Exception> failure = new AtomicReference<>();
        long t0 = System.nanoTime();
        long lastReport = t0;
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProperties())) {
            for (long i = 0; i < records && failure.get() == null; i++) {
                if (rate > 0) {
                    pace(t0, i);
                }
                Instant now = Instant.now();
                SensorReading r = gen.reading(from + i, now);
                producer.send(
                        new ProducerRecord<>(topic, r.getEventId().getBytes(StandardCharsets.UTF_8), codec.encode(r)),
                        (md, e) -> {
                            if (e != null) {
                                failure.compareAndSet(null, e);
                            }
                        });
                long t = System.nanoTime();
                if (t - lastReport > 5_000_000_000L) {
                    lastReport = t;
                    System.out.printf(
                            "produce: %d of %d records (%.0f records/s)%n", i + 1, records, (i + 1) / ((t - t0) / 1e9));
                }
            }
            producer.flush();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("Writing to topic '" + topic + "' failed: " + failure.get(), failure.get());
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf(
                "produce: wrote %d records to %s in %.1f s (%.0f records/s)%n",
                records, topic, seconds, records / Math.max(seconds, 1e-9));
        return 0;
    }

    /** Sleeps until record {@code i} is due at the target rate. */
    private void pace(long t0, long i) {
        long due = t0 + (long) (i * 1e9 / rate);
        long wait = due - System.nanoTime();
        if (wait > 1_000_000L) {
            try {
                Thread.sleep(wait / 1_000_000L, (int) (wait % 1_000_000L));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while producing.", e);
            }
        }
    }

    private Properties producerProperties() {
        Properties p = kafka.clientProperties();
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "10");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(128 * 1024));
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        return p;
    }
}
