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
