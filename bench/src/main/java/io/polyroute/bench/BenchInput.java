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

import io.polyroute.avro.SensorReading;
import io.polyroute.runtime.bundle.ModelBundle;
import io.polyroute.runtime.eval.ReferenceModel;
import io.polyroute.runtime.onnx.RuntimeOptions;
import io.polyroute.schemas.AvroCodec;
import io.polyroute.schemas.AvroEncoding;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The records every system drains: {@code n} Avro {@code SensorReading}s with random features
 * (seeded), event ids {@code <prefix>-<sequence>}, keyed by event id. A sample of them (every
 * {@link #stride()}-th) is kept with its {@code reference.onnx} prediction, to check each
 * system's output.
 */
public final class BenchInput {
    /** About this many records are checked against the reference per system. */
    static final int SAMPLE_TARGET = 2_000;

    private final String prefix;
    private final long count;
    private final int stride;
    private final int dim;
    private final int outputDim;
    private final List<float[]> sampleFeatures = new ArrayList<>();
    private float[] sampleReference;

    private BenchInput(String prefix, long count, int dim, int outputDim) {
        this.prefix = prefix;
        this.count = count;
        this.dim = dim;
        this.outputDim = outputDim;
        this.stride = (int) Math.max(1, count / SAMPLE_TARGET);
    }

    /** Record {@code seq}'s features: deterministic in (seed, seq), so a paced producer can regenerate them. */
    static float[] features(long seed, long seq, int dim) {
        SplittableRandom rnd = new SplittableRandom(seed * 1_000_003L + seq);
        float[] f = new float[dim];
        for (int j = 0; j < dim; j++) {
            f[j] = (float) (gaussian(rnd) * 1.5);
        }
        return f;
    }

    private static double gaussian(SplittableRandom rnd) {
        double u = 1 - rnd.nextDouble();
        double v = rnd.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }

    /** One encoded reading with the given id, features and event time. */
    static byte[] encode(AvroCodec<SensorReading> codec, String eventId, float[] f, long eventTime) {
        List<Float> features = new ArrayList<>(f.length);
        for (float v : f) {
            features.add(v);
        }
        return codec.encode(SensorReading.newBuilder()
                .setEventId(eventId)
                .setSourceId("machine-" + (eventId.hashCode() & 7))
                .setEventTime(Instant.ofEpochMilli(eventTime))
                .setFeatures(features)
                .build());
    }

    /** The sequence number of an event id of this input, or -1 for a foreign id. */
    public long sequenceOf(String eventId) {
        if (eventId == null || !eventId.startsWith(prefix) || eventId.length() <= prefix.length() + 1) {
            return -1;
        }
        try {
            return Long.parseLong(eventId, prefix.length() + 1, eventId.length(), 10);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * Produces {@code n} records to {@code topic} as fast as the broker takes them and computes
     * the reference predictions of the sample.
     */
    public static BenchInput produce(
            Properties client, String topic, long n, ModelBundle bundle, Consumer<String> progress) {
        BenchInput in = new BenchInput(
                "b" + Long.toString(System.nanoTime() % 1_000_000, 36), n, bundle.inputDim(), bundle.outputDim());
        AvroCodec<SensorReading> codec = AvroCodec.of(SensorReading.class, AvroEncoding.BINARY);
        AtomicReference<Exception> failure = new AtomicReference<>();
        long t0 = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps(client))) {
            long now = System.currentTimeMillis();
            for (long i = 0; i < n; i++) {
                float[] f = features(Workload.SEED, i, in.dim);
                if (i % in.stride == 0) {
                    in.sampleFeatures.add(f);
                }
                String id = in.prefix + "-" + i;
                producer.send(
                        new ProducerRecord<>(topic, id.getBytes(StandardCharsets.UTF_8), encode(codec, id, f, now)),
                        (md, e) -> {
                            if (e != null) {
                                failure.compareAndSet(null, e);
                            }
                        });
                if ((i + 1) % Math.max(1, n / 5) == 0 && i + 1 < n) {
                    progress.accept(String.format(java.util.Locale.ROOT, "  produced %,d of %,d records", i + 1, n));
                }
            }
            producer.flush();
        }
        if (failure.get() != null) {
            throw new IllegalStateException(
                    "Producing the benchmark input to " + topic + " failed: "
                            + failure.get().getMessage(),
                    failure.get());
        }
        double s = (System.nanoTime() - t0) / 1e9;
        progress.accept(String.format(
                java.util.Locale.ROOT, "  produced %,d records to %s in %.1f s (%,.0f records/s)", n, topic, s, n / s));
        in.sampleReference = reference(bundle, in.sampleFeatures);
        return in;
    }

    static Properties producerProps(Properties client) {
        Properties p = new Properties();
        p.putAll(client);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "10");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(256 * 1024));
        // On a machine shared with other heavy processes the in-process broker can stall for a
        // while; wait rather than fail the whole run.
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "600000");
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "120000");
        return p;
    }

    private static float[] reference(ModelBundle bundle, List<float[]> rows) {
        int d = bundle.inputDim();
        float[] x = new float[rows.size() * d];
        for (int r = 0; r < rows.size(); r++) {
            System.arraycopy(rows.get(r), 0, x, r * d, d);
        }
        try (ReferenceModel ref = ReferenceModel.open(bundle, RuntimeOptions.cpu())) {
            float[] out = new float[rows.size() * bundle.outputDim()];
            int chunk = 256;
            for (int r = 0; r < rows.size(); r += chunk) {
                int m = Math.min(chunk, rows.size() - r);
                float[] part = new float[m * d];
                System.arraycopy(x, r * d, part, 0, m * d);
                System.arraycopy(ref.predict(part, m, null), 0, out, r * bundle.outputDim(), m * bundle.outputDim());
            }
            return out;
        }
    }

    public long count() {
        return count;
    }

    public int stride() {
        return stride;
    }

    public String prefix() {
        return prefix;
    }

    /** Whether record {@code seq} is in the checked sample. */
    public boolean sampled(long seq) {
        return seq >= 0 && seq < count && seq % stride == 0;
    }

    /** Relative error of {@code output} against the reference prediction of sampled record {@code seq}. */
    public double errorOf(long seq, float[] output) {
        int idx = (int) (seq / stride);
        if (output == null || output.length != outputDim || sampleReference == null) {
            return Double.POSITIVE_INFINITY;
        }
        return ReferenceModel.relativeError(output, 0, sampleReference, idx * outputDim, outputDim);
    }

    /** Features of sampled record {@code seq}. */
    public float[] sampleFeatures(long seq) {
        return sampleFeatures.get((int) (seq / stride));
    }

    /** Records in the sample. */
    public int sampleSize() {
        return sampleFeatures.size();
    }
}
