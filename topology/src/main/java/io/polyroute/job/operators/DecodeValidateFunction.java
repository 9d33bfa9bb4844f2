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
package io.polyroute.job.operators;

import io.polyroute.avro.DeadLetterReason;
import io.polyroute.avro.SensorReading;
import io.polyroute.job.io.RegistryConnection;
import io.polyroute.job.model.InFlight;
import io.polyroute.job.model.RawRecord;
import io.polyroute.job.model.Rejected;
import io.polyroute.schemas.AvroCodec;
import io.polyroute.schemas.AvroEncoding;
import io.polyroute.schemas.ConfluentCodec;
import io.polyroute.schemas.RecordDecodeException;
import io.polyroute.schemas.SensorReadingReader;
import java.util.List;
import java.util.function.Function;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Decodes {@code SensorReading}s and checks them against the bundle's input contract. Anything
 * that fails goes to {@link DeadLetters#TAG} with its reason and original bytes; nothing stops the
 * job and nothing is dropped.
 */
public final class DecodeValidateFunction extends ProcessFunction<RawRecord, InFlight> {
    private static final long serialVersionUID = 1L;

    private final InputContract contract;
    private final AvroEncoding encoding;
    private final RegistryConnection registry;
    private transient Function<byte[], SensorReading> codec;
    private transient SensorReadingReader reader;
    private transient Counter accepted;
    private transient Counter rejected;

    /** Decodes plain binary or single-object {@code encoding}. */
    public DecodeValidateFunction(InputContract contract, AvroEncoding encoding) {
        this.contract = contract;
        this.encoding = encoding;
        this.registry = null;
    }

    /**
     * Decodes the Schema Registry wire format, looking up writer schemas in {@code registry} (on the
     * TaskManager, with the secrets it finds there).
     */
    public DecodeValidateFunction(InputContract contract, RegistryConnection registry) {
        this.contract = contract;
        this.encoding = null;
        this.registry = java.util.Objects.requireNonNull(registry, "registry");
    }

    /** The decode function for {@code encoding}: self-contained Avro, or the wire format through {@code lookup}. */
    public static Function<byte[], SensorReading> decoder(AvroEncoding encoding, ConfluentCodec.SchemaLookup lookup) {
        if (lookup != null) {
            return ConfluentCodec.reader(SensorReading.class, lookup)::decode;
        }
        return AvroCodec.of(SensorReading.class, encoding)::decode;
    }

    @Override
    public void open(org.apache.flink.api.common.functions.OpenContext ctx) {
        codec = decoder(encoding, registry == null ? null : registry.client());
        // The fast reader knows the self-contained encodings only; the wire format goes through the codec.
        reader = registry == null ? SensorReadingReader.of(encoding) : null;
        accepted = getRuntimeContext().getMetricGroup().counter(JobMetrics.RECORDS_ACCEPTED);
        rejected = getRuntimeContext().getMetricGroup().counter(JobMetrics.RECORDS_REJECTED);
    }

    @Override
    public void processElement(RawRecord raw, Context ctx, Collector<InFlight> out) {
        Rejected bad = check(raw, out);
        if (bad != null) {
            rejected.inc();
            ctx.output(DeadLetters.TAG, bad);
        } else {
            accepted.inc();
        }
    }

    /** Emits the decoded record, or returns why it is refused. */
    private Rejected check(RawRecord raw, Collector<InFlight> out) {
        if (raw.value == null) {
            return Rejected.of(
                    raw,
                    DeadLetterReason.NULL_VALUE.name(),
                    "The record has no value (a tombstone or a null payload).",
                    null);
        }
        if (raw.value.length > contract.maxRecordBytes()) {
            return Rejected.of(
                    raw,
                    DeadLetterReason.OVERSIZED.name(),
                    "The record value has " + raw.value.length + " bytes, more than input.max-record-bytes = "
                            + contract.maxRecordBytes() + ".",
                    null);
        }
        // The fast reader handles what this build's schema writes; anything else (and every bad
        // record) goes through the codec, which decodes it or says exactly why not.
        SensorReadingReader.Fields r = reader == null ? null : reader.read(raw.value);
        if (r == null) {
            try {
                r = fields(codec.apply(raw.value));
            } catch (RecordDecodeException e) {
                return Rejected.of(raw, DeadLetterReason.UNDECODABLE.name(), e.getMessage(), null);
            }
        }
        String id = r.eventId();
        if (id == null || id.isBlank()) {
            return Rejected.of(raw, DeadLetterReason.MISSING_ID.name(), "The record has an empty event_id.", null);
        }
        if (ShadowCopies.isCopy(id)) {
            // Reserved: it marks the shadow copy of a record (ShadowCopies).
            return Rejected.of(
                    raw,
                    DeadLetterReason.MISSING_ID.name(),
                    "The record's event_id begins with U+0000, which the job reserves.",
                    id);
        }
        float[] features = r.features();
        if (features.length != contract.featureDim()) {
            return Rejected.of(
                    raw,
                    DeadLetterReason.WRONG_DIMENSION.name(),
                    "The record has " + features.length + " features, but the bundle expects " + contract.featureDim()
                            + ".",
                    id);
        }
        for (int i = 0; i < features.length; i++) {
            float v = features[i];
            if (!Float.isFinite(v)) {
                return Rejected.of(
                        raw,
                        DeadLetterReason.NON_FINITE.name(),
                        "Feature " + i + " is " + v + "; features must be finite.",
                        id);
            }
        }
        int taskIndex = -1;
        if (contract.requiresTask()) {
            taskIndex = r.task() == null ? -1 : contract.tasks().indexOf(r.task());
            if (taskIndex < 0) {
                return Rejected.of(
                        raw,
                        DeadLetterReason.UNKNOWN_TASK.name(),
                        "The task '" + r.task() + "' is not one of the bundle's tasks " + contract.tasks() + ".",
                        id);
            }
        }
        InFlight rec = new InFlight();
        rec.eventId = id;
        rec.sourceId = r.sourceId();
        rec.task = r.task();
        rec.taskIndex = taskIndex;
        rec.eventTime = r.eventTimeMillis();
        rec.readTime = raw.readTime;
        rec.features = features;
        rec.rawKey = raw.key;
        rec.rawValue = raw.value;
        rec.topic = raw.topic;
        rec.partition = raw.partition;
        rec.offset = raw.offset;
        out.collect(rec);
        return null;
    }

    private static SensorReadingReader.Fields fields(SensorReading r) {
        List<Float> f = r.getFeatures();
        float[] features = new float[f.size()];
        for (int i = 0; i < features.length; i++) {
            features[i] = f.get(i);
        }
        return new SensorReadingReader.Fields(
                r.getEventId(), r.getSourceId(), r.getTask(), r.getEventTime().toEpochMilli(), features);
    }
}
