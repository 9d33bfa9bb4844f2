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
import io.polyroute.monitor.aggregate.SourceStats;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Adds each prediction's watched output component to its source's window in
 * {@link MonitorStores#SOURCES}, counting it as an anomaly when it is above the threshold.
 * Predictions whose output is too short or not finite are left out.
 */
public final class SourceStatsProcessor implements Processor<byte[], Prediction, Void, Void> {

    private final Duration retention;
    private final int outputIndex;
    private final double threshold;
    private WindowedStores<String, SourceStats> stats;

    public SourceStatsProcessor(Duration retention, int outputIndex, double threshold) {
        this.retention = retention;
        this.outputIndex = outputIndex;
        this.threshold = threshold;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        stats = WindowedStores.open(context, MonitorStores.SOURCES, retention);
    }

    @Override
    public void process(Record<byte[], Prediction> record) {
        Prediction prediction = record.value();
        if (prediction == null) {
            return;
        }
        List<Float> output = prediction.getOutput();
        if (output.size() <= outputIndex || !Float.isFinite(output.get(outputIndex))) {
            return;
        }
        double value = output.get(outputIndex);
        boolean anomaly = value > threshold;
        stats.update(prediction.getSourceId(), record.timestamp(), SourceStats::empty, s -> s.add(value, anomaly));
    }
}
