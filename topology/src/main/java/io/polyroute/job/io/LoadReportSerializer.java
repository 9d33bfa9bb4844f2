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
package io.polyroute.job.io;

import io.polyroute.avro.ExpertLoad;
import io.polyroute.avro.ExpertLoadEntry;
import io.polyroute.avro.LoadSource;
import io.polyroute.job.config.TopicEncoding;
import io.polyroute.job.control.LoadReport;
import io.polyroute.schemas.AvroEncoding;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Writes load reports to the load topic as Avro {@code ExpertLoad}s. */
public final class LoadReportSerializer implements KafkaRecordSerializationSchema<LoadReport> {
    private static final long serialVersionUID = 1L;

    private final String topic;
    private final TopicEncoding encoding;
    private final int schemaId;
    private transient Function<ExpertLoad, byte[]> codec;

    /** Load reports in plain binary or single-object {@code encoding}. */
    public LoadReportSerializer(String topic, AvroEncoding encoding) {
        this(
                topic,
                encoding == AvroEncoding.BINARY ? TopicEncoding.BINARY : TopicEncoding.SINGLE_OBJECT,
                TopicFormats.NO_ID);
    }

    /** Load reports in {@code encoding}; {@code schemaId} is the writer schema id for {@code confluent}. */
    public LoadReportSerializer(String topic, TopicEncoding encoding, int schemaId) {
        this.topic = topic;
        this.encoding = encoding;
        this.schemaId = schemaId;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(LoadReport r, KafkaSinkContext context, Long timestamp) {
        if (codec == null) {
            codec = TopicFormats.encoder(ExpertLoad.class, encoding, schemaId);
        }
        return new ProducerRecord<>(topic, null, timestamp, null, codec.apply(toAvro(r)));
    }

    public static ExpertLoad toAvro(LoadReport r) {
        boolean gate = LoadReport.GATE.equals(r.source);
        List<ExpertLoadEntry> entries = new ArrayList<>(r.records.length);
        for (int e = 0; e < r.records.length; e++) {
            entries.add(ExpertLoadEntry.newBuilder()
                    .setExpert(e)
                    .setStage(r.stage)
                    .setSlot(gate ? -1 : r.subtask)
                    .setRecords(r.records[e])
                    .setServiceNanos(r.serviceNanos[e])
                    .setQueueDepth(r.queueDepth[e])
                    .build());
        }
        return ExpertLoad.newBuilder()
                .setWindowStart(Instant.ofEpochMilli(r.windowStart))
                .setWindowEnd(Instant.ofEpochMilli(r.windowEnd))
                .setSource(gate ? LoadSource.GATE : LoadSource.EXPERT)
                .setSubtask(r.subtask)
                .setPlanVersion(r.planVersion)
                .setEntries(entries)
                .setBundleName(r.bundleName == null ? "" : r.bundleName)
                .setBundleVersion(r.bundleVersion == null ? "" : r.bundleVersion)
                .build();
    }
}
