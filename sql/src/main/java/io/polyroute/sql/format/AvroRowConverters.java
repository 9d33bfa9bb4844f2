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

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.specific.SpecificData;
import org.apache.flink.table.data.ArrayData;
import org.apache.flink.table.data.GenericArrayData;
import org.apache.flink.table.data.GenericMapData;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.MapData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;
import org.apache.flink.table.types.logical.ArrayType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.LogicalTypeFamily;
import org.apache.flink.table.types.logical.LogicalTypeRoot;
import org.apache.flink.table.types.logical.MapType;
import org.apache.flink.table.types.logical.RowType;

/**
 * Converts between Flink's internal rows and the generated Avro records, field by field and by
 * name: a table column {@code event_id} is the record's field {@code event_id}. Timestamps
 * ({@code timestamp-millis}) map to {@code TIMESTAMP_LTZ(3)}, {@code TIMESTAMP(3)} or {@code BIGINT};
 * enums to strings; nested records to {@code ROW}s.
 */
final class AvroRowConverters {
    /** Converts one value. */
    interface Converter {
        Object convert(Object value);
    }

    private AvroRowConverters() {}

    /** The Avro schema without its null branch, for optional fields. */
    static Schema nonNull(Schema s) {
        if (s.getType() == Schema.Type.UNION) {
            for (Schema b : s.getTypes()) {
                if (b.getType() != Schema.Type.NULL) {
                    return b;
                }
            }
        }
        return s;
    }

    /** Checks that a column of type {@code t} can hold Avro values of schema {@code s}. */
    static void check(String column, LogicalType t, Schema s) {
        s = nonNull(s);
        boolean ok = switch (s.getType()) {
            case STRING, ENUM -> t.is(LogicalTypeFamily.CHARACTER_STRING);
            case INT -> t.is(LogicalTypeRoot.INTEGER);
            case LONG ->
                isTimestamp(s)
                        ? t.is(LogicalTypeFamily.TIMESTAMP) || t.is(LogicalTypeRoot.BIGINT)
                        : t.is(LogicalTypeRoot.BIGINT);
            case FLOAT -> t.is(LogicalTypeRoot.FLOAT);
            case DOUBLE -> t.is(LogicalTypeRoot.DOUBLE);
            case BOOLEAN -> t.is(LogicalTypeRoot.BOOLEAN);
            case BYTES -> t.is(LogicalTypeFamily.BINARY_STRING);
            case ARRAY -> t instanceof ArrayType;
            case MAP -> t instanceof MapType;
            case RECORD -> t instanceof RowType;
            default -> false;
        };
        if (!ok) {
            throw new IllegalArgumentException("Column " + column + " is " + t + " but the Avro field is " + s + ".");
        }
        if (t instanceof ArrayType a) {
            check(column + "[]", a.getElementType(), s.getElementType());
        } else if (t instanceof MapType m) {
            check(column + "{}", m.getValueType(), s.getValueType());
        } else if (t instanceof RowType r) {
            for (RowType.RowField f : r.getFields()) {
                Schema.Field af = s.getField(f.getName());
                if (af == null) {
                    throw new IllegalArgumentException("Column " + column + "." + f.getName()
                            + " has no field of that name in Avro record " + s.getName() + ".");
                }
                check(column + "." + f.getName(), f.getType(), af.schema());
            }
        }
    }

    private static boolean isTimestamp(Schema s) {
        return s.getLogicalType() instanceof LogicalTypes.TimestampMillis;
    }

    // ---- Avro -> Flink -------------------------------------------------------------------------

    /** A converter from the Java value of an Avro field (as the generated classes hold it) to Flink's internal one. */
    static Converter toFlink(LogicalType t, Schema schema) {
        Schema s = nonNull(schema);
        Converter c = switch (s.getType()) {
            case STRING, ENUM -> v -> StringData.fromString(v.toString());
            case INT, FLOAT, DOUBLE, BOOLEAN -> v -> v;
            case LONG -> {
                if (!isTimestamp(s)) {
                    yield v -> v;
                }
                yield t.is(LogicalTypeRoot.BIGINT)
                        ? v -> epochMillis(v)
                        : v -> TimestampData.fromEpochMillis(epochMillis(v));
            }
            case BYTES ->
                v -> {
                    ByteBuffer b = ((ByteBuffer) v).duplicate();
                    byte[] out = new byte[b.remaining()];
                    b.get(out);
                    return out;
                };
            case ARRAY -> {
                Converter e = toFlink(((ArrayType) t).getElementType(), s.getElementType());
                yield v -> {
                    List<?> list = (List<?>) v;
                    Object[] out = new Object[list.size()];
                    for (int i = 0; i < out.length; i++) {
                        Object x = list.get(i);
                        out[i] = x == null ? null : e.convert(x);
                    }
                    return new GenericArrayData(out);
                };
            }
            case MAP -> {
                Converter e = toFlink(((MapType) t).getValueType(), s.getValueType());
                yield v -> {
                    Map<Object, Object> out = new HashMap<>();
                    ((Map<?, ?>) v)
                            .forEach((k, x) ->
                                    out.put(StringData.fromString(k.toString()), x == null ? null : e.convert(x)));
                    return new GenericMapData(out);
                };
            }
            case RECORD -> recordToFlink((RowType) t, s);
            default -> throw new IllegalArgumentException("Unsupported Avro type " + s);
        };
        return v -> v == null ? null : c.convert(v);
    }

    private static Converter recordToFlink(RowType t, Schema s) {
        int n = t.getFieldCount();
        int[] pos = new int[n];
        Converter[] cs = new Converter[n];
        for (int i = 0; i < n; i++) {
            Schema.Field f = s.getField(t.getFieldNames().get(i));
            pos[i] = f.pos();
            cs[i] = toFlink(t.getTypeAt(i), f.schema());
        }
        return v -> {
            IndexedRecord r = (IndexedRecord) v;
            GenericRowData row = new GenericRowData(n);
            for (int i = 0; i < n; i++) {
                row.setField(i, cs[i].convert(r.get(pos[i])));
            }
            return row;
        };
    }

    private static long epochMillis(Object v) {
        return v instanceof Instant i ? i.toEpochMilli() : (Long) v;
    }

    // ---- Flink -> Avro -------------------------------------------------------------------------

    /** A converter from Flink's internal value of type {@code t} to what the generated Avro classes hold. */
    static Converter toAvro(LogicalType t, Schema schema) {
        Schema s = nonNull(schema);
        Converter c = switch (s.getType()) {
            case STRING -> Object::toString;
            case ENUM -> {
                Class<?> cls = SpecificData.get().getClass(s);
                yield v -> enumValue(cls, s, v.toString());
            }
            case INT, FLOAT, DOUBLE, BOOLEAN -> v -> v;
            case LONG -> {
                if (!isTimestamp(s)) {
                    yield v -> v;
                }
                yield t.is(LogicalTypeRoot.BIGINT)
                        ? v -> Instant.ofEpochMilli((Long) v)
                        : v -> ((TimestampData) v).toInstant();
            }
            case BYTES -> v -> ByteBuffer.wrap((byte[]) v);
            case ARRAY -> {
                LogicalType et = ((ArrayType) t).getElementType();
                ArrayData.ElementGetter g = ArrayData.createElementGetter(et);
                Converter e = toAvro(et, s.getElementType());
                yield v -> {
                    ArrayData a = (ArrayData) v;
                    List<Object> out = new ArrayList<>(a.size());
                    for (int i = 0; i < a.size(); i++) {
                        out.add(e.convert(g.getElementOrNull(a, i)));
                    }
                    return out;
                };
            }
            case MAP -> {
                MapType mt = (MapType) t;
                ArrayData.ElementGetter kg = ArrayData.createElementGetter(mt.getKeyType());
                ArrayData.ElementGetter vg = ArrayData.createElementGetter(mt.getValueType());
                Converter e = toAvro(mt.getValueType(), s.getValueType());
                yield v -> {
                    MapData m = (MapData) v;
                    Map<String, Object> out = new HashMap<>();
                    for (int i = 0; i < m.size(); i++) {
                        out.put(
                                String.valueOf(kg.getElementOrNull(m.keyArray(), i)),
                                e.convert(vg.getElementOrNull(m.valueArray(), i)));
                    }
                    return out;
                };
            }
            case RECORD -> recordToAvro((RowType) t, s);
            default -> throw new IllegalArgumentException("Unsupported Avro type " + s);
        };
        return v -> v == null ? null : c.convert(v);
    }

    private static Converter recordToAvro(RowType t, Schema s) {
        int n = t.getFieldCount();
        int[] pos = new int[n];
        Converter[] cs = new Converter[n];
        RowData.FieldGetter[] gs = new RowData.FieldGetter[n];
        for (int i = 0; i < n; i++) {
            Schema.Field f = s.getField(t.getFieldNames().get(i));
            pos[i] = f.pos();
            cs[i] = toAvro(t.getTypeAt(i), f.schema());
            gs[i] = RowData.createFieldGetter(t.getTypeAt(i), i);
        }
        return v -> {
            RowData row = (RowData) v;
            IndexedRecord r = newRecord(s);
            for (Schema.Field f : s.getFields()) {
                if (f.hasDefaultValue()) {
                    r.put(f.pos(), SpecificData.get().getDefaultValue(f));
                }
            }
            for (int i = 0; i < n; i++) {
                r.put(pos[i], cs[i].convert(gs[i].getFieldOrNull(row)));
            }
            return r;
        };
    }

    /** A new instance of the generated class of record schema {@code s}. */
    static IndexedRecord newRecord(Schema s) {
        return (IndexedRecord) SpecificData.get().newRecord(null, s);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Object enumValue(Class<?> cls, Schema s, String symbol) {
        if (!s.getEnumSymbols().contains(symbol)) {
            throw new IllegalArgumentException(
                    "'" + symbol + "' is not a symbol of " + s.getName() + " " + s.getEnumSymbols() + ".");
        }
        if (cls != null && cls.isEnum()) {
            return Enum.valueOf((Class) cls, symbol);
        }
        return new org.apache.avro.generic.GenericData.EnumSymbol(s, symbol);
    }
}
