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
