package io.polyroute.monitor.processor;

import io.polyroute.avro.DeadLetter;
import io.polyroute.monitor.MonitorStores;
import java.time.Duration;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/** Counts dead letters per reason and window into {@link MonitorStores#DEAD_LETTERS}. */
public final class DeadLetterProcessor implements Processor<byte[], DeadLetter, Void, Void> {

    private final Duration retention;
    private WindowedStores<String, Long> counts;

    public DeadLetterProcessor(Duration retention) {
        this.retention = retention;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        counts = WindowedStores.open(context, MonitorStores.DEAD_LETTERS, retention);
    }

    @Override
    public void process(Record<byte[], DeadLetter> record) {
        if (record.value() != null) {
            counts.update(record.value().getReason().name(), record.timestamp(), () -> 0L, n -> n + 1);
        }
    }
}
