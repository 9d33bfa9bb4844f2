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

import io.polyroute.avro.ShadowPair;
import io.polyroute.monitor.MonitorStores;
import io.polyroute.monitor.aggregate.ShadowStats;
import java.time.Duration;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Aggregates the shadow pairs of a shadow rollout per window into {@link MonitorStores#SHADOW},
 * keyed by the pair of versions ({@link MonitorStores#shadowKey}): pairs, agreement within the
 * tolerance, same routing, mean and largest output difference.
 */
public final class ShadowAgreementProcessor implements Processor<byte[], ShadowPair, Void, Void> {

    private final Duration retention;
    private final double tolerance;
    private WindowedStores<String, ShadowStats> stats;

    /** @param tolerance the largest absolute output difference of two outputs that agree */
    public ShadowAgreementProcessor(Duration retention, double tolerance) {
        this.retention = retention;
        this.tolerance = tolerance;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        stats = WindowedStores.open(context, MonitorStores.SHADOW, retention);
    }

    @Override
    public void process(Record<byte[], ShadowPair> record) {
        ShadowPair p = record.value();
        if (p != null && p.getServed() != null && p.getShadow() != null) {
            stats.update(
                    MonitorStores.shadowKey(p),
                    record.timestamp(),
                    ShadowStats::empty,
                    s -> s.add(p.getMaxAbsDifference(), p.getSameRouting(), tolerance));
        }
    }
}
