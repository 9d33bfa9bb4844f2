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

import io.polyroute.avro.ExpertChoice;
import io.polyroute.avro.Prediction;
import io.polyroute.monitor.MonitorStores;
import io.polyroute.monitor.aggregate.LoadMatrix;
import java.time.Duration;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Counts expert invocations per (stage, expert, slot) from the experts each prediction records,
 * into {@link MonitorStores#ROUTED_LOAD}. A record served by k experts adds k invocations.
 */
public final class RoutedLoadProcessor implements Processor<byte[], Prediction, Void, Void> {

    private final Duration retention;
    private WindowedStores<String, LoadMatrix> matrices;

    public RoutedLoadProcessor(Duration retention) {
        this.retention = retention;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        matrices = WindowedStores.open(context, MonitorStores.ROUTED_LOAD, retention);
    }

    @Override
    public void process(Record<byte[], Prediction> record) {
        Prediction prediction = record.value();
        if (prediction == null || prediction.getExperts().isEmpty()) {
            return;
        }
        matrices.update(MonitorStores.ALL, record.timestamp(), LoadMatrix::empty, matrix -> {
            for (ExpertChoice choice : prediction.getExperts()) {
                matrix.add(choice.getStage(), choice.getExpert(), choice.getSlot(), 1, 0, 0);
            }
            return matrix;
        });
    }
}
