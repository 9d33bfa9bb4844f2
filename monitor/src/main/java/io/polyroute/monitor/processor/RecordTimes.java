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

import io.polyroute.avro.DeadLetter;
import io.polyroute.avro.ExpertLoad;
import io.polyroute.avro.PlacementPlan;
import io.polyroute.avro.Prediction;
import io.polyroute.avro.ShadowPair;
import java.time.Instant;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.TimestampExtractor;

/**
 * Timestamp extractors that window each record by the time it describes rather than the time it
 * was written to Kafka: a prediction by when it was emitted, a load report by the end of its
 * measurement window, a plan by its creation, a dead letter by its rejection. Records without a
 * usable time fall back to their Kafka timestamp.
 */
public final class RecordTimes {

    private RecordTimes() {}

    /** Windows predictions by {@code processed_time}, which makes throughput the emission rate. */
    public static TimestampExtractor prediction() {
        return of(Prediction.class, Prediction::getProcessedTime);
    }

    /** Windows load reports by the last millisecond of their measurement window. */
    public static TimestampExtractor expertLoad() {
        return of(ExpertLoad.class, load -> load.getWindowEnd().minusMillis(1));
    }

    /** Orders plans by {@code created_time}. */
    public static TimestampExtractor placementPlan() {
        return of(PlacementPlan.class, PlacementPlan::getCreatedTime);
    }

    /** Windows dead letters by the time they were rejected. */
    public static TimestampExtractor deadLetter() {
        return of(DeadLetter.class, DeadLetter::getTime);
    }

    /** Windows shadow pairs by {@code processed_time}, when the pair was computed. */
    public static TimestampExtractor shadowPair() {
        return of(ShadowPair.class, ShadowPair::getProcessedTime);
    }

    private static <T> TimestampExtractor of(Class<T> type, Function<T, Instant> time) {
        return (ConsumerRecord<Object, Object> record, long partitionTime) -> {
            if (type.isInstance(record.value())) {
                Instant instant = time.apply(type.cast(record.value()));
                if (instant != null && instant.toEpochMilli() >= 0) {
                    return instant.toEpochMilli();
                }
            }
            return record.timestamp() >= 0 ? record.timestamp() : partitionTime;
        };
    }
}
