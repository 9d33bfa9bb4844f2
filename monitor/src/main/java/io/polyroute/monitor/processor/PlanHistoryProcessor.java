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

import io.polyroute.avro.PlacementPlan;
import io.polyroute.monitor.MonitorStores;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps the latest placement plans by version in {@link MonitorStores#PLANS}, dropping the oldest
 * versions beyond the configured history. A plan published again under the same version replaces
 * the earlier one.
 */
public final class PlanHistoryProcessor implements Processor<byte[], PlacementPlan, Void, Void> {

    private final int history;
    private KeyValueStore<Long, PlacementPlan> plans;

    public PlanHistoryProcessor(int history) {
        if (history < 1) {
            throw new IllegalArgumentException(
                    "The plan history must keep at least one plan, but was " + history + ".");
        }
        this.history = history;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        plans = context.getStateStore(MonitorStores.PLANS);
    }

    @Override
    public void process(Record<byte[], PlacementPlan> record) {
        PlacementPlan plan = record.value();
        if (plan == null || plan.getVersion() < 0) {
            return;
        }
        plans.put(plan.getVersion(), plan);
        trim();
    }

    /** Deletes the lowest versions until at most {@code history} plans remain. */
    private void trim() {
        long excess = -history;
        try (KeyValueIterator<Long, PlacementPlan> it = plans.all()) {
            while (it.hasNext()) {
                it.next();
                excess++;
            }
        }
        if (excess <= 0) {
            return;
        }
        List<Long> oldest = new ArrayList<>();
        try (KeyValueIterator<Long, PlacementPlan> it = plans.all()) {
            while (it.hasNext() && oldest.size() < excess) {
                oldest.add(it.next().key);
            }
        }
        oldest.forEach(plans::delete);
    }
}
