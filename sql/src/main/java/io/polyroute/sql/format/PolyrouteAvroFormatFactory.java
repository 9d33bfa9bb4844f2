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
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.connector.ChangelogMode;
import org.apache.flink.table.connector.format.DecodingFormat;
import org.apache.flink.table.connector.format.EncodingFormat;
import org.apache.flink.table.connector.sink.DynamicTableSink;
import org.apache.flink.table.connector.source.DynamicTableSource;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.factories.DeserializationFormatFactory;
import org.apache.flink.table.factories.DynamicTableFactory;
import org.apache.flink.table.factories.FactoryUtil;
import org.apache.flink.table.factories.SerializationFormatFactory;
import org.apache.flink.table.types.DataType;
import org.apache.flink.table.types.logical.RowType;

/**
 * The {@code polyroute-avro} format: Polyroute's wire records ({@code SensorReading},
 * {@code Prediction}, {@code DeadLetter}) with exactly the bytes the DataStream job reads and
 * writes. Columns match record fields by name, so a table may declare any subset of the fields:
 *
 * <pre>{@code
 * CREATE TABLE sensors (
 *   event_id STRING, source_id STRING, task STRING, event_time TIMESTAMP_LTZ(3),
 *   features ARRAY<FLOAT>, decode_error STRING, raw_value BYTES
 * ) WITH ('connector' = 'kafka', 'topic' = 'sensors', 'value.format' = 'polyroute-avro', ...);
 * }</pre>
 */
public final class PolyrouteAvroFormatFactory implements DeserializationFormatFactory, SerializationFormatFactory {

    @Override
    public String factoryIdentifier() {
        return PolyrouteAvroOptions.IDENTIFIER;
    }

    @Override
    public Set<ConfigOption<?>> requiredOptions() {
        return Set.of();
    }

    @Override
    public Set<ConfigOption<?>> optionalOptions() {
        return Set.of(PolyrouteAvroOptions.RECORD, PolyrouteAvroOptions.ENCODING);
    }

    @Override
    public DecodingFormat<DeserializationSchema<RowData>> createDecodingFormat(
            DynamicTableFactory.Context context, ReadableConfig formatOptions) {
        FactoryUtil.validateFactoryOptions(this, formatOptions);
        WireRecord record = record(formatOptions);
        AvroEncoding encoding = encoding(formatOptions);
        return new DecodingFormat<>() {
            @Override
            public DeserializationSchema<RowData> createRuntimeDecoder(
                    DynamicTableSource.Context ctx, DataType physicalDataType) {
                RowType rowType = (RowType) physicalDataType.getLogicalType();
                checkColumns(context, record, rowType, true);
                TypeInformation<RowData> info = ctx.createTypeInformation(physicalDataType);
                return new PolyrouteAvroDeserializationSchema(record, encoding, rowType, info);
            }

            @Override
            public ChangelogMode getChangelogMode() {
                return ChangelogMode.insertOnly();
            }
        };
    }

    @Override
    public EncodingFormat<SerializationSchema<RowData>> createEncodingFormat(
            DynamicTableFactory.Context context, ReadableConfig formatOptions) {
        FactoryUtil.validateFactoryOptions(this, formatOptions);
        WireRecord record = record(formatOptions);
        AvroEncoding encoding = encoding(formatOptions);
        return new EncodingFormat<>() {
            @Override
            public SerializationSchema<RowData> createRuntimeEncoder(
                    DynamicTableSink.Context ctx, DataType physicalDataType) {
                RowType rowType = (RowType) physicalDataType.getLogicalType();
                checkColumns(context, record, rowType, false);
                return new PolyrouteAvroSerializationSchema(record, encoding, rowType);
            }

            @Override
            public ChangelogMode getChangelogMode() {
                return ChangelogMode.insertOnly();
            }
        };
    }

    private static WireRecord record(ReadableConfig options) {
        try {
            return WireRecord.parse(options.get(PolyrouteAvroOptions.RECORD));
        } catch (IllegalArgumentException e) {
            throw new ValidationException("Format polyroute-avro, option 'record': " + e.getMessage(), e);
        }
    }

    private static AvroEncoding encoding(ReadableConfig options) {
        String s = options.get(PolyrouteAvroOptions.ENCODING).trim().toLowerCase(Locale.ROOT);
        return switch (s) {
            case "binary" -> AvroEncoding.BINARY;
            case "single-object", "single_object" -> AvroEncoding.SINGLE_OBJECT;
            default ->
                throw new ValidationException(
                        "Format polyroute-avro, option 'encoding' must be binary or single-object, but is '" + s
                                + "'.");
        };
    }

    /** Every column must name a record field of a matching type; a sink must fill every required field. */
    private static void checkColumns(
            DynamicTableFactory.Context context, WireRecord record, RowType rowType, boolean reading) {
        Schema schema = AvroCodec.of(record.type(), AvroEncoding.BINARY).schema();
        String table = context.getObjectIdentifier().asSummaryString();
        for (RowType.RowField f : rowType.getFields()) {
            if (reading
                    && record == WireRecord.SENSOR_READING
                    && (f.getName().equals(PolyrouteAvroOptions.DECODE_ERROR_COLUMN)
                            || f.getName().equals(PolyrouteAvroOptions.RAW_VALUE_COLUMN))) {
                continue;
            }
            Schema.Field af = schema.getField(f.getName());
            if (af == null) {
                throw new ValidationException("Table " + table + ": column " + f.getName() + " is not a field of "
                        + schema.getName() + " "
                        + schema.getFields().stream().map(Schema.Field::name).toList()
                        + (reading ? " (or decode_error, raw_value)" : "") + ".");
            }
            try {
                AvroRowConverters.check(f.getName(), f.getType(), af.schema());
            } catch (IllegalArgumentException e) {
                throw new ValidationException("Table " + table + ": " + e.getMessage(), e);
            }
        }
        if (!reading) {
            List<String> missing = PolyrouteAvroSerializationSchema.unfilled(schema, rowType);
            if (!missing.isEmpty()) {
                throw new ValidationException("Table " + table + " writes " + schema.getName()
                        + " records but has no column for " + missing + ".");
            }
        }
    }
}
