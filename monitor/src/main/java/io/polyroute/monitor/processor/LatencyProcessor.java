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
package io.polyroute.monitor.processor;

import io.polyroute.avro.Prediction;
import io.polyroute.monitor.MonitorStores;
import io.polyroute.monitor.aggregate.LatencySketch;
import java.time.Duration;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/** Records each prediction's end-to-end latency in the window's sketch in {@link MonitorStores#LATENCY}. */
public final class LatencyProcessor implements Processor<byte[], Prediction, Void, Void> {

    private final Duration retention;
    private WindowedStores<String, LatencySketch> sketches;

    public LatencyProcessor(Duration retention) {
        this.retention = retention;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        sketches = WindowedStores.open(context, MonitorStores.LATENCY, retention);
    }

    @Override
    public void process(Record<byte[], Prediction> record) {
        Prediction prediction = record.value();
        if (prediction != null && Double.isFinite(prediction.getLatencyMs())) {
            double latency = prediction.getLatencyMs();
            sketches.update(MonitorStores.ALL, record.timestamp(), LatencySketch::empty, s -> s.recordMillis(latency));
        }
    }
}
