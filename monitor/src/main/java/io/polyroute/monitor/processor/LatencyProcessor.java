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
