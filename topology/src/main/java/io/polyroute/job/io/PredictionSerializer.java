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

import io.polyroute.avro.ExpertChoice;
import io.polyroute.avro.ModelRef;
import io.polyroute.avro.Prediction;
import io.polyroute.job.config.OutputOptions;
import io.polyroute.job.config.TopicEncoding;
import io.polyroute.job.model.InFlight;
import io.polyroute.schemas.AvroCodec;
import io.polyroute.schemas.AvroEncoding;
import io.polyroute.schemas.ConfluentCodec;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Turns a finished record into an Avro {@code Prediction} keyed by event id or source id ({@code output.key}), written here, at the
 * edge, so Flink's network stack only carries the job's own POJOs. The bytes come from
 * {@link PredictionWriter}; {@link #toPrediction} is the same prediction as an Avro object.
 */
public final class PredictionSerializer implements KafkaRecordSerializationSchema<InFlight> {
    private static final long serialVersionUID = 1L;

    private final String topic;
    private final String modelName;
    private final String modelVersion;
    private final TopicEncoding encoding;
    private final int schemaId;
    private OutputOptions.OutputKey key = OutputOptions.OutputKey.EVENT_ID;
    private List<String> outputNames = List.of();
    private transient PredictionWriter writer;

    /** Predictions in plain binary or single-object {@code encoding}. */
    public PredictionSerializer(String topic, String modelName, String modelVersion, AvroEncoding encoding) {
        this(topic, modelName, modelVersion, topicEncoding(encoding), TopicFormats.NO_ID);
    }

    /** Predictions in {@code encoding}; {@code schemaId} is the writer schema id for {@code confluent}. */
    public PredictionSerializer(
            String topic, String modelName, String modelVersion, TopicEncoding encoding, int schemaId) {
        this.topic = topic;
        this.modelName = modelName;
        this.modelVersion = modelVersion;
        this.encoding = encoding;
        this.schemaId = schemaId;
    }

    private static TopicEncoding topicEncoding(AvroEncoding encoding) {
        return encoding == AvroEncoding.BINARY ? TopicEncoding.BINARY : TopicEncoding.SINGLE_OBJECT;
    }

    /** Keys every prediction by {@code key} ({@code output.key}); event id unless set. */
    public PredictionSerializer keyedBy(OutputOptions.OutputKey key) {
        this.key = java.util.Objects.requireNonNull(key, "key");
        return this;
    }

    /**
     * Writes {@code names} (the bundle's {@code output.names}) into every prediction's
     * {@code output_names}; none unless set.
     */
    public PredictionSerializer withOutputNames(List<String> names) {
        this.outputNames = List.copyOf(names);
        return this;
    }

    /** The record key of a finished record under {@code key}: the UTF-8 bytes of its event or source id. */
    static byte[] keyOf(InFlight rec, OutputOptions.OutputKey key) {
        String k = key == OutputOptions.OutputKey.SOURCE_ID ? (rec.sourceId == null ? "" : rec.sourceId) : rec.eventId;
        return k.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void open(SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext) {
        writer = writer(encoding, schemaId, modelName, modelVersion, outputNames);
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(InFlight rec, KafkaSinkContext context, Long timestamp) {
        if (writer == null) {
            writer = writer(encoding, schemaId, modelName, modelVersion, outputNames);
        }
        // The event id is encoded once, for the key and the value.
        byte[] id = rec.eventId.getBytes(StandardCharsets.UTF_8);
        byte[] k = key == OutputOptions.OutputKey.EVENT_ID ? id : keyOf(rec, key);
        return new ProducerRecord<>(topic, null, timestamp, k, writer.write(rec, id, System.currentTimeMillis()));
    }

    /** A direct writer whose bytes equal {@link AvroCodec} in {@code encoding}. */
    static PredictionWriter writer(AvroEncoding encoding, String modelName, String modelVersion) {
        return writer(topicEncoding(encoding), TopicFormats.NO_ID, modelName, modelVersion, List.of());
    }

    /**
     * A direct writer whose bytes equal {@link AvroCodec} in {@code encoding}, or for
     * {@code confluent} the {@link ConfluentCodec} header with {@code schemaId} and then binary.
     */
    static PredictionWriter writer(
            TopicEncoding topicEncoding, int schemaId, String modelName, String modelVersion, List<String> names) {
        if (topicEncoding == TopicEncoding.CONFLUENT) {
            return new PredictionWriter(ConfluentCodec.header(schemaId), modelName, modelVersion, names);
        }
        AvroEncoding encoding = topicEncoding.avro("topics.encoding.output", "the prediction writer");
        byte[] prefix = new byte[0];
        if (encoding != AvroEncoding.BINARY) {
            // The single-object header is the same for every record: take it from the codec.
            InFlight probe = new InFlight();
            probe.eventId = "";
            probe.previous = new float[0];
            byte[] full =
                    AvroCodec.of(Prediction.class, encoding).encode(toPrediction(probe, modelName, modelVersion, 0));
            byte[] body = AvroCodec.of(Prediction.class, AvroEncoding.BINARY)
                    .encode(toPrediction(probe, modelName, modelVersion, 0));
            prefix = Arrays.copyOf(full, full.length - body.length);
        }
        return new PredictionWriter(prefix, modelName, modelVersion, names);
    }

    /**
     * The Avro prediction of a finished record; its model is the record's serving version when a
     * rollout set one, else {@code modelName} and {@code modelVersion}.
     */
    public static Prediction toPrediction(InFlight rec, String modelName, String modelVersion, long now) {
        return toPrediction(rec, modelName, modelVersion, List.of(), now);
    }

    /** Like {@link #toPrediction(InFlight, String, String, long)}, with the bundle's output names. */
    public static Prediction toPrediction(
            InFlight rec, String modelName, String modelVersion, List<String> outputNames, long now) {
        List<Float> output = new ArrayList<>(rec.previous.length);
        for (float v : rec.previous) {
            output.add(v);
        }
        List<ExpertChoice> experts = new ArrayList<>(rec.choiceExpert.length);
        for (int i = 0; i < rec.choiceExpert.length; i++) {
            experts.add(ExpertChoice.newBuilder()
                    .setStage(rec.choiceStage[i])
                    .setGroup(rec.choiceGroup[i])
                    .setExpert(rec.choiceExpert[i])
                    .setWeight(rec.choiceWeight[i])
                    .setSlot(rec.choiceSlot[i])
                    .build());
        }
        return Prediction.newBuilder()
                .setEventId(rec.eventId)
                .setSourceId(rec.sourceId == null ? "" : rec.sourceId)
                .setEventTime(Instant.ofEpochMilli(rec.eventTime))
                .setProcessedTime(Instant.ofEpochMilli(now))
                .setModel(ModelRef.newBuilder()
                        .setName(rec.modelName == null ? modelName : rec.modelName)
                        .setVersion(rec.modelVersion == null ? modelVersion : rec.modelVersion)
                        .build())
                .setOutput(output)
                .setExperts(experts)
                .setLatencyMs(Math.max(0, now - rec.eventTime))
                .setFlags(Arrays.asList(rec.flags))
                .setOutputNames(List.copyOf(outputNames))
                .build();
    }
}
