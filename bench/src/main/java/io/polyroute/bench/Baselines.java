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

import io.polyroute.avro.ModelRef;
import io.polyroute.avro.Prediction;
import io.polyroute.avro.SensorReading;
import io.polyroute.runtime.bundle.ModelBundle;
import io.polyroute.runtime.eval.ReferenceModel;
import io.polyroute.runtime.onnx.RuntimeOptions;
import io.polyroute.schemas.AvroCodec;
import io.polyroute.schemas.AvroEncoding;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The baselines a user would write instead of Polyroute, as {@link ConsumerLoopSystem}s:
 * a plain copy (the Kafka limit), the dense {@code reference.onnx} one record at a time, and the
 * dense model on each whole poll batch (dynamic batching of the monolithic model).
 */
final class Baselines {
    static final String IO_CEILING = "io-ceiling";
    static final String NAIVE = "naive";
    static final String DENSE_BATCHED = "dense-batched";

    private Baselines() {}

    /** Consumer → producer copy of the raw bytes, no decoding and no inference. */
    static BenchSystem ioCeiling() {
        return new ConsumerLoopSystem(IO_CEILING, OutputScan.Kind.COPY, ctx -> (batch, out, sink) -> {
            long now = System.currentTimeMillis();
            for (ConsumerRecord<byte[], byte[]> r : batch) {
                sink.add(new ProducerRecord<>(out, null, now, r.key(), r.value()));
            }
        });
    }

    /** Decode, {@code reference.onnx} on one record, encode, send — for every record. */
    static BenchSystem naive() {
        return new ConsumerLoopSystem(NAIVE, OutputScan.Kind.PREDICTION, ctx -> new DenseStep(ctx.bundle(), 1));
    }

    /** Decode the whole poll batch, one {@code reference.onnx} run over it, encode, send. */
    static BenchSystem denseBatched() {
        return new ConsumerLoopSystem(
                DENSE_BATCHED, OutputScan.Kind.PREDICTION, ctx -> new DenseStep(ctx.bundle(), Integer.MAX_VALUE));
    }

    /** Runs the dense reference on chunks of at most {@code chunk} records of each poll batch. */
    private static final class DenseStep implements ConsumerLoopSystem.Step {
        private final ReferenceModel reference;
        private final int chunk;
        private final int dim;
        private final int outDim;
        private final ModelRef model;
        private final AvroCodec<SensorReading> readings = AvroCodec.of(SensorReading.class, AvroEncoding.BINARY);
        private final AvroCodec<Prediction> predictions = AvroCodec.of(Prediction.class, AvroEncoding.BINARY);

        DenseStep(ModelBundle bundle, int chunk) {
            this.reference = ReferenceModel.open(bundle, RuntimeOptions.cpu());
            this.chunk = chunk;
            this.dim = bundle.inputDim();
            this.outDim = bundle.outputDim();
            this.model = ModelRef.newBuilder()
                    .setName(bundle.name())
                    .setVersion(bundle.version())
                    .build();
        }

        @Override
        public void process(
                List<ConsumerRecord<byte[], byte[]>> batch, String out, List<ProducerRecord<byte[], byte[]>> sink) {
            for (int start = 0; start < batch.size(); start += chunk) {
                int n = Math.min(chunk, batch.size() - start);
                List<SensorReading> rs = new ArrayList<>(n);
                float[] x = new float[n * dim];
                for (int i = 0; i < n; i++) {
                    SensorReading r = readings.decode(batch.get(start + i).value());
                    List<Float> f = r.getFeatures();
                    for (int j = 0; j < dim; j++) {
                        x[i * dim + j] = f.get(j);
                    }
                    rs.add(r);
                }
                float[] y = reference.predict(x, n, null);
                long now = System.currentTimeMillis();
                for (int i = 0; i < n; i++) {
                    SensorReading r = rs.get(i);
                    List<Float> output = new ArrayList<>(outDim);
                    for (int j = 0; j < outDim; j++) {
                        output.add(y[i * outDim + j]);
                    }
                    long eventTime = r.getEventTime().toEpochMilli();
                    Prediction p = Prediction.newBuilder()
                            .setEventId(r.getEventId())
                            .setSourceId(r.getSourceId())
                            .setEventTime(r.getEventTime())
                            .setProcessedTime(Instant.ofEpochMilli(now))
                            .setModel(model)
                            .setOutput(output)
                            .setExperts(List.of())
                            .setLatencyMs(Math.max(0, now - eventTime))
                            .setFlags(List.of())
                            .build();
                    sink.add(new ProducerRecord<>(
                            out, null, now, batch.get(start + i).key(), predictions.encode(p)));
                }
            }
        }

        @Override
        public void close() {
            reference.close();
        }
    }
}
