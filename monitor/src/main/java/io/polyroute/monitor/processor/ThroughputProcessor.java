package io.polyroute.monitor.processor;

import io.polyroute.avro.Prediction;
import io.polyroute.monitor.MonitorStores;
import java.time.Duration;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/** Counts predictions per window into {@link MonitorStores#THROUGHPUT}. */
public final class ThroughputProcessor implements Processor<byte[], Prediction, Void, Void> {

    private final Duration retention;
    private WindowedStores<String, Long> counts;

    public ThroughputProcessor(Duration retention) {
        this.retention = retention;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        counts = WindowedStores.open(context, MonitorStores.THROUGHPUT, retention);
    }

    @Override
    public void process(Record<byte[], Prediction> record) {
        if (record.value() != null) {
            counts.update(MonitorStores.ALL, record.timestamp(), () -> 0L, n -> n + 1);
        }
    }
}
