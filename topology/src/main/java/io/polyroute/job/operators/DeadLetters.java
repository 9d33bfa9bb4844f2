package io.polyroute.job.operators;

import io.polyroute.job.model.Rejected;
import org.apache.flink.util.OutputTag;

/** The side output every operator sends refused records to; the job writes it to the DLQ topic. */
public final class DeadLetters {
    public static final OutputTag<Rejected> TAG = new OutputTag<>("dead-letters") {};

    private DeadLetters() {}
}
