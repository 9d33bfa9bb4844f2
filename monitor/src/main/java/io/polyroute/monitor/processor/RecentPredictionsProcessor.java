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
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.WindowStore;

/**
 * Keeps each prediction by event id in {@link MonitorStores#RECENT_PREDICTIONS}, a window store
 * whose retention bounds it to the predictions of the last {@code monitor.predictions.retention}.
 */
public final class RecentPredictionsProcessor implements Processor<byte[], Prediction, Void, Void> {

    private final long windowMs;
    private WindowStore<String, Prediction> store;

    /** @param windowMs size of the store's windows (a tenth of the retention) */
    public RecentPredictionsProcessor(long windowMs) {
        this.windowMs = windowMs;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        store = context.getStateStore(MonitorStores.RECENT_PREDICTIONS);
    }

    @Override
    public void process(Record<byte[], Prediction> record) {
        Prediction p = record.value();
        if (p == null || p.getEventId() == null || p.getEventId().isEmpty()) {
            return;
        }
        store.put(p.getEventId(), p, Math.floorDiv(record.timestamp(), windowMs) * windowMs);
    }
}
