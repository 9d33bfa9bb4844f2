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
package io.polyroute.sql.format;

import io.polyroute.schemas.AvroCodec;
import io.polyroute.schemas.AvroEncoding;
import java.time.Instant;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.types.logical.RowType;

/**
 * Writes rows as Polyroute Avro records, column by name into field. A record field without a
 * column takes its Avro default, or NULL when it may be null; otherwise a {@code timestamp-millis} field
 * ({@code processed_time}, {@code time}) takes the time of writing, and {@code latency_ms} the
 * milliseconds from the record's {@code event_time} to then.
 */
final class PolyrouteAvroSerializationSchema implements SerializationSchema<RowData> {
    private static final long serialVersionUID = 1L;
    private static final String LATENCY_FIELD = "latency_ms";
    private static final String EVENT_TIME_FIELD = "event_time";

    private final WireRecord record;
    private final AvroEncoding encoding;
    private final RowType rowType;

    private transient AvroCodec<SpecificRecord> codec;
    private transient Schema schema;
    private transient int[] columnOf;
    private transient RowData.FieldGetter[] getters;
    private transient AvroRowConverters.Converter[] converters;

    PolyrouteAvroSerializationSchema(WireRecord record, AvroEncoding encoding, RowType rowType) {
        this.record = record;
        this.encoding = encoding;
        this.rowType = rowType;
    }

    @Override
    @SuppressWarnings("unchecked")
    public void open(InitializationContext context) {
        codec = (AvroCodec<SpecificRecord>) AvroCodec.of(record.type(), encoding);
        schema = codec.schema();
        int fields = schema.getFields().size();
        columnOf = new int[fields];
        getters = new RowData.FieldGetter[fields];
        converters = new AvroRowConverters.Converter[fields];
        for (Schema.Field f : schema.getFields()) {
            int c = rowType.getFieldNames().indexOf(f.name());
            columnOf[f.pos()] = c;
            if (c >= 0) {
                getters[f.pos()] = RowData.createFieldGetter(rowType.getTypeAt(c), c);
                converters[f.pos()] = AvroRowConverters.toAvro(rowType.getTypeAt(c), f.schema());
            }
        }
    }

    @Override
    public byte[] serialize(RowData row) {
        SpecificRecord r = (SpecificRecord) AvroRowConverters.newRecord(schema);
        Instant now = Instant.now();
        for (Schema.Field f : schema.getFields()) {
            int p = f.pos();
            if (columnOf[p] >= 0) {
                r.put(p, converters[p].convert(getters[p].getFieldOrNull(row)));
            } else if (f.hasDefaultValue()) {
                r.put(p, SpecificData.get().getDefaultValue(f));
            } else if (nullable(f.schema())) {
                r.put(p, null);
            } else if (f.schema().getLogicalType() instanceof LogicalTypes.TimestampMillis) {
                r.put(p, now);
            }
        }
        Schema.Field latency = schema.getField(LATENCY_FIELD);
        Schema.Field eventTime = schema.getField(EVENT_TIME_FIELD);
        if (latency != null && columnOf[latency.pos()] < 0 && eventTime != null) {
            Object t = r.get(eventTime.pos());
            r.put(
                    latency.pos(),
                    t instanceof Instant i ? (double) Math.max(0, now.toEpochMilli() - i.toEpochMilli()) : 0.0);
        }
        return codec.encode(r);
    }

    private static boolean nullable(Schema s) {
        return s.getType() == Schema.Type.UNION && s.getTypes().stream().anyMatch(b -> b.getType() == Schema.Type.NULL);
    }

    /** Fields of the record no column fills and nothing defaults, for planning-time checks. */
    static java.util.List<String> unfilled(Schema schema, RowType rowType) {
        java.util.List<String> out = new java.util.ArrayList<>();
        for (Schema.Field f : schema.getFields()) {
            boolean filled = rowType.getFieldNames().contains(f.name())
                    || f.hasDefaultValue()
                    || nullable(f.schema())
                    || f.schema().getLogicalType() instanceof LogicalTypes.TimestampMillis
                    || f.name().equals(LATENCY_FIELD) && schema.getField(EVENT_TIME_FIELD) != null;
            if (!filled) {
                out.add(f.name());
            }
        }
        return out;
    }
}
