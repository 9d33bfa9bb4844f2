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
import io.polyroute.schemas.RecordDecodeException;
import java.io.IOException;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.types.logical.RowType;

/**
 * Reads Polyroute Avro values into rows whose columns name record fields. Undecodable values do not
 * fail the query when the table declares a {@code decode_error} column: they become a row with only
 * {@code decode_error} (and {@code raw_value}) set, so SQL can route them to a dead-letter table. A
 * {@code raw_value} column holds every record's value bytes, for dead letters.
 */
final class PolyrouteAvroDeserializationSchema implements DeserializationSchema<RowData> {
    private static final long serialVersionUID = 1L;

    private final WireRecord record;
    private final AvroEncoding encoding;
    private final RowType rowType;
    private final TypeInformation<RowData> producedType;

    private transient AvroCodec<? extends SpecificRecord> codec;
    private transient int[] fieldPos;
    private transient AvroRowConverters.Converter[] converters;
    private transient int decodeErrorColumn;
    private transient int rawValueColumn;

    PolyrouteAvroDeserializationSchema(
            WireRecord record, AvroEncoding encoding, RowType rowType, TypeInformation<RowData> producedType) {
        this.record = record;
        this.encoding = encoding;
        this.rowType = rowType;
        this.producedType = producedType;
    }

    @Override
    public void open(InitializationContext context) {
        codec = AvroCodec.of(record.type(), encoding);
        Schema schema = codec.schema();
        int n = rowType.getFieldCount();
        fieldPos = new int[n];
        converters = new AvroRowConverters.Converter[n];
        decodeErrorColumn = -1;
        rawValueColumn = -1;
        for (int i = 0; i < n; i++) {
            String name = rowType.getFieldNames().get(i);
            if (name.equals(PolyrouteAvroOptions.DECODE_ERROR_COLUMN)) {
                decodeErrorColumn = i;
                fieldPos[i] = -1;
            } else if (name.equals(PolyrouteAvroOptions.RAW_VALUE_COLUMN)) {
                rawValueColumn = i;
                fieldPos[i] = -1;
            } else {
                Schema.Field f = schema.getField(name);
                fieldPos[i] = f.pos();
                converters[i] = AvroRowConverters.toFlink(rowType.getTypeAt(i), f.schema());
            }
        }
    }

    @Override
    public RowData deserialize(byte[] message) throws IOException {
        int n = fieldPos.length;
        if (message == null) {
            return decodeErrorColumn < 0 ? null : failedRow(null, "NULL_VALUE: the record has no value");
        }
        SpecificRecord r;
        try {
            r = codec.decode(message);
        } catch (RecordDecodeException e) {
            if (decodeErrorColumn < 0) {
                throw new IOException(
                        "Cannot decode a " + record.type().getSimpleName() + " (" + e.getMessage() + "); declare a "
                                + PolyrouteAvroOptions.DECODE_ERROR_COLUMN + " STRING column to receive such records.",
                        e);
            }
            return failedRow(message, "UNDECODABLE: " + e.getMessage());
        }
        GenericRowData row = new GenericRowData(n);
        for (int i = 0; i < n; i++) {
            if (fieldPos[i] >= 0) {
                row.setField(i, converters[i].convert(r.get(fieldPos[i])));
            }
        }
        if (rawValueColumn >= 0) {
            row.setField(rawValueColumn, message);
        }
        return row;
    }

    private RowData failedRow(byte[] message, String error) {
        GenericRowData row = new GenericRowData(fieldPos.length);
        row.setField(decodeErrorColumn, StringData.fromString(error));
        if (rawValueColumn >= 0) {
            row.setField(rawValueColumn, message);
        }
        return row;
    }

    @Override
    public boolean isEndOfStream(RowData nextElement) {
        return false;
    }

    @Override
    public TypeInformation<RowData> getProducedType() {
        return producedType;
    }
}
