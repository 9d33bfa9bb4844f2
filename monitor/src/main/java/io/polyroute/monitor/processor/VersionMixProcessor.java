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
import java.time.Duration;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Counts predictions per model version and window into {@link MonitorStores#VERSIONS}, keyed by
 * the {@code name:version} the prediction names (docs/rollouts.md).
 */
public final class VersionMixProcessor implements Processor<byte[], Prediction, Void, Void> {

    private final Duration retention;
    private WindowedStores<String, Long> counts;

    public VersionMixProcessor(Duration retention) {
        this.retention = retention;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        counts = WindowedStores.open(context, MonitorStores.VERSIONS, retention);
    }

    @Override
    public void process(Record<byte[], Prediction> record) {
        if (record.value() != null && record.value().getModel() != null) {
            counts.update(MonitorStores.versionKey(record.value()), record.timestamp(), () -> 0L, n -> n + 1);
        }
    }
}
