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

import io.polyroute.avro.ExpertLoad;
import io.polyroute.avro.ExpertLoadEntry;
import io.polyroute.avro.LoadSource;
import io.polyroute.monitor.MonitorStores;
import io.polyroute.monitor.aggregate.LoadMatrix;
import java.time.Duration;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Adds the operators' load reports to {@link MonitorStores#REPORTED_LOAD}, keyed by the report
 * source. A gate report's demand has no slot yet ({@link LoadMatrix#UNPLACED}); an expert report
 * entry without a slot is counted on the reporting subtask, which is the slot.
 */
public final class LoadReportProcessor implements Processor<byte[], ExpertLoad, Void, Void> {

    private final Duration retention;
    private WindowedStores<String, LoadMatrix> matrices;

    public LoadReportProcessor(Duration retention) {
        this.retention = retention;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        matrices = WindowedStores.open(context, MonitorStores.REPORTED_LOAD, retention);
    }

    @Override
    public void process(Record<byte[], ExpertLoad> record) {
        ExpertLoad report = record.value();
        if (report == null
                || report.getEntries().isEmpty()
                || !report.getBundleVersion().isEmpty()) {
            // Reports of another version than the job's own bundle (rollouts) count experts of
            // another model, possibly of another count: the matrix is the job's own bundle's.
            return;
        }
        boolean gate = report.getSource() == LoadSource.GATE;
        matrices.update(report.getSource().name(), record.timestamp(), LoadMatrix::empty, matrix -> {
            for (ExpertLoadEntry e : report.getEntries()) {
                int slot = gate ? LoadMatrix.UNPLACED : e.getSlot() >= 0 ? e.getSlot() : report.getSubtask();
                matrix.add(e.getStage(), e.getExpert(), slot, e.getRecords(), e.getServiceNanos(), e.getQueueDepth());
            }
            return matrix;
        });
    }
}
